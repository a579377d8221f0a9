/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one rule for a number on the command line of exitscope and exitprobe:
 * decimal digits and nothing else (no blanks, signs, hex, exponents), no
 * overflow, within [min, max].  Here as an inline function so that the
 * static probe and the driver share it without a module of their own.
 */
#ifndef EXITSCOPE_NUMBER_H
#define EXITSCOPE_NUMBER_H

#include <errno.h>
#include <stdint.h>

/* 0 with *value set; -EINVAL for what is not digits, -ERANGE outside [@min, @max]. */
static inline int exsc_parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *value)
{
	uint64_t v = 0;

	if (!*text)
		return -EINVAL;
	for (const char *c = text; *c; c++) {
		if (*c < '0' || *c > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*c - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*c - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*value = v;
	return 0;
}

#endif
