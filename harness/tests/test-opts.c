// SPDX-License-Identifier: GPL-2.0
/* opts.c: the one option contract of every command, and its strict numbers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exitscope/number.h"
#include "opts.h"

struct values {
	bool flag;
	const char *out;
	const char *series;
	unsigned int timeout;
	uint64_t count;
	size_t top;
	double pct;
	struct opt_list dirs;
};

static const char *const series[] = { "6.1", "6.12", NULL };

static const struct opt table[] = {
	{ "flag", 0, OPT_FLAG, offsetof(struct values, flag), NULL, "a flag", 0, 0, NULL },
	{ "output", 'o', OPT_STRING, offsetof(struct values, out), "FILE", "where", 0, 0, NULL },
	{ "series", 0, OPT_CHOICE, offsetof(struct values, series), "S", "which", 0, 0, series },
	{ "timeout", 0, OPT_UINT, offsetof(struct values, timeout), "S", "seconds", 1, 86400,
	  NULL },
	{ "count", 0, OPT_U64, offsetof(struct values, count), "N", "count", 0, INT64_MAX, NULL },
	{ "top", 0, OPT_SIZE, offsetof(struct values, top), "N", "top", 1, 261, NULL },
	{ "pct", 0, OPT_DECIMAL, offsetof(struct values, pct), "PCT", "percent", 0, 1000, NULL },
	{ "dir", 0, OPT_LIST, offsetof(struct values, dirs), "DIR", "dirs", 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL },
};

/* Parses a NULL-terminated argv with stderr thrown away; the return of opts_parse(). */
static int parse(struct values *v, char **argv)
{
	int argc = 0, r;
	FILE *saved = stderr;

	while (argv[argc])
		argc++;
	memset(v, 0, sizeof(*v));
	stderr = fopen("/dev/null", "w");
	r = opts_parse("test", table, argc, argv, v);
	fclose(stderr);
	stderr = saved;
	return r;
}

#define ARGV(...) ((char *[]){ "test", __VA_ARGS__, NULL })

static void test_every_kind_and_both_spellings(void **state)
{
	struct values v;
	char **argv = ARGV("a", "--flag", "-o", "x.svg", "--series=6.12", "b", "--timeout", "5",
			   "--count=9223372036854775807", "--top", "261", "--pct", "2.5", "--",
			   "--not-an-option");

	(void)state;
	assert_int_equal(parse(&v, argv), 3);
	assert_true(v.flag);
	assert_string_equal(v.out, "x.svg");
	assert_string_equal(v.series, "6.12");
	assert_int_equal(v.timeout, 5);
	assert_true(v.count == INT64_MAX);
	assert_int_equal(v.top, 261);
	assert_float_equal(v.pct, 2.5, 0);
	/* The operands, in order, where the caller reads them. */
	assert_string_equal(argv[1], "a");
	assert_string_equal(argv[2], "b");
	assert_string_equal(argv[3], "--not-an-option");
}

static void test_strict_numbers(void **state)
{
	const char *bad_uint[] = { " 5", "+5", "-1", "0x10", "5 ", "", "1e3", "0", "86401",
				   "99999999999999999999", "5.0" };
	const char *bad_pct[] = { "0x10", "inf", "nan", " 5", "+5", "-5", "1e2", "5.", ".5",
				  "1001", "1,5" };
	struct values v;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_uint) / sizeof(bad_uint[0]); i++)
		assert_int_equal(parse(&v, ARGV("--timeout", (char *)bad_uint[i])), -EINVAL);
	for (size_t i = 0; i < sizeof(bad_pct) / sizeof(bad_pct[0]); i++)
		assert_int_equal(parse(&v, ARGV("--pct", (char *)bad_pct[i])), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--count", "18446744073709551615")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--count", "9223372036854775808")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--top", "0")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--pct", "0")), 0);
	assert_int_equal(parse(&v, ARGV("--pct", "1000.0")), 0);
}

static void test_u64_edges(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(exsc_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(exsc_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(exsc_parse_u64("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
}

static void test_bad_uses(void **state)
{
	struct values v;

	(void)state;
	/* A value missing at the end, or forgotten before the next option. */
	assert_int_equal(parse(&v, ARGV("--timeout")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--output", "--flag")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("-o")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--output", "")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--bogus")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("-x")), -EINVAL);
	/* No prefixes: --time is not --timeout. */
	assert_int_equal(parse(&v, ARGV("--time", "5")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--flag=yes")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--series", "5.10")), -EINVAL);
	/* "-" alone is an operand (standard input, by convention). */
	assert_int_equal(parse(&v, ARGV("-")), 1);
}

static void test_messages_name_the_option(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *saved = stderr;
	struct values v = { 0 };
	char **argv = ARGV("--series", "5.10");

	(void)state;
	stderr = open_memstream(&text, &len);
	assert_int_equal(opts_parse("run", table, 3, argv, &v), -EINVAL);
	argv = ARGV("--timeout");
	assert_int_equal(opts_parse("run", table, 2, argv, &v), -EINVAL);
	argv = ARGV("--pct", "0x10");
	assert_int_equal(opts_parse("run", table, 3, argv, &v), -EINVAL);
	fclose(stderr);
	stderr = saved;
	assert_string_equal(text,
		"exitscope: run: --series must be 6.1 or 6.12, not '5.10'\n"
		"exitscope: run: --timeout needs a value: --timeout S\n"
		"exitscope: run: --pct needs PCT, a number from 0 to 1000 (digits, an optional "
		"fraction), not '0x10'\n");
	free(text);
}

static void test_list_keeps_every_value_in_order(void **state)
{
	struct values v;

	(void)state;
	assert_int_equal(parse(&v, ARGV("--dir", "a", "x", "--dir=b", "--dir", "a")), 1);
	assert_int_equal(v.dirs.n, 3);
	assert_string_equal(v.dirs.v[0], "a");
	assert_string_equal(v.dirs.v[1], "b");
	assert_string_equal(v.dirs.v[2], "a");
	assert_int_equal(parse(&v, ARGV("--dir", "")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--dir")), -EINVAL);
	assert_int_equal(parse(&v, ARGV("--dir", "1", "--dir", "2", "--dir", "3", "--dir", "4",
					"--dir", "5", "--dir", "6", "--dir", "7", "--dir", "8")), 0);
	assert_int_equal(v.dirs.n, OPT_LIST_MAX);
	assert_int_equal(parse(&v, ARGV("--dir", "1", "--dir", "2", "--dir", "3", "--dir", "4",
					"--dir", "5", "--dir", "6", "--dir", "7", "--dir", "8",
					"--dir", "9")), -EINVAL);
}

static void test_usage_lines(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	opts_usage(out, table);
	fclose(out);
	assert_non_null(strstr(text, "  --flag               a flag\n"));
	assert_non_null(strstr(text, "  -o, --output FILE    where\n"));
	assert_non_null(strstr(text, "  --timeout S          seconds\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_and_both_spellings),
		cmocka_unit_test(test_strict_numbers),
		cmocka_unit_test(test_u64_edges),
		cmocka_unit_test(test_bad_uses),
		cmocka_unit_test(test_messages_name_the_option),
		cmocka_unit_test(test_list_keeps_every_value_in_order),
		cmocka_unit_test(test_usage_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
