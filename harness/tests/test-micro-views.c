// SPDX-License-Identifier: GPL-2.0
/* The micro guest's readers of L1's debugfs counters and kvm_exit histogram. */
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

#include "../micro/views.h"

static struct micro_view view;

static void test_counters_with_spaced_svm_names(void **state)
{
	const char *text = "64 DE excp 0 0\n"
			   "70 UD excp 1001 52000\n"
			   "114 cpuid 20002 900000\n"
			   "4294967295 invalid_guest_state 0 0\n"
			   "total all 21003 952000\n";

	(void)state;
	assert_int_equal(micro_view_parse_counters(text, &view), 0);
	assert_int_equal(view.n, 4);
	assert_int_equal(micro_view_count(&view, 70, 0xffffffff), 1001);
	assert_int_equal(micro_view_count(&view, 114, 0xffffffff), 20002);
	assert_int_equal(micro_view_count(&view, 0xffffffff, 0xffffffff), 0);
	assert_int_equal(micro_view_count(&view, 12, 0xffffffff), 0);
	/* The cycles are the last field, kept per reason apart from the count. */
	assert_int_equal(micro_view_cycles(&view, 70, 0xffffffff), 52000);
	assert_int_equal(micro_view_cycles(&view, 114, 0xffffffff), 900000);
	assert_int_equal(micro_view_cycles(&view, 64, 0xffffffff), 0);
}

static void test_counters_keep_64_bit_cycles(void **state)
{
	const char *text = "10 CPUID 3 18446744073709551615\n"
			   "48 EPT_VIOLATION 4294967296 4294967297\n";

	(void)state;
	assert_int_equal(micro_view_parse_counters(text, &view), 0);
	assert_true(micro_view_cycles(&view, 10, 0xffffffff) == UINT64_MAX);
	assert_int_equal(micro_view_count(&view, 10, 0xffffffff), 3);
	assert_true(micro_view_count(&view, 48, 0xffffffff) == 4294967296ull);
	assert_true(micro_view_cycles(&view, 48, 0xffffffff) == 4294967297ull);
	/* One past 64 bits is no count of the kernel's. */
	assert_int_equal(micro_view_parse_counters("10 CPUID 3 18446744073709551616\n", &view),
			 -EINVAL);
}

static void test_counters_reject_what_is_not_a_counter_line(void **state)
{
	(void)state;
	assert_int_equal(micro_view_parse_counters("unpatched\n", &view), -EINVAL);
	assert_int_equal(micro_view_parse_counters("cpuid 12\n", &view), -EINVAL);
	assert_int_equal(micro_view_parse_counters("10 CPUID x 1\n", &view), -EINVAL);
	/* A kernel without the cycles column. */
	assert_int_equal(micro_view_parse_counters("10 CPUID 5\n", &view), -EINVAL);
	assert_int_equal(micro_view_parse_counters("70 UD excp 1001\n", &view), -EINVAL);
	assert_int_equal(micro_view_parse_counters("10 CPUID 5\ntotal all 5 0\n", &view),
			 -EINVAL);
	/* Numbers are plain decimals to the end of the line. */
	assert_int_equal(micro_view_parse_counters("10 CPUID 5 7x\n", &view), -EINVAL);
	assert_int_equal(micro_view_parse_counters("10 CPUID 5 -7\n", &view), -EINVAL);
	assert_int_equal(micro_view_parse_counters("10 CPUID 5 7 \n", &view), -EINVAL);
	assert_int_equal(micro_view_parse_counters("4294967296 x 5 7\n", &view), -EINVAL);
	assert_int_equal(micro_view_parse_counters("", &view), 0);
	assert_int_equal(view.n, 0);
}

