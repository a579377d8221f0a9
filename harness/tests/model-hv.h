/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model hypervisor for the unit tests: a fake CPUID that counts exits per
 * reason and answers them through one leaf map (exitscope/maps.h), the way a
 * correct kernel does (an exit is counted before its CPUID is answered), or
 * with one of the usual mistakes of an implementation switched on.  With no
 * map it is a stock kernel.  Header only, state per test binary.
 */
#ifndef EXITSCOPE_TESTS_MODEL_HV_H
#define EXITSCOPE_TESTS_MODEL_HV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "exitscope/maps.h"
#include "exitscope/reasons.h"

/* Slots: codes 0-0x4FF, then SVM's -4 to -1. */
#define MODEL_SLOTS		(0x500 + 4)
#define MODEL_EXIT_CYCLES	600u	/* what a correct kernel charges from exit to entry */
#define MODEL_HANDLER_CYCLES	20u	/* what a timer around the handler alone sees */
#define MODEL_FULL_FAILED	0x80000000u	/* VMX exit reason bit 31: VM-entry failure */

struct model_hv {
	const struct exsc_map *map;	/* the map it answers; NULL: a stock kernel */
	enum exsc_isa isa;
	bool fastpath_missed;	/* counts in the exit handler: fastpath exits are lost */
	bool full_reason;	/* indexes by the full VMX exit reason: bit-31 exits are lost */
	bool kvm_table;		/* "undefined" from KVM's table, not the manual's */
	bool no_self_count;	/* a CPUID exit is counted after it is answered */
	bool cycles_zero;	/* never charges cycles */
	bool handler_only;	/* charges only the handler's cycles */
	bool saturate;		/* 32-bit fields stop at 0xFFFFFFFF instead of wrapping */
	bool lost_updates;	/* shared counters without per-CPU care: every 7th exit lost */
	bool stock_constant;	/* stock: answers unknown leaves with the highest basic leaf */
	uint64_t count[MODEL_SLOTS], cycles[MODEL_SLOTS];
	uint64_t total, total_cycles;
	uint64_t exits;		/* every exit, for lost_updates */
};

static struct model_hv model;

static inline void model_reset(const struct exsc_map *map, enum exsc_isa isa)
{
	memset(&model, 0, sizeof(model));
	model.map = map;
	model.isa = isa;
}

static inline int model_slot(uint32_t code)
{
	if (code < 0x500)
		return (int)code;
	if (code >= 0xFFFFFFFCu)
		return 0x500 + (int)(code - 0xFFFFFFFCu);
	return -1;
}

/* One exit of full reason @full; @fastpath: handled without reaching the exit handler. */
static inline void model_exit_full(uint32_t full, bool fastpath)
{
	uint32_t basic = model.isa == EXSC_ISA_VMX ? (full & 0xFFFFu) : full;
	uint64_t cycles = model.cycles_zero ? 0 : model.handler_only ? MODEL_HANDLER_CYCLES
								    : MODEL_EXIT_CYCLES;
	int slot = model_slot(model.full_reason ? full : basic);

	if (fastpath && model.fastpath_missed)
		return;
	if (slot < 0)
		return;
	if (model.lost_updates && ++model.exits % 7 == 0)
		return;
	model.count[slot]++;
	model.cycles[slot] += cycles;
	model.total++;
	model.total_cycles += cycles;
}

static inline void model_cause(uint32_t code, uint64_t n)
{
	bool failed_entry = model.isa == EXSC_ISA_VMX && (code == 33 || code == 34 || code == 41);
	/* A TSC-deadline write is the fastpath's exit on both ISAs. */
	bool fastpath = code == (model.isa == EXSC_ISA_VMX ? 32u : 0x7Cu);

	for (uint64_t i = 0; i < n; i++)
		model_exit_full(failed_entry ? code | MODEL_FULL_FAILED : code, fastpath);
}

static inline bool model_defined(uint32_t code)
{
	if (model.kvm_table)
		return reasons_name(model.isa, code) != NULL;
	return exsc_reason_defined(model.isa, code);
}

static inline uint32_t model_u32(uint64_t v)
{
	if (model.saturate && v > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)v;
}

/* Puts @value where @field's registers are in @out. */
static inline void model_put(enum exsc_field field, uint64_t value, struct exsc_regs *out)
{
	switch (model.map->field[field].regs) {
	case EXSC_REGS_EAX:
		out->eax = model_u32(value);
		break;
	case EXSC_REGS_EDX_EAX:
		out->eax = (uint32_t)value;
		out->edx = (uint32_t)(value >> 32);
		break;
	case EXSC_REGS_EBX_ECX:
		out->ecx = (uint32_t)value;
		out->ebx = (uint32_t)(value >> 32);
		break;
	default:
		break;
	}
}

static inline void model_vendor(struct exsc_regs *out)
{
	const char *v = model.isa == EXSC_ISA_VMX ? "GenuineIntel" : "AuthenticAMD";

	out->eax = 0x16;
	memcpy(&out->ebx, v, 4);
	memcpy(&out->edx, v + 4, 4);
	memcpy(&out->ecx, v + 8, 4);
}

static inline void model_answer(uint32_t leaf, uint32_t sub, struct exsc_regs *out)
{
	bool reason_leaf = false, any = false;
	int slot = model_slot(sub);

	*out = (struct exsc_regs){ 0, 0, 0, 0 };
	if (leaf == 0) {
		model_vendor(out);
		return;
	}
	if (!model.map) {
		if (model.stock_constant && leaf >= 0x40000000u)
			*out = (struct exsc_regs){ 0x7, 0x340, 0x340, 0 };
		return;
	}
	if (leaf == EXSC_LEAF_INFO && model.map->discovery) {
		*out = (struct exsc_regs){ 2, model.isa, model.isa == EXSC_ISA_VMX ? 86 : 175,
					   EXSC_SIGNATURE };
		return;
	}
	for (int f = 0; f < EXSC_FIELDS; f++) {
		if (!exsc_map_has(model.map, (enum exsc_field)f) || model.map->field[f].leaf != leaf)
			continue;
		any = true;
		reason_leaf |= f == EXSC_FIELD_REASON_COUNT || f == EXSC_FIELD_REASON_CYCLES;
	}
	if (!any)
		return;
	if (reason_leaf && !model_defined(sub)) {
		out->edx = EXSC_UNDEFINED_EDX;
		return;
	}
	for (int f = 0; f < EXSC_FIELDS; f++) {
		uint64_t v;

		if (!exsc_map_has(model.map, (enum exsc_field)f) || model.map->field[f].leaf != leaf)
			continue;
		v = f == EXSC_FIELD_TOTAL_COUNT ? model.total
		    : f == EXSC_FIELD_TOTAL_CYCLES ? model.total_cycles
		    : slot < 0 ? 0
		    : f == EXSC_FIELD_REASON_COUNT ? model.count[slot] : model.cycles[slot];
		model_put((enum exsc_field)f, v, out);
	}
}

/* The CPUID instruction of a guest of the model: itself an exit, of the CPUID reason. */
static inline void model_cpuid(uint32_t leaf, uint32_t sub, struct exsc_regs *out)
{
	uint32_t cpuid = reasons_cpuid(model.isa);

	if (!model.no_self_count)
		model_exit_full(cpuid, false);
	model_answer(leaf, sub, out);
	if (model.no_self_count)
		model_exit_full(cpuid, false);
}

#endif
