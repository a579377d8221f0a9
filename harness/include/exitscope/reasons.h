/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX basic exit reasons (Intel SDM Vol. 3 App. C) and SVM exit codes (AMD APM
 * Vol. 2 App. C), named as the kernel's VMX_EXIT_REASONS / SVM_EXIT_REASONS do.
 */
#ifndef EXITSCOPE_REASONS_H
#define EXITSCOPE_REASONS_H

#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"

struct exsc_reason {
	uint32_t code;
	const char *name;	/* e.g. "CPUID", "HLT", "IOIO", "NPF" */
};

/* The table of defined reasons for @isa, sorted by code; NULL/0 for EXSC_ISA_NONE. */
const struct exsc_reason *reasons_table(enum exsc_isa isa, size_t *nr);

/* NULL when @isa does not define @code. */
const char *reasons_name(enum exsc_isa isa, uint32_t code);

/* -ENOENT when no reason of @isa has that name. */
int reasons_code(enum exsc_isa isa, const char *name, uint32_t *code);

/*
 * The names one kernel gives its reasons, as its debugfs counters file lists
 * them: a patched kernel names every reason the manual defines, also those
 * the build host's headers do not know.
 */
#define REASON_NAME_MAX 40
#define REASON_NAMES_MAX 256

struct reason_names {
	size_t n;
	struct {
		uint32_t code;
		char name[REASON_NAME_MAX];
	} v[REASON_NAMES_MAX];
};

/* @names' name for @code, or NULL; @names may be NULL. */
const char *reason_names_find(const struct reason_names *names, uint32_t code);

/* Adds @code's name; -E2BIG when full, -EINVAL for an empty name or one too long. */
int reason_names_add(struct reason_names *names, uint32_t code, const char *name, size_t len);

/* The CPUID exit reason of @isa (VMX 10, SVM 0x72). */
uint32_t reasons_cpuid(enum exsc_isa isa);

#endif
