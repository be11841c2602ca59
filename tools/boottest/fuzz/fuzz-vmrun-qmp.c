// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: what QEMU's monitor sends vmrun (QMP lines: greeting,
 * replies, events), as vm/qmp.c reads it: bytes appended to a buffer as
 * they arrive, complete lines parsed, events noted, replies judged.  The
 * same bytes go in once whole and once in small pieces: the messages seen
 * must not depend on how the socket cut them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "vm/vmrun.h"

#define EV_ALL	(VM_QMP_EV_SHUTDOWN | VM_QMP_EV_STOP | VM_QMP_EV_RESET)

struct seen {
	unsigned int events;
	size_t messages, greetings, returns;
};

/* What vm/qmp.c's pump does after each read. */
static void drain(struct strbuf *in, struct seen *s)
{
	struct json_object *m;

	while ((m = vm_qmp_drain(in, &s->events)) != NULL) {
		char *err = NULL;
		int rc = vm_qmp_reply_result(m, &err);

		s->messages++;
		if (vm_qmp_is_greeting(m))
			s->greetings++;
		if (rc == 0)
			s->returns++;
		/* An error always has a message to show; a return none. */
		if ((rc == 0) != !err || vm_qmp_reply_result(m, NULL) != rc)
			abort();
		free(err);
		json_object_put(m);
	}
	if (s->events & ~EV_ALL)
		abort();
	if (in->len && memchr(in->buf, '\n', in->len))
		abort();
}

static void feed(const uint8_t *data, size_t size, size_t piece,
		 struct seen *s)
{
	struct strbuf in = STRBUF_INIT;
	size_t off, n;

	for (off = 0; off < size; off += n) {
		n = size - off < piece ? size - off : piece;
		sb_add(&in, data + off, n);
		drain(&in, s);
	}
	sb_release(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen whole = { 0 }, pieces = { 0 };

	feed(data, size, size ? size : 1, &whole);
	feed(data, size, size % 61 + 1, &pieces);
	/* Lines under the 1 MiB limit are the same however they arrive. */
	if (size < (1 << 20) &&
	    (whole.events != pieces.events || whole.messages != pieces.messages ||
	     whole.greetings != pieces.greetings ||
	     whole.returns != pieces.returns))
		abort();
	return 0;
}
