/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FNV-1a, the hash of the tools' tables and digests: the constants and
 * the step, in one place.
 */
#ifndef BOOTTEST_HASH_H
#define BOOTTEST_HASH_H

#include <stdint.h>

#define BT_FNV64_OFFSET	0xcbf29ce484222325ULL
#define BT_FNV64_PRIME	0x100000001b3ULL
#define BT_FNV32_OFFSET	2166136261U

/* One byte into a 64-bit FNV-1a hash. */
static inline uint64_t bt_fnv1a_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * BT_FNV64_PRIME;
}

/* A NUL-terminated string into h (start with BT_FNV64_OFFSET). */
static inline uint64_t bt_fnv1a_str(uint64_t h, const char *s)
{
	while (*s)
		h = bt_fnv1a_byte(h, (unsigned char)*s++);
	return h;
}

#endif
