// SPDX-License-Identifier: GPL-2.0
/*
 * The leaf maps (exitscope/maps.h), and exitprobe reading through them: a
 * model kernel of each map, exitscope's read exactly as before.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "document.h"
#include "model-hv.h"
#include "probe-doc.h"
#include "probe.h"

#define VMX_CPUID 10
#define VMX_HLT 12

/* The brief's table of leaves, field by field. */
static void test_maps_place_fields_as_specified(void **state)
{
	static const struct {
		const char *name;
		uint32_t leaf[EXSC_FIELDS];
	} want[] = {
		{ "exitscope", { 0x4FFFFFFF, 0x4FFFFFFF, 0x4FFFFFFE, 0x4FFFFFFE } },
		{ "a", { 0x4FFFFFFF, 0x4FFFFFFF, 0x4FFFFFFE, 0 } },
		{ "b", { 0x4FFFFFFC, 0x4FFFFFFD, 0x4FFFFFFE, 0x4FFFFFFF } },
		{ "c", { 0x4FFFFFFF, 0x4FFFFFFE, 0x4FFFFFFD, 0x4FFFFFFC } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct exsc_map *m = exsc_map_find(want[i].name);

		assert_non_null(m);
		assert_int_equal(m->discovery, i == 0);
		assert_int_equal(m->count_bits, i == 0 ? 64 : 32);
		for (int f = 0; f < EXSC_FIELDS; f++)
			assert_int_equal(m->field[f].leaf, want[i].leaf[f]);
	}
	assert_false(exsc_map_has(exsc_map_find("a"), EXSC_FIELD_REASON_CYCLES));
	assert_null(exsc_map_find("d"));
	assert_null(exsc_map_find("A"));
}

/* exitscope's map decodes a reason's answer exactly as exsc_decode_counter() does. */
static void test_exitscope_map_decodes_like_the_abi(void **state)
{
	const struct exsc_map *m = exsc_map_get(EXSC_MAP_EXITSCOPE);
	const struct exsc_regs r = { 0x89ABCDEF, 0x00000002, 0x80000000, 0x00000001 };
	struct exsc_counter c;

	(void)state;
	assert_int_equal(exsc_decode_counter(&r, &c), 0);
	assert_int_equal(exsc_map_value(m, EXSC_FIELD_REASON_COUNT, &r), c.count);
	assert_int_equal(exsc_map_value(m, EXSC_FIELD_REASON_CYCLES, &r), c.cycles);
	assert_int_equal(exsc_map_value(exsc_map_find("b"), EXSC_FIELD_REASON_COUNT, &r), 0x89ABCDEF);
}

static void test_counts_of_32_bit_maps_wrap(void **state)
{
	(void)state;
	assert_int_equal(exsc_map_count_delta(exsc_map_find("c"), 0xFFFFFFF0u, 0x10), 0x20);
	assert_int_equal(exsc_map_count_delta(exsc_map_find("exitscope"), 0xFFFFFFF0u,
					      0x100000010ULL), 0x20);
	assert_int_equal(exsc_map_count_max(exsc_map_find("a")), UINT32_MAX);
}

/* A reason's count and cycles in one read where they share a leaf, two where not. */
static void test_counter_reads_per_map(void **state)
{
	struct exsc_counter c;

	(void)state;
	model_reset(exsc_map_find("b"), EXSC_ISA_VMX);
	model_cause(VMX_HLT, 5);
	assert_int_equal(exsc_map_read_counter(model.map, model_cpuid, false, VMX_HLT, &c), 2);
	assert_int_equal(c.count, 5);
	assert_int_equal(c.cycles, 5 * MODEL_EXIT_CYCLES);
	/* The count's leaf is read first, so a read of the CPUID reason counts itself. */
	assert_int_equal(exsc_map_read_counter(model.map, model_cpuid, false, VMX_CPUID, &c), 2);
	assert_int_equal(c.count, 3);
	assert_int_equal(exsc_map_read_counter(model.map, model_cpuid, false, 35, &c), -ENOENT);
	assert_int_equal(c.count, 0);
	model_reset(exsc_map_find("a"), EXSC_ISA_VMX);
	assert_int_equal(exsc_map_read_counter(model.map, model_cpuid, true, 0, &c), 1);
	assert_int_equal(c.count, 1);
	assert_int_equal(exsc_map_counter_reads(exsc_map_find("exitscope"), false), 1);
	assert_int_equal(exsc_map_counter_reads(exsc_map_find("c"), true), 2);
}

/* Every CPUID a snapshot executes, in order. */
static struct exsc_regs seen[512];
static size_t nr_seen;

static void recording_cpuid(uint32_t leaf, uint32_t sub, struct exsc_regs *out)
{
	if (nr_seen < sizeof(seen) / sizeof(seen[0]))
		seen[nr_seen] = (struct exsc_regs){ leaf, sub, 0, 0 };
	nr_seen++;
	model_cpuid(leaf, sub, out);
}

/* Through exitscope's map a snapshot issues exactly the CPUIDs it always did. */
static void test_exitscope_snapshot_reads_as_before(void **state)
{
	struct probe_snapshot s;
	uint32_t codes[EXSC_VMX_SLOTS];
	size_t n = exsc_defined_reasons(EXSC_ISA_VMX, codes, EXSC_VMX_SLOTS), k = 0;

	(void)state;
	model_reset(exsc_map_find("exitscope"), EXSC_ISA_VMX);
	nr_seen = 0;
	assert_int_equal(probe_snapshot_take(recording_cpuid, EXSC_ISA_VMX, &s), n + 3);
	assert_int_equal(nr_seen, n + 3);
	assert_int_equal(seen[k].eax, EXSC_LEAF_REASON);
	assert_int_equal(seen[k++].ebx, VMX_CPUID);
	for (size_t i = 0; i < n; i++, k++) {
		assert_int_equal(seen[k].eax, EXSC_LEAF_REASON);
		assert_int_equal(seen[k].ebx, codes[i]);
	}
	assert_int_equal(seen[k].eax, EXSC_LEAF_TOTAL);
	assert_int_equal(seen[k++].ebx, 0);
	assert_int_equal(seen[k].eax, EXSC_LEAF_REASON);
	assert_int_equal(seen[k].ebx, VMX_CPUID);
	/* The counts it read are the model's: CPUID's first read counted itself. */
	assert_int_equal(s.cpuid_first, 1);
	assert_int_equal(s.cpuid_last, n + 3);
	assert_int_equal(s.total.count, n + 2);
}

static void test_probe_detects_a_map_without_discovery(void **state)
{
	struct exsc_info info;

	(void)state;
	model_reset(exsc_map_find("c"), EXSC_ISA_VMX);
	assert_int_equal(probe_detect_map(model_cpuid, model.map, EXSC_ISA_NONE, &info), 0);
	assert_int_equal(info.isa, EXSC_ISA_VMX);
	assert_int_equal(info.abi_version, 0);
	assert_ptr_equal(probe_map(&info), model.map);
	assert_int_equal(probe_detect_map(model_cpuid, model.map, EXSC_ISA_SVM, &info), 0);
	assert_int_equal(info.isa, EXSC_ISA_SVM);
	/* A stock kernel's totals stand still: not trusted. */
	model_reset(NULL, EXSC_ISA_VMX);
	assert_int_equal(probe_detect_map(model_cpuid, exsc_map_find("c"), EXSC_ISA_NONE, &info),
			 -ENODEV);
	model.stock_constant = true;
	assert_int_equal(probe_detect_map(model_cpuid, exsc_map_find("a"), EXSC_ISA_NONE, &info),
			 -ENODEV);
	assert_int_equal(probe_detect_map(model_cpuid, exsc_map_find("exitscope"), EXSC_ISA_NONE,
					  &info), -ENODEV);
}

/* Through map B: two reads per reason, and a window across the 32-bit wrap. */
static void test_probe_window_through_map_b(void **state)
{
	struct probe_snapshot before, after;
	const struct exsc_map *b = exsc_map_find("b");
	uint64_t cpuid_before;
	json_t *exits;

	(void)state;
	model_reset(b, EXSC_ISA_VMX);
	model.count[VMX_HLT] = UINT32_MAX - 2;
	assert_int_equal(probe_snapshot_take_map(model_cpuid, b, EXSC_ISA_VMX, &before),
			 probe_snapshot_reads_map(b, EXSC_ISA_VMX));
	assert_int_equal(probe_snapshot_reads_map(b, EXSC_ISA_VMX), 80 * 2 + 2 + 2);
	model_cause(VMX_HLT, 7);
	cpuid_before = model.count[VMX_CPUID];
	probe_snapshot_take_map(model_cpuid, b, EXSC_ISA_VMX, &after);
	assert_int_equal(model.count[VMX_CPUID] - cpuid_before,
			 probe_snapshot_reads_map(b, EXSC_ISA_VMX));
	exits = probe_delta_json(EXSC_ISA_VMX, &before, &after);
	json_t *rows = json_object_get(exits, "by_reason");
	assert_int_equal(json_array_size(rows), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *row = json_array_get(rows, i);
		json_int_t code = json_integer_value(json_object_get(row, "reason"));

		assert_int_equal(json_integer_value(json_object_get(row, "count")),
				 code == VMX_HLT ? 7 : PROBE_WINDOW_CPUID_EXITS);
	}
	assert_int_equal(json_integer_value(json_object_get(exits, "total")),
			 7 + PROBE_WINDOW_CPUID_EXITS);
	json_decref(exits);
}

/* The document names the map it assumed, and the validator takes it; exitscope's has none. */
static void test_probe_document_names_the_map(void **state)
{
	struct probe_doc *parsed = malloc(sizeof(*parsed));
	struct exsc_info info;
	char why[256] = "";
	json_t *doc;

	(void)state;
	assert_non_null(parsed);
	model_reset(exsc_map_find("a"), EXSC_ISA_SVM);
	assert_int_equal(probe_detect_map(model_cpuid, model.map, EXSC_ISA_NONE, &info), 0);
	doc = probe_snapshot_doc(model_cpuid, &info);
	assert_string_equal(json_string_value(json_object_get(doc, "abi_map")), "a");
	assert_int_equal(json_integer_value(json_object_get(doc, "abi_version")), 0);
	assert_null(json_object_get(json_object_get(doc, "l1"), "scope"));
	assert_int_equal(probe_doc_parse(doc, parsed, why, sizeof(why)), 0);
	assert_ptr_equal(parsed->map, model.map);
	assert_int_equal(parsed->scope, EXSC_SCOPE_HOST);
	json_object_set_new(doc, "abi_version", json_integer(2));
	assert_int_equal(probe_doc_parse(doc, parsed, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "abi_version is 2"));
	json_object_set_new(doc, "abi_version", json_integer(0));
	json_object_set_new(doc, "abi_map", json_string("exitscope"));
	assert_int_equal(probe_doc_parse(doc, parsed, why, sizeof(why)), -EINVAL);
	json_decref(doc);

	model_reset(exsc_map_find("exitscope"), EXSC_ISA_SVM);
	assert_int_equal(probe_detect_map(model_cpuid, model.map, EXSC_ISA_NONE, &info), 0);
	doc = probe_snapshot_doc(model_cpuid, &info);
	assert_null(json_object_get(doc, "abi_map"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "l1"), "scope")),
			    "vm");
	json_decref(doc);
	free(parsed);
}

