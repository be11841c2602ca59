/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF program closure: a program, its PT_INTERP and the DT_NEEDED libraries
 * it loads, found the way ld.so finds them (DT_RPATH, DT_RUNPATH with
 * $ORIGIN, ld.so.conf, the multiarch and default directories), all looked up
 * inside a sysroot ("/" for the host).  Only libraries whose ELF class, byte
 * order and machine match the program's are accepted.  A #! script brings
 * its interpreter.
 */
#ifndef BOOTTEST_ELF_CLOSURE_H
#define BOOTTEST_ELF_CLOSURE_H

#include <stdbool.h>
#include <sys/stat.h>

struct elf_closure;

/* Called once per file of the closure: guest path, host file, its stat. */
typedef int (*ec_add_fn)(void *arg, const char *guest, const char *host,
			 const struct stat *st);

/* sysroot NULL or "/" = the host. Returns NULL after printing an error. */
struct elf_closure *ec_new(const char *sysroot);
void ec_free(struct elf_closure *ec);

/*
 * Add the program PATH (a guest path, or a bare name looked up in the usual
 * bin directories of the sysroot) with everything it needs.  hostpath, when
 * not NULL, is the host file to install at PATH instead of the sysroot's.
 * where prefixes error messages.  Returns 0 or -1 (message printed).
 */
int ec_add_prog(struct elf_closure *ec, const char *path, const char *hostpath,
		const char *where, ec_add_fn fn, void *arg);

/*
 * Resolve a guest path inside the sysroot (symlinks stay inside it) to the
 * host path of the file.  Returns a new string, or NULL with errno set.
 */
char *ec_host_path(struct elf_closure *ec, const char *guest);

/* ELF identity of a host file: class (1/2), data (1/2), machine.  0 or -1. */
int ec_elf_ident(const char *host, int *class, int *data, int *machine);
/* Whether a machine/class pair is the one this tool runs on. */
bool ec_is_host_arch(int class, int data, int machine);

#endif
