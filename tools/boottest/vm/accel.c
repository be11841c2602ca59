// SPDX-License-Identifier: GPL-2.0
/*
 * KVM or TCG.
 *
 * --accel auto (the default) takes KVM when the KVM device opens read-write
 * for the host's own architecture.  That is not proof that KVM can boot a
 * kernel: on some nested hosts QEMU aborts while it sets up the vCPU
 * ("failed to set MSR 0x10a to 0x69" with -cpu host), or the guest never
 * reaches the kernel.  So an automatic KVM boot is a try: when QEMU exits,
 * or VM_KVM_TRY_MS pass, before the first kernel line (or the init's
 * "started" marker: APPEND=quiet hides the kernel's lines), vmrun boots
 * again under TCG in the same run (qemu.c).  Once the TCG boot has
 * shown such a line (the kernel was not the reason), the failure is
 * recorded in CACHE/kvm-failed for this boot of the host (its boot_id) and
 * this QEMU binary (path, size, mtime), a record per QEMU binary; later
 * runs read it and go to TCG at once, with a note.  --accel kvm always
 * takes KVM (no try, no fallback; a device that does not open is a usage
 * error); --accel tcg never does.
 *
 * CACHE is boottest's cache directory, bt_cache_dir().  BOOTTEST_KVM_DEV
 * names the device to open instead of /dev/kvm (the test suite points it
 * at a file to exercise the fallback on hosts without KVM).
 * BOOTTEST_KVM_TRY_S replaces VM_KVM_TRY_MS (whole seconds): a slow host
 * whose working KVM needs longer to print a kernel line, or the suite's
 * stand-in for KVM, which is TCG.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "path.h"
#include "strbuf.h"
#include "vmrun.h"

int vm_accel_parse(const char *s)
{
	if (!s || !*s || !strcmp(s, "auto"))
		return VM_ACCEL_AUTO;
	if (!strcmp(s, "kvm"))
		return VM_ACCEL_KVM;
	if (!strcmp(s, "tcg"))
		return VM_ACCEL_TCG;
	return -1;
}

static const char *kvm_dev(void)
{
	const char *d = getenv("BOOTTEST_KVM_DEV");

	return d && *d ? d : "/dev/kvm";
}

/* The KVM device opens read-write for a guest of the host's arch. */
static bool kvm_opens(const struct vm_arch *arch, char **why)
{
	const char *dev = kvm_dev();
	int fd;

#if defined(__x86_64__)
	if (strcmp(arch->name, "x86_64")) {
		*why = bt_strdup("guest arch differs from the host");
		return false;
	}
#elif defined(__aarch64__)
	if (strcmp(arch->name, "arm64")) {
		*why = bt_strdup("guest arch differs from the host");
		return false;
	}
#else
	*why = bt_strdup("host arch has no entry in the table");
	return false;
#endif
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*why = errno == ENOENT ? bt_asprintf("%s missing", dev) :
		       errno == EACCES ? bt_asprintf("no permission on %s (join group kvm)", dev) :
		       bt_asprintf("cannot open %s: %s", dev, strerror(errno));
		return false;
	}
	close(fd);
	return true;
}

char *vm_accel_record_path(void)
{
	char *dir = bt_cache_dir(), *p;

	if (!dir)
		return NULL;
	p = bt_path_join(dir, "kvm-failed");
	free(dir);
	return p;
}