static int parse(const char *line, struct probe_cmd *cmd)
{
	char buf[256], *argv[16];
	int argc = 0;
	FILE *err = fopen("/dev/null", "w");
	int r;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *tok = strtok(buf, " "); tok && argc < 16; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	r = probe_cli_parse(argc, argv, cmd, err);
	fclose(err);
	return r;
}

static void test_cli_takes_abi_and_isa(void **state)
{
	struct probe_cmd cmd;

	(void)state;
	assert_int_equal(parse("detect", &cmd), 0);
	assert_string_equal(cmd.map->name, "exitscope");
	assert_int_equal(parse("snapshot --abi b --out x", &cmd), 0);
	assert_string_equal(cmd.map->name, "b");
	assert_int_equal(cmd.isa, EXSC_ISA_NONE);
	assert_int_equal(parse("run cpuid 10 --abi=c --isa svm", &cmd), 0);
	assert_string_equal(cmd.map->name, "c");
	assert_int_equal(cmd.isa, EXSC_ISA_SVM);
	assert_int_equal(parse("detect --abi d", &cmd), -EINVAL);
	assert_int_equal(parse("detect --isa vmx", &cmd), -EINVAL);
	assert_int_equal(parse("detect --abi a --isa none", &cmd), -EINVAL);
	assert_int_equal(parse("run abi --abi a", &cmd), -EINVAL);
	assert_int_equal(parse("frob --abi a", &cmd), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_place_fields_as_specified),
		cmocka_unit_test(test_exitscope_map_decodes_like_the_abi),
		cmocka_unit_test(test_counts_of_32_bit_maps_wrap),
		cmocka_unit_test(test_counter_reads_per_map),
		cmocka_unit_test(test_exitscope_snapshot_reads_as_before),
		cmocka_unit_test(test_probe_detects_a_map_without_discovery),
		cmocka_unit_test(test_probe_window_through_map_b),
		cmocka_unit_test(test_probe_document_names_the_map),
		cmocka_unit_test(test_cli_takes_abi_and_isa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
