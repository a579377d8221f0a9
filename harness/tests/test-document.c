// SPDX-License-Identifier: GPL-2.0
/*
 * The documents exitprobe prints, byte for byte, from CPUID register tuples
 * replayed in order (tests/data/probe/NAME.tuples) against golden files
 * (tests/data/probe/NAME.json).  A mismatch leaves what was printed in
 * build/tests/NAME.actual, to diff and, once understood, to copy over.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "document.h"
#include "probe-doc.h"

#define REPLAY_MAX 512

static struct replay {
	size_t nr, next;
	uint32_t leaf[REPLAY_MAX], subleaf[REPLAY_MAX];
	struct exsc_regs regs[REPLAY_MAX];
	unsigned long other;	/* CPUIDs of leaves that are not exitscope's */
} replay;

static void replay_load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[160];

	assert_non_null(f);
	memset(&replay, 0, sizeof(replay));
	while (fgets(line, sizeof(line), f)) {
		struct exsc_regs *r = &replay.regs[replay.nr];

		if (line[0] == '#')
			continue;
		assert_true(replay.nr < REPLAY_MAX);
		assert_int_equal(sscanf(line, "%x %x %x %x %x %x", &replay.leaf[replay.nr],
					&replay.subleaf[replay.nr], &r->eax, &r->ebx, &r->ecx, &r->edx),
				 6);
		replay.nr++;
	}
	fclose(f);
}

/* The recorded answers, in order, checking that the probe asks what was asked then. */
static void replay_cpuid(uint32_t leaf, uint32_t subleaf, struct exsc_regs *out)
{
	if (leaf < EXSC_LEAF_INFO) {
		/* Leaf 0 of an AMD CPU: the cpuid workload's, not recorded. */
		*out = (struct exsc_regs){ 0x10, 0x68747541, 0x444d4163, 0x69746e65 };
		replay.other++;
		return;
	}
	assert_true(replay.next < replay.nr);
	assert_int_equal(leaf, replay.leaf[replay.next]);
	assert_int_equal(subleaf, replay.subleaf[replay.next]);
	*out = replay.regs[replay.next++];
}

/* Two readings 0.25 ms and 750000 TSC ticks apart; where in the replay each was taken. */
static struct {
	size_t nr;
	size_t at[2];
} clocks;

static void fake_clock(struct probe_clock *out)
{
	static const struct probe_clock readings[2] = { { 5000000000u, 10000 },
							{ 5000250000u, 760000 } };

	assert_true(clocks.nr < 2);
	clocks.at[clocks.nr] = replay.next;
	*out = readings[clocks.nr++];
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long size;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return text;
}

/* What exitprobe checks before it writes a document. */
static void assert_valid(json_t *doc, enum probe_doc_kind kind)
{
	struct probe_doc *parsed = malloc(sizeof(*parsed));
	char err[256] = "";

	assert_non_null(parsed);
	if (probe_doc_parse(doc, parsed, err, sizeof(err)))
		fail_msg("invalid document: %s", err);
	assert_int_equal(parsed->kind, kind);
	free(parsed);
}

/* What exitprobe prints on stdout: probe_emit()'s dump and a newline. */
static void assert_golden(json_t *doc, const char *name)
{
	char *dump = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2));
	char path[128], *golden, *printed;

	assert_non_null(dump);
	assert_true(asprintf(&printed, "%s\n", dump) > 0);
	free(dump);
	snprintf(path, sizeof(path), "tests/data/probe/%s.json", name);
	golden = slurp(path);
	if (!golden || strcmp(golden, printed)) {
		FILE *f;

		snprintf(path, sizeof(path), "build/tests/%s.actual", name);
		f = fopen(path, "w");
		if (f) {
			fputs(printed, f);
			fclose(f);
		}
		print_error("%s differs from tests/data/probe/%s.json\n", path, name);
	}
	assert_non_null(golden);
	assert_string_equal(printed, golden);
	free(golden);
	free(printed);
}

static void test_uptime_is_the_first_number(void **state)
{
	char path[] = "/tmp/exitscope-test-uptime-XXXXXX";
	double s = -1;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_non_null(f);
	fputs("12.34 45.67\n", f);
	fclose(f);
	assert_int_equal(probe_uptime(path, &s), 0);
	assert_float_equal(s, 12.34, 1e-9);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("up 3 days\n", f);
	fclose(f);
	assert_int_equal(probe_uptime(path, &s), -EINVAL);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("-1.5 2.0\n", f);
	fclose(f);
	assert_int_equal(probe_uptime(path, &s), -EINVAL);
	unlink(path);
	assert_int_equal(probe_uptime(path, &s), -ENOENT);
}

static void test_snapshot_of_an_svm_host(void **state)
{
	struct exsc_info info;
	json_t *doc;

	(void)state;
	replay_load("tests/data/probe/snapshot-svm.tuples");
	assert_int_equal(probe_detect(replay_cpuid, &info), 0);
	doc = probe_snapshot_doc(replay_cpuid, &info);
	assert_int_equal(replay.next, replay.nr);
	assert_golden(doc, "snapshot-svm");
	assert_valid(doc, PROBE_DOC_SNAPSHOT);
	json_decref(doc);
}

static void test_run_cpuid_on_a_vmx_host(void **state)
{
	const struct workload_args args = { .n = 1000 };
	struct workload_ctx ctx;
	struct exsc_info info;
	json_t *doc;

	(void)state;
	replay_load("tests/data/probe/run-cpuid-vmx.tuples");
	assert_int_equal(probe_detect(replay_cpuid, &info), 0);
	assert_int_equal(workload_ctx_init(&ctx, workload_find("cpuid"), &args), 0);
	clocks.nr = 0;
	assert_int_equal(probe_run_doc(replay_cpuid, fake_clock, &info, &ctx, 0, &doc), 0);
	assert_int_equal(replay.next, replay.nr);
	assert_int_equal(replay.other, 1000);
	/*
	 * The clocks are read between the snapshots, never inside one: after the
	 * detection and the whole opening snapshot, before the closing one's first.
	 */
	assert_int_equal(clocks.nr, 2);
	assert_int_equal(clocks.at[0], 1 + probe_snapshot_reads(EXSC_ISA_VMX));
	assert_int_equal(clocks.at[1], clocks.at[0]);
	assert_int_equal(replay.nr - clocks.at[1], probe_snapshot_reads(EXSC_ISA_VMX));
	assert_golden(doc, "run-cpuid-vmx");
	assert_valid(doc, PROBE_DOC_RUN);
	assert_true(probe_run_passed(doc));
	json_decref(doc);
	workload_release(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uptime_is_the_first_number),
		cmocka_unit_test(test_snapshot_of_an_svm_host),
		cmocka_unit_test(test_run_cpuid_on_a_vmx_host),
	};

	return cmocka_run_group_tests_name("document", tests, NULL, NULL);
}