/* An agent's unnamed histogram first, ours second: only ours is read. */
static const char two_hists[] =
	"# event histogram\n#\n"
	"# trigger info: hist:keys=exit_reason:vals=hitcount:sort=hitcount:size=2048 [active]\n"
	"#\n\n"
	"{ exit_reason:         10 } hitcount:     999999\n"
	"\nTotals:\n    Hits: 999999\n    Entries: 1\n    Dropped: 0\n"
	"\n\n# event histogram\n#\n"
	"# trigger info: hist:name=" MICRO_HIST_NAME ":keys=exit_reason:vals=hitcount:"
	"sort=hitcount:size=2048 [active]\n#\n\n"
	"{ exit_reason:         48 } hitcount:          3\n"
	"{ exit_reason:         30 } hitcount:          2\n"
	"{ exit_reason: 2147483681 } hitcount:          1\n"
	"{ exit_reason:         10 } hitcount:       1002\n"
	"\nTotals:\n    Hits: 1008\n    Entries: 4\n    Dropped: 0\n";

static void test_hist_reads_our_named_block_only(void **state)
{
	(void)state;
	assert_int_equal(micro_view_parse_hist(two_hists, &view), 0);
	assert_int_equal(view.n, 4);
	assert_int_equal(micro_view_count(&view, 10, 0xffff), 1002);
	/* VMX: bit 31 marks a failed entry; the basic reason is the low 16 bits. */
	assert_int_equal(micro_view_count(&view, 33, 0xffff), 1);
	assert_int_equal(micro_view_count(&view, 33, 0xffffffff), 0);
	/* The tracepoint's histogram has no cycles. */
	assert_int_equal(micro_view_cycles(&view, 10, 0xffff), 0);
}

static void test_hist_duplicate_key_counts_once(void **state)
{
	/* 6.1 printed SVM's 0x400 twice with "Hits:" counting it once. */
	const char *text = "# event histogram\n"
			   "# trigger info: hist:name=" MICRO_HIST_NAME ":keys=exit_reason\n"
			   "{ exit_reason:       1024 } hitcount:          5\n"
			   "{ exit_reason:       1024 } hitcount:          5\n"
			   "{ exit_reason:        120 } hitcount:          1\n"
			   "Totals:\n    Hits: 6\n    Entries: 2\n    Dropped: 0\n";

	(void)state;
	assert_int_equal(micro_view_parse_hist(text, &view), 0);
	assert_int_equal(micro_view_count(&view, 1024, 0xffffffff), 5);
}

static void test_hist_errors(void **state)
{
	const char *short_total = "# event histogram\n"
				  "# trigger info: hist:name=" MICRO_HIST_NAME ":keys=exit_reason\n"
				  "{ exit_reason:         12 } hitcount:          5\n"
				  "Totals:\n    Hits: 6\n";

	(void)state;
	assert_int_equal(micro_view_parse_hist(short_total, &view), -EBADMSG);
	/* Only someone else's histogram: ours was never armed. */
	assert_int_equal(micro_view_parse_hist("# event histogram\n# trigger info: hist:keys=x\n",
					       &view), -ENOENT);
}

static void test_hist_armed_means_ours(void **state)
{
	(void)state;
	assert_true(micro_hist_armed("hist:name=" MICRO_HIST_NAME
				     ":keys=exit_reason:vals=hitcount:sort=hitcount:size=2048 [active]\n"));
	/* An agent's unnamed trigger with the same keys is not ours to remove. */
	assert_false(micro_hist_armed("hist:keys=exit_reason:vals=hitcount:sort=hitcount:"
				      "size=2048 [active]\n"));
	assert_false(micro_hist_armed("# Available triggers:\n# traceon traceoff hist\n"));
}

static void test_files_round_trip(void **state)
{
	char path[] = "/tmp/test-micro-views-XXXXXX";
	int fd = mkstemp(path);
	char *text = NULL;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(micro_file_write(path, "12 HLT 3 4\n"), 0);
	assert_int_equal(micro_file_write(path, "total all 3 4\n"), 0);	/* appends */
	assert_int_equal(micro_file_read(path, &text), 0);
	assert_string_equal(text, "12 HLT 3 4\ntotal all 3 4\n");
	free(text);
	unlink(path);
	assert_int_equal(micro_file_read(path, &text), -ENOENT);
	assert_int_equal(micro_file_write("/nonexistent/trigger", "x"), -ENOENT);
}

