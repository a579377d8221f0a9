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

/* The CPUID exit reason of @isa (VMX 10, SVM 0x72). */
uint32_t reasons_cpuid(enum exsc_isa isa);

#endif
