/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JUnit XML, the one writer: dmesg-classify --junit, vmrun's junit.xml and
 * fstests-results --junit.
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <testsuites name="N">                         (optional, name optional)
 *     <testsuite name="S" tests="3" failures="1" [errors= skipped= time=]>
 *       <testcase classname="C" name="T" [time="S"]/>
 *       <testcase classname="C" name="T">
 *         <properties><property name="P" value="V"/></properties>
 *         <failure type="X" message="M">TEXT</failure>
 *       </testcase>
 *       <system-out>TEXT</system-out>
 *     </testsuite>
 *   </testsuites>
 *
 * Two spaces of indent per level.  Attribute values and text are escaped
 * (bt_xml_escape).  Two style flags keep the bytes each tool wrote before
 * there was one writer.
 */
#ifndef BOOTTEST_JUNIT_H
#define BOOTTEST_JUNIT_H

#include <stdbool.h>
#include <stdio.h>

/* <failure message= type=> rather than type= message= */
#define BT_JUNIT_TYPE_LAST	0x1
/* A test case without a result as <testcase ...>\n</testcase>, not <.../> */
#define BT_JUNIT_OPEN_EMPTY	0x2

enum bt_junit_kind { BT_JUNIT_FAILURE, BT_JUNIT_ERROR, BT_JUNIT_SKIPPED };

struct bt_junit {
	FILE *f;
	unsigned int flags;
	int depth;		/* open elements: testsuites, testsuite */
	bool in_case;		/* a <testcase> is open */
	bool case_body;		/* ... and has a child */
	const char *result;	/* open result element, NULL none */
	bool result_text;	/* ... with text */
};

/* The XML declaration; flags BT_JUNIT_*. */
void bt_junit_begin(struct bt_junit *j, FILE *f, unsigned int flags);
/* <testsuites>, with a name attribute when name != NULL. */
void bt_junit_suites(struct bt_junit *j, const char *name);
void bt_junit_suites_end(struct bt_junit *j);
/* <testsuite>: errors, skipped and time (s) are left out when < 0. */
void bt_junit_suite(struct bt_junit *j, const char *name, long tests,
		    long failures, long errors, long skipped, double time);
void bt_junit_suite_end(struct bt_junit *j);
/* <testcase>: time (whole seconds) left out when < 0. */
void bt_junit_case(struct bt_junit *j, const char *classname,
		   const char *name, long time);
/* <properties> of the open test case with one property, before any result. */
void bt_junit_property(struct bt_junit *j, const char *name,
		       const char *value);
/* A result of the open test case; type NULL: no type attribute. */
void bt_junit_result(struct bt_junit *j, enum bt_junit_kind kind,
		     const char *type, const char *message);
/* Text inside the open result element (call it for an empty element too). */
void bt_junit_text(struct bt_junit *j, const char *s);
void bt_junit_result_end(struct bt_junit *j);
void bt_junit_case_end(struct bt_junit *j);
/* <system-out>TEXT</system-out> in the open test suite. */
void bt_junit_system_out(struct bt_junit *j, const char *s);

/* Write s with &<>"' escaped and control/invalid bytes replaced by '?'. */
void bt_xml_escape(FILE *f, const char *s);

#endif
