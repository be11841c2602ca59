// SPDX-License-Identifier: GPL-2.0
/*
 * The post-mortem part of the report: the "dump" (DUMP=1) and "gdb"
 * (GDB=1) keys of result.json, how to open the dump, and file:line for the
 * crash stacks when the kernel has debug info (lib/ksym.c does the work).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "path.h"
#include "result.h"
#include "ksym.h"
#include "vmrun.h"

static const char *symbols_file(const struct vm_opts *o)
{
	return o->vmlinux ? o->vmlinux : "vmlinux";
}

static char *gdb_command(const struct vm_opts *o, const struct vm_facts *f)
{
	return bt_asprintf("gdb %s -ex 'target remote :%d'",
			   o->vmlinux ? o->vmlinux : o->kernel, f->gdb_port);
}

void vm_postmortem_result(const struct vm_opts *o, const struct vm_facts *f,
			  struct bt_result *r)
{
	if (o->dump) {
		r->dump.present = true;
		if (f->dump_path) {
			r->dump.path = bt_strdup(f->dump_path);
			r->dump.size = f->dump_size;
			r->dump.load_bytes = f->dump_load_bytes;
			r->dump.vmcoreinfo = f->dump_vmcoreinfo;
			r->dump.reason = f->dump_reason ?
					 bt_strdup(f->dump_reason) : NULL;
			r->dump.seconds = f->dump_seconds;
		} else {
			r->dump.why = bt_strdup(f->dump_why ? f->dump_why :
						f->interrupted ? "interrupted" :
						"no crash and no timeout");
		}
	}
	if (o->gdb && f->gdb_port) {
		r->gdb.present = true;
		r->gdb.port = f->gdb_port;
		r->gdb.wait = o->gdb_wait;
		r->gdb.command = gdb_command(o, f);
	}
}

/* The first crash's stack with file:line, when it has them. */
static void stack_summary(const struct bt_result *r)
{
	for (size_t c = 0; c < r->ncrashes; c++) {
		const struct bt_result_crash *crash = &r->crashes[c];

		if (!crash->nsources)
			continue;
		printf("boottest: stack of \"%s\":\n", crash->title);
		for (size_t i = 0; i < crash->nstack && i < 32; i++) {
			const struct bt_result_source *s =
				i < crash->nsources ? &crash->sources[i] : NULL;
			size_t n = s ? s->ninlined : 0;

			/* Inlined functions first, innermost first, as syzbot does. */
			for (size_t k = 0; k + 1 < n; k++)
				printf("boottest:   %s %s [inline]\n",
				       s->inlined[k].function,
				       s->inlined[k].source);
			printf("boottest:   %s", crash->stack[i]);
			if (n)
				printf(" %s", s->inlined[n - 1].source);
			else if (s && s->source)
				printf(" %s", s->source);
			printf("\n");
		}
		return;
	}
}

void vm_postmortem_summary(const struct vm_opts *o, const struct vm_facts *f,
			   const struct bt_result *r)
{
	stack_summary(r);
	if (!o->dump)
		return;
	if (!f->dump_path) {
		printf("boottest: no memory dump: %s\n", f->dump_why ? f->dump_why :
		       f->interrupted ? "interrupted" : "no crash and no timeout");
		return;
	}
	printf("boottest: memory dump (%s): %s, %lld MiB%s\n", f->dump_reason,
	       f->dump_path, f->dump_load_bytes >> 20,
	       f->dump_vmcoreinfo ? "" :
	       ", no vmcoreinfo (kernel without CONFIG_FW_CFG_SYSFS; booted nokaslr)");
	printf("boottest:   open it with: crash %s %s\n", symbols_file(o), f->dump_path);
	printf("boottest:             or: drgn -c %s -s %s\n", f->dump_path,
	       symbols_file(o));
}

/*
 * Is the first frame of this crash the faulting instruction?  Yes when the
 * report (its start_line..end_line of the console log) has a RIP/pc line
 * naming that function; a report with only a call trace (panic(), KASAN,
 * hung tasks, lockdep) starts with a return address.
 */
static bool first_is_rip(const char *log, size_t len, struct json_object *crash)
{
	struct json_object *st = bt_json_get_array(crash, "stack");
	long start = bt_json_get_int(crash, "start_line", 0);
	long end = bt_json_get_int(crash, "end_line", start);
	const char *f0 = st ? json_object_get_string(json_object_array_get_idx(st, 0)) : NULL;
	struct ksym_frame fr;
	char *want;
	size_t pos = 0;
	long line = 1;
	bool found = false;

	if (!log || !f0 || ksym_parse_frame(f0, strlen(f0), &fr) < 0 || start <= 0)
		return false;
	want = bt_asprintf("%s+", fr.func);
	while (pos < len && line <= end && !found) {
		const char *s = log + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos;

		if (line >= start) {
			const char *rip = memmem(s, l, "RIP: ", 5);

			if (!rip)
				rip = memmem(s, l, "pc : ", 5);
			found = rip && memmem(rip, l - (rip - s), want, strlen(want));
		}
		pos += l + 1;
		line++;
	}
	free(want);
	return found;
}

/* Add "stack_sources" to each crash when the kernel has line tables. */
void vm_postmortem_symbolize(const struct vm_opts *o, const char *console_log,
			     struct json_object *crashes)
{
	size_t n = crashes ? json_object_array_length(crashes) : 0, i, len = 0;
	char *log = NULL;
	struct ksym *k;
	bool *exact;

	if (!o->vmlinux || !n)
		return;
	k = ksym_open(o->vmlinux, o->modules_dir);
	if (!k)
		return;
	if (bt_read_file(console_log, &log, &len, 256 << 20, NULL) < 0)
		log = NULL;
	exact = bt_calloc(n, sizeof(*exact));
	for (i = 0; i < n; i++)
		exact[i] = first_is_rip(log, len, json_object_array_get_idx(crashes, i));
	ksym_annotate_crashes(k, crashes, exact);
	free(exact);
	free(log);
	ksym_close(k);
}
