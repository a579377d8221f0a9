// SPDX-License-Identifier: GPL-2.0
/*
 * The reason tables are the kernel's own VMX_EXIT_REASONS / SVM_EXIT_REASONS
 * from its uapi headers (linux-libc-dev), so a name here is the name the
 * kvm_exit tracepoint prints.  6.1 and 6.12 carry identical tables.
 */
#include <errno.h>
#include <string.h>

#include <asm/kvm.h>	/* the exception vectors SVM_EXIT_REASONS names */
#include <asm/svm.h>
#include <asm/vmx.h>

#include "exitscope/reasons.h"

static const struct exsc_reason reasons_vmx[] = { VMX_EXIT_REASONS };
static const struct exsc_reason reasons_svm[] = { SVM_EXIT_REASONS };

const struct exsc_reason *reasons_table(enum exsc_isa isa, size_t *nr)
{
	switch (isa) {
	case EXSC_ISA_VMX:
		*nr = sizeof(reasons_vmx) / sizeof(reasons_vmx[0]);
		return reasons_vmx;
	case EXSC_ISA_SVM:
		*nr = sizeof(reasons_svm) / sizeof(reasons_svm[0]);
		return reasons_svm;
	default:
		*nr = 0;
		return NULL;
	}
}

const char *reasons_name(enum exsc_isa isa, uint32_t code)
{
	size_t nr;
	const struct exsc_reason *table = reasons_table(isa, &nr);

	for (size_t i = 0; i < nr; i++)
		if (table[i].code == code)
			return table[i].name;
	return NULL;
}

int reasons_code(enum exsc_isa isa, const char *name, uint32_t *code)
{
	size_t nr;
	const struct exsc_reason *table = reasons_table(isa, &nr);

	for (size_t i = 0; i < nr; i++) {
		if (!strcmp(table[i].name, name)) {
			*code = table[i].code;
			return 0;
		}
	}
	return -ENOENT;
}

uint32_t reasons_cpuid(enum exsc_isa isa)
{
	return isa == EXSC_ISA_SVM ? SVM_EXIT_CPUID : EXIT_REASON_CPUID;
}

const char *reason_names_find(const struct reason_names *names, uint32_t code)
{
	for (size_t i = 0; names && i < names->n; i++)
		if (names->v[i].code == code)
			return names->v[i].name;
	return NULL;
}

int reason_names_add(struct reason_names *names, uint32_t code, const char *name, size_t len)
{
	if (!len || len >= REASON_NAME_MAX)
		return -EINVAL;
	if (names->n == REASON_NAMES_MAX)
		return -E2BIG;
	names->v[names->n].code = code;
	memcpy(names->v[names->n].name, name, len);
	names->v[names->n].name[len] = '\0';
	names->n++;
	return 0;
}