/* A stand-in "trigger" file holding @text; the caller unlinks @path. */
static void trigger_file(char *path, const char *text)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void assert_file_holds(const char *path, const char *expected)
{
	char *text = NULL;

	assert_int_equal(micro_file_read(path, &text), 0);
	assert_string_equal(text, expected);
	free(text);
}

static const char agents_trigger[] =
	"hist:keys=exit_reason:vals=hitcount:sort=hitcount:size=2048 [active]\n";
static const char ours_left[] =
	"hist:keys=exit_reason:vals=hitcount:sort=hitcount:size=2048 [active]\n"
	"hist:name=" MICRO_HIST_NAME ":keys=exit_reason:vals=hitcount:sort=hitcount:"
	"size=2048 [active]\n";

static void test_disarm_writes_our_removal_only_when_listed(void **state)
{
	char path[] = "/tmp/test-micro-trigger-XXXXXX";

	(void)state;
	/* Only an agent's: nothing written, nothing to do. */
	trigger_file(path, agents_trigger);
	assert_int_equal(micro_hist_disarm(path), 0);
	assert_file_holds(path, agents_trigger);
	unlink(path);
	/*
	 * Ours left by a killed run: the removal is written.  A plain file keeps
	 * listing it, which is what a removal the kernel refused looks like.
	 */
	strcpy(path, "/tmp/test-micro-trigger-XXXXXX");
	trigger_file(path, ours_left);
	assert_int_equal(micro_hist_disarm(path), -EBUSY);
	assert_file_holds(path, "hist:keys=exit_reason:vals=hitcount:sort=hitcount:size=2048 [active]\n"
				"hist:name=" MICRO_HIST_NAME ":keys=exit_reason:vals=hitcount:"
				"sort=hitcount:size=2048 [active]\n"
				"!" MICRO_HIST_TRIGGER);
	unlink(path);
	assert_int_equal(micro_hist_disarm(path), -ENOENT);
}

static void test_disarm_does_not_guess_past_what_it_read(void **state)
{
	char path[] = "/tmp/test-micro-trigger-XXXXXX";
	static char text[MICRO_TRIGGER_TEXT_MAX + 2];
	const char *removal = "!" MICRO_HIST_TRIGGER;
	size_t fill;

	(void)state;
	/* Ours just past what fits: not seen, so not removed, and said so. */
	memset(text, '#', MICRO_TRIGGER_TEXT_MAX);
	text[MICRO_TRIGGER_TEXT_MAX] = '\n';
	trigger_file(path, text);
	assert_int_equal(micro_file_write(path, "hist:name=" MICRO_HIST_NAME ":keys=x\n"), 0);
	assert_int_equal(micro_hist_disarm(path), -E2BIG);
	unlink(path);
	/* Ours last in a file that, with the removal appended, fits exactly: read whole. */
	strcpy(path, "/tmp/test-micro-trigger-XXXXXX");
	fill = MICRO_TRIGGER_TEXT_MAX - strlen(removal) - strlen(ours_left);
	memset(text, '#', fill);
	strcpy(text + fill, ours_left);
	trigger_file(path, text);
	assert_int_equal(micro_hist_disarm(path), -EBUSY);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters_with_spaced_svm_names),
		cmocka_unit_test(test_counters_keep_64_bit_cycles),
		cmocka_unit_test(test_counters_reject_what_is_not_a_counter_line),
		cmocka_unit_test(test_hist_reads_our_named_block_only),
		cmocka_unit_test(test_hist_duplicate_key_counts_once),
		cmocka_unit_test(test_hist_errors),
		cmocka_unit_test(test_hist_armed_means_ours),
		cmocka_unit_test(test_files_round_trip),
		cmocka_unit_test(test_disarm_writes_our_removal_only_when_listed),
		cmocka_unit_test(test_disarm_does_not_guess_past_what_it_read),
	};

	return cmocka_run_group_tests_name("micro-views", tests, NULL, NULL);
}
