/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPUID leaf maps through which a kernel can answer exit counters: the
 * exitscope ABI (kernel-patch/ABI.md) and the three maps other
 * implementations of VMX exit counting use (A, B, C).  One table says, for
 * each map, which leaf and which registers hold the total count, the total
 * cycles, a reason's count and a reason's cycles; exitprobe and the grader
 * read through it.  Pure: the CPUID instruction is a parameter, and helpers
 * here do not print.  The maps are static: callers never free them.
 */
#ifndef EXITSCOPE_MAPS_H
#define EXITSCOPE_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"

enum exsc_map_id {
	EXSC_MAP_EXITSCOPE,	/* ABI.md: 64-bit counts, a discovery leaf */
	EXSC_MAP_A,
	EXSC_MAP_B,
	EXSC_MAP_C,
	EXSC_MAP_COUNT,
};

/* What a map can be asked for. */
enum exsc_field {
	EXSC_FIELD_TOTAL_COUNT,
	EXSC_FIELD_TOTAL_CYCLES,
	EXSC_FIELD_REASON_COUNT,	/* ECX = reason */
	EXSC_FIELD_REASON_CYCLES,	/* ECX = reason */
	EXSC_FIELDS,
};

/* Where a field's value is in the answer. */
enum exsc_regs_of {
	EXSC_REGS_NONE,		/* the map has no such field */
	EXSC_REGS_EAX,		/* 32 bits */
	EXSC_REGS_EDX_EAX,	/* 64 bits, EDX high */
	EXSC_REGS_EBX_ECX,	/* 64 bits, EBX high */
};

struct exsc_map_field {
	uint32_t leaf;
	enum exsc_regs_of regs;
};

struct exsc_map {
	enum exsc_map_id id;
	const char *name;		/* what --abi takes: "exitscope", "a", "b", "c" */
	const char *summary;		/* one line for usage texts */
	bool discovery;			/* answers 0x4FFFFFFB with the EXSC signature */
	unsigned int count_bits;	/* 64, or 32 where counts wrap */
	struct exsc_map_field field[EXSC_FIELDS];
};

/* The CPUID instruction, injectable (exitprobe's probe_cpuid_fn has this type). */
typedef void (*exsc_cpuid_fn)(uint32_t leaf, uint32_t subleaf, struct exsc_regs *out);

/* The map of @id; NULL out of range. */
const struct exsc_map *exsc_map_get(enum exsc_map_id id);

/* The map named @name ("exitscope", "a", "b", "c"); NULL for another name. */
const struct exsc_map *exsc_map_find(const char *name);

/* The names, "exitscope|a|b|c", for usage lines. */
const char *exsc_map_names(void);

bool exsc_map_has(const struct exsc_map *map, enum exsc_field field);

/* True for the one answer that says "no such reason": EAX=EBX=ECX=0, EDX=0xFFFFFFFF. */
bool exsc_regs_undefined(const struct exsc_regs *regs);

/* @field's value in the answer @regs of its leaf (0 for a field the map lacks). */
uint64_t exsc_map_value(const struct exsc_map *map, enum exsc_field field,
			const struct exsc_regs *regs);

/*
 * One CPUID of @field's leaf with ECX = @reason (0 for the totals), decoded.
 * -EOPNOTSUPP when the map has no such field (nothing executed); -ENOENT
 * when the kernel answered "no such reason" (*@value then 0).
 */
int exsc_map_read(const struct exsc_map *map, exsc_cpuid_fn cpuid, enum exsc_field field,
		  uint32_t reason, uint64_t *value);

/*
 * The count and the cycles of @reason (@total: of the totals, @reason
 * ignored) with one CPUID per distinct leaf, the count's leaf first, so a
 * read of the CPUID reason counts itself in what it reads.  Cycles are 0
 * where the map has none.  Returns the CPUIDs executed, or -ENOENT when an
 * answer said "no such reason" (*@out then zeros).
 */
int exsc_map_read_counter(const struct exsc_map *map, exsc_cpuid_fn cpuid, bool total,
			  uint32_t reason, struct exsc_counter *out);

/* The CPUIDs exsc_map_read_counter() executes: 1 or 2. */
size_t exsc_map_counter_reads(const struct exsc_map *map, bool total);

/* A count's difference from @before to @after, modulo 2^count_bits. */
uint64_t exsc_map_count_delta(const struct exsc_map *map, uint64_t before, uint64_t after);

/* The largest count the map's fields hold: 2^count_bits - 1. */
uint64_t exsc_map_count_max(const struct exsc_map *map);

#endif
