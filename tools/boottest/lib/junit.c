// SPDX-License-Identifier: GPL-2.0
/* JUnit XML: the one writer (see junit.h for the shape). */
#include "junit.h"

void bt_xml_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			if ((*p < 0x20 && *p != '\n' && *p != '\t') ||
			    *p == 0x7f || *p >= 0x80)
				fputc('?', f);
			else
				fputc(*p, f);
		}
	}
}

static void indent(struct bt_junit *j, int extra)
{
	for (int i = 0; i < j->depth + extra; i++)
		fputs("  ", j->f);
}

/* name="value", escaped, after a space. */
static void attr(struct bt_junit *j, const char *name, const char *value)
{
	fprintf(j->f, " %s=\"", name);
	bt_xml_escape(j->f, value);
	fputc('"', j->f);
}

void bt_junit_begin(struct bt_junit *j, FILE *f, unsigned int flags)
{
	*j = (struct bt_junit){ .f = f, .flags = flags };
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
}

void bt_junit_suites(struct bt_junit *j, const char *name)
{
	indent(j, 0);
	fputs("<testsuites", j->f);
	if (name)
		attr(j, "name", name);
	fputs(">\n", j->f);
	j->depth++;
}

void bt_junit_suites_end(struct bt_junit *j)
{
	j->depth--;
	indent(j, 0);
	fputs("</testsuites>\n", j->f);
}

void bt_junit_suite(struct bt_junit *j, const char *name, long tests,
		    long failures, long errors, long skipped, double time)
{
	indent(j, 0);
	fputs("<testsuite", j->f);
	attr(j, "name", name);
	fprintf(j->f, " tests=\"%ld\" failures=\"%ld\"", tests, failures);
	if (errors >= 0)
		fprintf(j->f, " errors=\"%ld\"", errors);
	if (skipped >= 0)
		fprintf(j->f, " skipped=\"%ld\"", skipped);
	if (time >= 0)
		fprintf(j->f, " time=\"%.3f\"", time);
	fputs(">\n", j->f);
	j->depth++;
}

void bt_junit_suite_end(struct bt_junit *j)
{
	j->depth--;
	indent(j, 0);
	fputs("</testsuite>\n", j->f);
}

void bt_junit_case(struct bt_junit *j, const char *classname,
		   const char *name, long time)
{
	indent(j, 0);
	fputs("<testcase", j->f);
	attr(j, "classname", classname);
	attr(j, "name", name);
	if (time >= 0)
		fprintf(j->f, " time=\"%ld\"", time);
	j->in_case = true;
	j->case_body = false;
}

void bt_junit_property(struct bt_junit *j, const char *name,
		       const char *value)
{
	if (!j->case_body)
		fputs(">\n", j->f);
	j->case_body = true;
	indent(j, 1);
	fputs("<properties><property", j->f);
	attr(j, "name", name);
	attr(j, "value", value);
	fputs("/></properties>\n", j->f);
}

void bt_junit_result(struct bt_junit *j, enum bt_junit_kind kind,
		     const char *type, const char *message)
{
	static const char *const tag[] = {
		[BT_JUNIT_FAILURE] = "failure",
		[BT_JUNIT_ERROR] = "error",
		[BT_JUNIT_SKIPPED] = "skipped",
	};
	bool type_last = j->flags & BT_JUNIT_TYPE_LAST;

	if (!j->case_body)
		fputs(">\n", j->f);
	j->case_body = true;
	indent(j, 1);
	fprintf(j->f, "<%s", tag[kind]);
	if (type && !type_last)
		attr(j, "type", type);
	attr(j, "message", message);
	if (type && type_last)
		attr(j, "type", type);
	j->result = tag[kind];
	j->result_text = false;
}

void bt_junit_text(struct bt_junit *j, const char *s)
{
	if (!j->result_text)
		fputc('>', j->f);
	j->result_text = true;
	bt_xml_escape(j->f, s);
}

void bt_junit_result_end(struct bt_junit *j)
{
	if (j->result_text)
		fprintf(j->f, "</%s>\n", j->result);
	else
		fputs("/>\n", j->f);
	j->result = NULL;
}

void bt_junit_case_end(struct bt_junit *j)
{
	if (!j->case_body && !(j->flags & BT_JUNIT_OPEN_EMPTY)) {
		fputs("/>\n", j->f);
	} else {
		if (!j->case_body)
			fputs(">\n", j->f);
		indent(j, 0);
		fputs("</testcase>\n", j->f);
	}
	j->in_case = false;
}

void bt_junit_system_out(struct bt_junit *j, const char *s)
{
	indent(j, 0);
	fputs("<system-out>", j->f);
	bt_xml_escape(j->f, s);
	fputs("</system-out>\n", j->f);
}
