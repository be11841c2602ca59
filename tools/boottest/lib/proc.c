// SPDX-License-Identifier: GPL-2.0
/* Child processes: spawn, wait with a deadline, kill process groups. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "proc.h"

long long bt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void child_setup(const struct bt_spawn *opt, pid_t parent)
{
	int nullfd = -1;

	if (opt->new_pgrp)
		setpgid(0, 0);
	if (opt->die_with_parent) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
	}
	if (opt->fd_in < 0)
		nullfd = open("/dev/null", O_RDONLY);
	if (dup2(opt->fd_in >= 0 ? opt->fd_in : nullfd, STDIN_FILENO) < 0)
		_exit(127);
	if (opt->fd_out >= 0 && dup2(opt->fd_out, STDOUT_FILENO) < 0)
		_exit(127);
	if (opt->fd_err >= 0 && dup2(opt->fd_err, STDERR_FILENO) < 0)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

pid_t bt_spawn(char *const argv[], const struct bt_spawn *opt)
{
	static const struct bt_spawn defaults = BT_SPAWN_INIT;
	pid_t parent = getpid();
	int pfd[2], child_errno;
	ssize_t n;
	pid_t pid;

	if (!opt)
		opt = &defaults;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return bt_error("cannot create a pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return bt_error("cannot fork for %s: %s", argv[0],
				strerror(errno));
	}
	if (pid == 0) {
		int e;

		close(pfd[0]);
		child_setup(opt, parent);
		execvp(argv[0], argv);
		e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	if (opt->new_pgrp)
		setpgid(pid, pid);	/* no race with the child's own call */
	close(pfd[1]);
	do {
		n = read(pfd[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == sizeof(child_errno)) {
		waitpid(pid, NULL, 0);
		bt_err("cannot run %s: %s", argv[0], strerror(child_errno));
		return -1;
	}
	return pid;
}

int bt_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	return -1;
#endif
}

/*
 * Poll pid's pidfd until it exits or deadline passes: 1 on timeout, 0 when
 * it has exited or no pidfd can be had (the caller's loop decides then).
 */
static int pidfd_wait(pid_t pid, long long deadline)
{
	struct pollfd p = { .fd = bt_pidfd(pid), .events = POLLIN };
	int r;

	if (p.fd < 0)
		return 0;
	do {
		long long left = deadline - bt_now_ms();

		r = poll(&p, 1, left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left);
	} while (r < 0 && errno == EINTR);
	close(p.fd);
	return r == 0;
}

int bt_wait(pid_t pid, int *status, long timeout_ms)
{
	long long deadline = timeout_ms >= 0 ? bt_now_ms() + timeout_ms : 0;

	if (timeout_ms >= 0 && pidfd_wait(pid, deadline))
		return 1;
	for (;;) {
		pid_t r = waitpid(pid, status, timeout_ms >= 0 ? WNOHANG : 0);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (timeout_ms >= 0) {
			if (bt_now_ms() >= deadline)
				return 1;
			poll(NULL, 0, 20);
		}
	}
}

void bt_kill_group(pid_t pgid, int sig, long grace_ms)
{
	int status;

	if (pgid <= 0)
		return;
	kill(-pgid, sig);
	if (bt_wait(pgid, &status, grace_ms) == 1) {
		kill(-pgid, SIGKILL);
		bt_wait(pgid, &status, -1);
	}
	/* Anything else left in the group goes too. */
	kill(-pgid, SIGKILL);
}

int bt_run(char *const argv[])
{
	int status;
	pid_t pid = bt_spawn(argv, NULL);

	if (pid < 0)
		return -1;
	if (bt_wait(pid, &status, -1) < 0)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

const char *bt_wait_str(int status)
{
	static char buf[64];

	if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exited with status %d",
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, sizeof(buf), "stopped (status 0x%x)", status);
	return buf;
}
