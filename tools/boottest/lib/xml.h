/* SPDX-License-Identifier: GPL-2.0 */
/* Escaping for the JUnit XML and TAP writers. */
#ifndef BOOTTEST_XML_H
#define BOOTTEST_XML_H

#include <stdio.h>

/* Write s with &<>"' escaped and control/invalid bytes replaced by '?'. */
void bt_xml_escape(FILE *f, const char *s);
/* Write s on one line (newlines and control bytes become spaces), for TAP. */
void bt_tap_escape(FILE *f, const char *s);

#endif