/* QEMU's path through PATH, as execvp would find it, or NULL. */
char *vm_accel_which(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (strchr(prog, '/'))
		return access(prog, X_OK) ? NULL : bt_strdup(prog);
	copy = bt_strdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *p = bt_path_join(*dir ? dir : ".", prog);

		if (!access(p, X_OK))
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

/*
 * The key of a record: this boot of the host and this QEMU binary.  NULL
 * when either is unknown (nothing is recorded then).
 */
static char *record_key(const char *qemu)
{
	char *boot = NULL, *path = vm_accel_which(qemu), *key = NULL;
	struct stat st;
	size_t n;

	if (path && !stat(path, &st) &&
	    !bt_read_file("/proc/sys/kernel/random/boot_id", &boot, &n, 64, NULL)) {
		while (n && (boot[n - 1] == '\n' || boot[n - 1] == ' '))
			boot[--n] = '\0';
		key = bt_asprintf("boot_id %s\nqemu %s %lld %lld\n", boot, path,
				  (long long)st.st_size,
				  (long long)st.st_mtime);
	}
	free(boot);
	free(path);
	return key;
}

/*
 * The file holds a record per QEMU binary, each its key (two lines) and a
 * reason line.  It is ours, but read as untrusted: bounded, and anything
 * that is not a whole record is ignored.  Returns the end of the record at
 * s (NULL at the end of the text); *whole: it is one; *match: it has key,
 * its reason in *reason (allocated) when reason is not NULL.
 */
static const char *next_record(const char *s, const char *key,
			       char **reason, bool *whole, bool *match)
{
	const char *r, *e;
	size_t klen = strlen(key);

	*whole = false;
	*match = false;
	if (!*s)
		return NULL;
	/* the key is "boot_id ...\nqemu ...\n": the reason follows it */
	r = strchr(s, '\n');
	r = r ? strchr(r + 1, '\n') : NULL;
	if (!r)
		return NULL;
	r++;
	e = strchr(r, '\n');
	e = e ? e + 1 : r + strlen(r);
	if (strncmp(s, "boot_id ", 8) || strncmp(strchr(s, '\n') + 1, "qemu ", 5) ||
	    strncmp(r, "reason ", 7))
		return e;
	*whole = true;
	if ((size_t)(r - s) == klen && !strncmp(s, key, klen)) {
		*match = true;
		if (reason)
			*reason = bt_strndup(r + 7, strcspn(r + 7, "\n"));
	}
	return e;
}

/* The reason recorded for this boot of the host and QEMU, or NULL. */
static char *recorded_failure(const char *qemu)
{
	char *path = vm_accel_record_path(), *key = record_key(qemu);
	char *buf = NULL, *reason = NULL;
	const char *s;
	bool whole, match = false;

	if (path && key && !bt_read_file(path, &buf, NULL, 1 << 16, NULL))
		for (s = buf; s && !match; )
			s = next_record(s, key, &reason, &whole, &match);
	free(buf);
	free(key);
	free(path);
	return reason;
}

bool vm_accel_kvm(const struct vm_opts *o, const struct vm_arch *arch,
		  const char *qemu, char **why)
{
	char *reason, *rec;

	*why = NULL;
	if (o->accel == VM_ACCEL_TCG) {
		*why = bt_strdup("ACCEL=tcg");
		return false;
	}
	if (!kvm_opens(arch, why)) {
		if (o->accel == VM_ACCEL_KVM)
			bt_die(BT_EXIT_USAGE, "ACCEL=kvm: %s; ACCEL=auto or tcg boots under TCG",
			       *why);
		return false;
	}
	if (o->accel == VM_ACCEL_KVM)
		return true;
	reason = recorded_failure(qemu);
	if (!reason)
		return true;
	rec = vm_accel_record_path();
	*why = bt_asprintf("a KVM boot failed on this host since it booted: %s; recorded in %s; ACCEL=kvm tries again",
			   reason, rec);
	free(rec);
	free(reason);
	return false;
}

/*
 * Record a failure for this boot of the host and this QEMU: the records
 * of other QEMU binaries in this boot are kept (at most RECORDS_MAX), the
 * rest replaced.
 */
#define RECORDS_MAX	16
void vm_accel_record(const char *qemu, const char *reason)
{
	char *path = vm_accel_record_path(), *key = record_key(qemu), *dir;
	char *buf = NULL, *boot;
	struct strbuf text = STRBUF_INIT;
	struct bt_atomic a;
	const char *s, *e;
	int kept = 0;
	bool whole, match;

	if (!path || !key)
		goto out;
	dir = bt_dirname(path);
	if (bt_mkdir_p(dir, 0755) < 0) {
		free(dir);
		goto out;
	}
	free(dir);
	/* "boot_id ID\n": what a kept record starts with */
	boot = bt_strndup(key, strcspn(key, "\n") + 1);
	if (!bt_read_file(path, &buf, NULL, 1 << 16, NULL)) {
		for (s = buf; s && kept < RECORDS_MAX - 1; s = e) {
			e = next_record(s, key, NULL, &whole, &match);
			if (whole && !match && !strncmp(s, boot, strlen(boot))) {
				sb_add(&text, s, e - s);
				if (e[-1] != '\n')
					sb_addch(&text, '\n');
				kept++;
			}
		}
	}
	free(boot);
	free(buf);
	sb_addf(&text, "%sreason %.*s\n", key, (int)strcspn(reason, "\n"),
		reason);
	if (bt_atomic_open(&a, path, 0644) == 0) {
		if (bt_write_all(a.fd, text.buf, text.len) == 0)
			bt_atomic_commit(&a);
		else
			bt_atomic_abort(&a);
	}
	sb_release(&text);
out:
	free(key);
	free(path);
}
