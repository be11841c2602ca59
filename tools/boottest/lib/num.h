/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers given on command lines. */
#ifndef BOOTTEST_NUM_H
#define BOOTTEST_NUM_H

#include <stdint.h>

/*
 * A byte count: decimal digits with an optional K, M, G or T suffix (powers
 * of 1024; "Ki", "KiB" and "KB" spellings accepted).  Returns 0, or -1 for
 * anything else, a negative number, or more than 2^50 bytes.
 */
int bt_parse_size(const char *s, uint64_t *out);

#endif
