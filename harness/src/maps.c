// SPDX-License-Identifier: GPL-2.0
/* The CPUID leaf maps, as one table (exitscope/maps.h). */
#include <errno.h>
#include <string.h>

#include "exitscope/maps.h"

#define LEAF_F 0x4FFFFFFFu
#define LEAF_E 0x4FFFFFFEu
#define LEAF_D 0x4FFFFFFDu
#define LEAF_C 0x4FFFFFFCu

static const struct exsc_map maps[EXSC_MAP_COUNT] = {
	[EXSC_MAP_EXITSCOPE] = {
		EXSC_MAP_EXITSCOPE, "exitscope",
		"ABI.md: 0x4FFFFFFF totals, 0x4FFFFFFE per reason (64-bit), 0x4FFFFFFB discovery",
		true, 64,
		{ { LEAF_F, EXSC_REGS_EDX_EAX }, { LEAF_F, EXSC_REGS_EBX_ECX },
		  { LEAF_E, EXSC_REGS_EDX_EAX }, { LEAF_E, EXSC_REGS_EBX_ECX } },
	},
	[EXSC_MAP_A] = {
		EXSC_MAP_A, "a",
		"0x4FFFFFFF: EAX exits, EBX:ECX cycles; 0x4FFFFFFE: EAX exits of reason ECX",
		false, 32,
		{ { LEAF_F, EXSC_REGS_EAX }, { LEAF_F, EXSC_REGS_EBX_ECX },
		  { LEAF_E, EXSC_REGS_EAX }, { 0, EXSC_REGS_NONE } },
	},
	[EXSC_MAP_B] = {
		EXSC_MAP_B, "b",
		"0x4FFFFFFC exits, 0x4FFFFFFD cycles; per reason ECX: 0x4FFFFFFE exits, "
		"0x4FFFFFFF cycles",
		false, 32,
		{ { LEAF_C, EXSC_REGS_EAX }, { LEAF_D, EXSC_REGS_EBX_ECX },
		  { LEAF_E, EXSC_REGS_EAX }, { LEAF_F, EXSC_REGS_EBX_ECX } },
	},
	[EXSC_MAP_C] = {
		EXSC_MAP_C, "c",
		"0x4FFFFFFF exits, 0x4FFFFFFE cycles; per reason ECX: 0x4FFFFFFD exits, "
		"0x4FFFFFFC cycles",
		false, 32,
		{ { LEAF_F, EXSC_REGS_EAX }, { LEAF_E, EXSC_REGS_EBX_ECX },
		  { LEAF_D, EXSC_REGS_EAX }, { LEAF_C, EXSC_REGS_EBX_ECX } },
	},
};

const struct exsc_map *exsc_map_get(enum exsc_map_id id)
{
	return (unsigned int)id < EXSC_MAP_COUNT ? &maps[id] : NULL;
}

const struct exsc_map *exsc_map_find(const char *name)
{
	for (size_t i = 0; i < EXSC_MAP_COUNT; i++)
		if (!strcmp(maps[i].name, name))
			return &maps[i];
	return NULL;
}

const char *exsc_map_names(void)
{
	return "exitscope|a|b|c";
}

bool exsc_map_has(const struct exsc_map *map, enum exsc_field field)
{
	return map->field[field].regs != EXSC_REGS_NONE;
}

bool exsc_regs_undefined(const struct exsc_regs *r)
{
	return r->eax == 0 && r->ebx == 0 && r->ecx == 0 && r->edx == EXSC_UNDEFINED_EDX;
}

uint64_t exsc_map_value(const struct exsc_map *map, enum exsc_field field,
			const struct exsc_regs *r)
{
	switch (map->field[field].regs) {
	case EXSC_REGS_EAX:
		return r->eax;
	case EXSC_REGS_EDX_EAX:
		return (uint64_t)r->edx << 32 | r->eax;
	case EXSC_REGS_EBX_ECX:
		return (uint64_t)r->ebx << 32 | r->ecx;
	default:
		return 0;
	}
}

int exsc_map_read(const struct exsc_map *map, exsc_cpuid_fn cpuid, enum exsc_field field,
		  uint32_t reason, uint64_t *value)
{
	struct exsc_regs regs;

	*value = 0;
	if (!exsc_map_has(map, field))
		return -EOPNOTSUPP;
	cpuid(map->field[field].leaf, reason, &regs);
	if (exsc_regs_undefined(&regs))
		return -ENOENT;
	*value = exsc_map_value(map, field, &regs);
	return 0;
}

/* The count and cycles fields of the totals or of a reason. */
static void map_pair(bool total, enum exsc_field *count, enum exsc_field *cycles)
{
	*count = total ? EXSC_FIELD_TOTAL_COUNT : EXSC_FIELD_REASON_COUNT;
	*cycles = total ? EXSC_FIELD_TOTAL_CYCLES : EXSC_FIELD_REASON_CYCLES;
}

/* Whether the cycles need a CPUID of their own, the count's leaf answering none. */
static bool map_cycles_apart(const struct exsc_map *map, bool total)
{
	enum exsc_field count, cycles;

	map_pair(total, &count, &cycles);
	return exsc_map_has(map, cycles) && map->field[cycles].leaf != map->field[count].leaf;
}

size_t exsc_map_counter_reads(const struct exsc_map *map, bool total)
{
	return map_cycles_apart(map, total) ? 2 : 1;
}

int exsc_map_read_counter(const struct exsc_map *map, exsc_cpuid_fn cpuid, bool total,
			  uint32_t reason, struct exsc_counter *out)
{
	enum exsc_field count, cycles;
	struct exsc_regs regs;
	bool undefined;

	map_pair(total, &count, &cycles);
	if (total)
		reason = 0;
	cpuid(map->field[count].leaf, reason, &regs);
	undefined = exsc_regs_undefined(&regs);
	out->count = exsc_map_value(map, count, &regs);
	out->cycles = exsc_map_value(map, cycles, &regs);
	if (map_cycles_apart(map, total)) {
		cpuid(map->field[cycles].leaf, reason, &regs);
		undefined |= exsc_regs_undefined(&regs);
		out->cycles = exsc_map_value(map, cycles, &regs);
	}
	if (undefined) {
		*out = (struct exsc_counter){ 0, 0 };
		return -ENOENT;
	}
	return (int)exsc_map_counter_reads(map, total);
}

uint64_t exsc_map_count_max(const struct exsc_map *map)
{
	return map->count_bits >= 64 ? UINT64_MAX : (UINT64_C(1) << map->count_bits) - 1;
}

uint64_t exsc_map_count_delta(const struct exsc_map *map, uint64_t before, uint64_t after)
{
	return (after - before) & exsc_map_count_max(map);
}
