/* SPDX-License-Identifier: GPL-2.0 */
/* Child processes: spawn, wait with a deadline, kill whole process groups. */
#ifndef BOOTTEST_PROC_H
#define BOOTTEST_PROC_H

#include <stdbool.h>
#include <sys/types.h>

struct bt_spawn {
	int fd_in;	/* -1: /dev/null */
	int fd_out;	/* -1: inherit */
	int fd_err;	/* -1: inherit */
	bool new_pgrp;	/* child leads its own process group */
	bool die_with_parent;	/* PR_SET_PDEATHSIG(SIGKILL) in the child */
};

#define BT_SPAWN_INIT { -1, -1, -1, false, true }

/*
 * Start argv[0] (looked up in PATH).  Returns the pid, or -1 with a message
 * printed (including the "not found" case when exec fails: the child reports
 * errno through a close-on-exec pipe).
 */
pid_t bt_spawn(char *const argv[], const struct bt_spawn *opt);

/*
 * Wait for pid.  timeout_ms < 0 waits forever.  Returns 0 and the raw wait
 * status in *status, 1 on timeout (child still running), -1 on error.
 * With a timeout it returns as soon as the child exits (pidfd), where the
 * kernel has pidfd_open; else it polls every 20 ms.
 */
int bt_wait(pid_t pid, int *status, long timeout_ms);

/* A descriptor that polls readable once child pid has exited; -1: none. */
int bt_pidfd(pid_t pid);

/* Send sig to the process group pgid, then SIGKILL after grace_ms; reap pid. */
void bt_kill_group(pid_t pgid, int sig, long grace_ms);

/*
 * Run argv to completion with stdin from /dev/null and return its exit status
 * (0-255), 128+signal when killed, or -1 when it could not be started.
 */
int bt_run(char *const argv[]);

/* Decode a wait status into "exited with status N" / "killed by SIGX". */
const char *bt_wait_str(int status);

/* Monotonic clock in milliseconds. */
long long bt_now_ms(void);

#endif
