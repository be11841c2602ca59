// SPDX-License-Identifier: GPL-2.0
/*
 * A small QMP client for vmrun's post-mortem: connect to QEMU's monitor
 * socket (in the run directory), negotiate capabilities, watch for the
 * events that say the guest stopped (SHUTDOWN, STOP), and run commands
 * synchronously (stop, dump-guest-memory, quit).  QMP speaks one JSON
 * object per line; qmp-msg.c parses them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "path.h"
#include "proc.h"
#include "strbuf.h"
#include "vmrun.h"

struct vm_qmp {
	int fd;
	struct strbuf in;	/* bytes received, not yet a whole line */
	unsigned int events;	/* VM_QMP_EV_* seen so far */
	bool eof;
};

/*
 * A unix socket path is limited to about 107 bytes; a deep run directory
 * is reached through /proc/PID/fd/DIRFD instead, which QEMU (our child)
 * may resolve too.  *dirfd is kept open by the caller while QEMU runs.
 */
char *vm_qmp_socket_path(const char *run_dir, int *dirfd)
{
	struct sockaddr_un sun;
	char *p = bt_asprintf("%s/qmp.sock", run_dir);

	*dirfd = -1;
	if (strlen(p) < sizeof(sun.sun_path))
		return p;
	free(p);
	*dirfd = open(run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return NULL;
	return bt_asprintf("/proc/%ld/fd/%d/qmp.sock", (long)getpid(), *dirfd);
}

/*
 * Handle what is buffered, then read what is available (waiting at most
 * timeout_ms for it).  Returns the first non-event message (the caller
 * owns it) or NULL.
 */
static struct json_object *qmp_pump(struct vm_qmp *q, int timeout_ms)
{
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
	struct json_object *reply = vm_qmp_drain(&q->in, &q->events);
	char buf[8192];
	ssize_t n;

	if (reply || q->eof || poll(&pfd, 1, timeout_ms) <= 0)
		return reply;
	n = read(q->fd, buf, sizeof(buf));
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			q->eof = true;
		return NULL;
	}
	sb_add(&q->in, buf, n);
	return vm_qmp_drain(&q->in, &q->events);
}

/* Wait for the next non-event message until the deadline. */
static struct json_object *qmp_wait_reply(struct vm_qmp *q, long long deadline)
{
	struct json_object *r;

	for (;;) {
		long long left = deadline - bt_now_ms();

		r = qmp_pump(q, left > 0 ? (left > 1000 ? 1000 : (int)left) : 0);
		if (r)
			return r;
		if (left <= 0 || q->eof)
			break;
	}
	return NULL;
}

/* Has QEMU exited?  (Not reaped here: the caller's loop does that.) */
static bool exited(pid_t pid)
{
	siginfo_t si = { 0 };

	return waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
	       si.si_pid == pid;
}

struct vm_qmp *vm_qmp_connect(const char *path, pid_t qemu, long timeout_ms)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	long long deadline = bt_now_ms() + timeout_ms;
	struct vm_qmp *q;
	struct json_object *r;
	int fd = -1;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		bt_error("%s: QMP socket path too long", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			bt_error("QMP socket: %s", strerror(errno));
			return NULL;
		}
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			break;
		close(fd);
		fd = -1;
		if ((errno != ENOENT && errno != ECONNREFUSED) ||
		    bt_now_ms() > deadline || exited(qemu)) {
			bt_error("%s: cannot connect to QEMU's monitor: %s", path,
				 strerror(errno));
			return NULL;
		}
		usleep(20000);
	}
	q = bt_calloc(1, sizeof(*q));
	q->fd = fd;
	/* Greeting {"QMP": ...}, then capabilities negotiation. */
	r = qmp_wait_reply(q, deadline);
	if (!vm_qmp_is_greeting(r)) {
		if (r)
			json_object_put(r);
		bt_error("%s: no QMP greeting from QEMU", path);
		vm_qmp_close(q);
		return NULL;
	}
	json_object_put(r);
	if (vm_qmp_execute(q, "qmp_capabilities", NULL, timeout_ms, NULL) < 0) {
		vm_qmp_close(q);
		return NULL;
	}
	return q;
}

int vm_qmp_fd(const struct vm_qmp *q)
{
	return q->fd;
}

unsigned int vm_qmp_events(struct vm_qmp *q)
{
	struct json_object *r;

	/* Replies are not expected between commands: drop them. */
	while ((r = qmp_pump(q, 0)) != NULL)
		json_object_put(r);
	return q->events | (q->eof ? VM_QMP_EV_EOF : 0);
}

int vm_qmp_execute(struct vm_qmp *q, const char *cmd, struct json_object *args,
		   long timeout_ms, char **errmsg)
{
	struct json_object *req = json_object_new_object(), *r;
	long long deadline = bt_now_ms() + timeout_ms;
	const char *txt;
	int ret;

	if (errmsg)
		*errmsg = NULL;
	bt_json_add_str(req, "execute", cmd);
	if (args)
		json_object_object_add(req, "arguments", json_object_get(args));
	txt = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	if (bt_write_all(q->fd, txt, strlen(txt)) < 0 ||
	    bt_write_all(q->fd, "\n", 1) < 0) {
		if (errmsg)
			*errmsg = bt_asprintf("cannot write to QEMU's monitor: %s",
					      strerror(errno));
		json_object_put(req);
		return -1;
	}
	json_object_put(req);
	r = qmp_wait_reply(q, deadline);
	if (!r) {
		if (errmsg)
			*errmsg = bt_strdup(q->eof ? "QEMU closed its monitor" :
					    "no answer from QEMU's monitor in time");
		return -1;
	}
	ret = vm_qmp_reply_result(r, errmsg);
	json_object_put(r);
	return ret;
}

void vm_qmp_close(struct vm_qmp *q)
{
	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	sb_release(&q->in);
	free(q);
}
