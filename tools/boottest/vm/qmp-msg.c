// SPDX-License-Identifier: GPL-2.0
/*
 * QMP's messages, apart from the socket (qmp.c): cut the bytes
 * QEMU's monitor sent into lines, parse each one (json-c), note the
 * events that say the guest stopped, hand back the other messages
 * (greeting, replies), and read a reply's outcome.  What comes from the
 * monitor is untrusted: fuzz/fuzz-vmrun-qmp.c drives these functions.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "strbuf.h"
#include "vmrun.h"

#define QMP_MAX_LINE	(1 << 20)

/* Handle one complete QMP message; returns it when it is not an event. */
static struct json_object *qmp_message(const char *line, unsigned int *events)
{
	struct json_object *j = json_tokener_parse(line);
	const char *ev;

	if (!j)
		return NULL;
	ev = bt_json_get_str(j, "event");
	if (!ev)
		return j;
	if (!strcmp(ev, "SHUTDOWN"))
		*events |= VM_QMP_EV_SHUTDOWN;
	else if (!strcmp(ev, "STOP"))
		*events |= VM_QMP_EV_STOP;
	else if (!strcmp(ev, "RESET"))
		*events |= VM_QMP_EV_RESET;
	json_object_put(j);
	return NULL;
}

struct json_object *vm_qmp_drain(struct strbuf *in, unsigned int *events)
{
	struct json_object *reply = NULL;

	while (!reply && in->len) {
		char *nl = memchr(in->buf, '\n', in->len);
		size_t used;

		if (!nl) {
			if (in->len > QMP_MAX_LINE)
				sb_reset(in);
			break;
		}
		*nl = '\0';
		used = nl - in->buf + 1;
		reply = qmp_message(in->buf, events);
		memmove(in->buf, in->buf + used, in->len - used);
		in->len -= used;
		in->buf[in->len] = '\0';
	}
	return reply;
}

bool vm_qmp_is_greeting(struct json_object *msg)
{
	return msg && json_object_object_get_ex(msg, "QMP", NULL);
}

int vm_qmp_reply_result(struct json_object *reply, char **errmsg)
{
	struct json_object *e = NULL;
	const char *txt;

	if (json_object_object_get_ex(reply, "return", NULL))
		return 0;
	if (errmsg) {
		json_object_object_get_ex(reply, "error", &e);
		txt = e ? bt_json_get_str(e, "desc") : NULL;
		*errmsg = bt_strdup(txt ? txt : "QEMU refused the command");
	}
	return -1;
}
