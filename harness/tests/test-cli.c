// SPDX-License-Identifier: GPL-2.0
/* exitprobe's command line: what it accepts, and the one line it says otherwise. */
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

static char said[512];

/* Parses the words of @line (split at blanks); what it said goes to said[]. */
static int parse(const char *line, struct probe_cmd *cmd)
{
	static char words[256];
	char *argv[16];
	int argc = 0;
	FILE *err = fmemopen(said, sizeof(said), "w");
	int r;

	assert_non_null(err);
	strncpy(words, line, sizeof(words) - 1);
	for (char *w = strtok(words, " "); w && argc < 16; w = strtok(NULL, " "))
		argv[argc++] = w;
	memset(said, 0, sizeof(said));
	r = probe_cli_parse(argc, argv, cmd, err);
	fclose(err);
	return r;
}

static void assert_refused(const char *line, const char *message)
{
	struct probe_cmd cmd;

	assert_int_equal(parse(line, &cmd), -EINVAL);
	assert_non_null(strstr(said, message));
	/* One line, naming what was wrong. */
	assert_non_null(strchr(said, '\n'));
	assert_int_equal(strchr(said, '\n') - said, strlen(said) - 1);
}

static void test_defaults(void **state)
{
	struct probe_cmd cmd;

	(void)state;
	assert_int_equal(parse("run io", &cmd), 0);
	assert_string_equal(cmd.w->name, "io");
	assert_int_equal(cmd.args.n, 16);
	assert_null(cmd.args.path);	/* io's setup says DISK_DEFAULT_PATH */
	assert_int_equal(cmd.args.pio, 0);
	assert_int_equal(cmd.sample_ms, 0);
	assert_int_equal(parse("run msr", &cmd), 0);
	assert_int_equal(cmd.args.n, 100000);
	assert_int_equal(parse("run boot", &cmd), 0);
	assert_null(cmd.w);
}

static void test_options_anywhere(void **state)
{
	struct probe_cmd cmd;

	(void)state;
	assert_int_equal(parse("run --samples 50 io 4 --pio 7 --path /srv/x --out /dev/hvc1", &cmd), 0);
	assert_int_equal(cmd.args.n, 4);
	assert_int_equal(cmd.args.pio, 7);
	assert_string_equal(cmd.args.path, "/srv/x");
	assert_int_equal(cmd.sample_ms, 50);
	assert_string_equal(cmd.out, "/dev/hvc1");
	assert_int_equal(parse("snapshot --out f", &cmd), 0);
	assert_string_equal(cmd.name, "snapshot");
	/* The driver's spellings: --name=VALUE, and -- before words that look like options. */
	assert_int_equal(parse("run io --pio=3 --samples=20 --out=/dev/hvc1 -- 8", &cmd), 0);
	assert_int_equal(cmd.args.pio, 3);
	assert_int_equal(cmd.sample_ms, 20);
	assert_string_equal(cmd.out, "/dev/hvc1");
	assert_int_equal(cmd.args.n, 8);
}

static void test_bad_numbers_name_the_argument(void **state)
{
	(void)state;
	assert_refused("run cpuid lots", "'lots' is not a parameter of cpuid: N is a whole number");
	assert_refused("run cpuid -5", "'-5' is not a parameter of cpuid");
	assert_refused("run cpuid 99999999999999999999999", "is not a parameter of cpuid");
	assert_refused("run cpuid 10000000001", "from 0 to 10000000000");
	assert_refused("run io 0", "MIB is a whole number from 1 to 1048576");
	assert_refused("run idle 1.5", "SECONDS is a whole number");
	assert_refused("run msr 5x", "'5x' is not a parameter of msr");
	assert_refused("run io --pio many", "--pio needs K, a whole number from 0 to");
	assert_refused("run cpuid --samples 0", "--samples needs MS, a whole number from 1 to 3600000");
	assert_refused("run cpuid --samples +5", "not '+5'");
	assert_refused("run cpuid --samples 0x10", "not '0x10'");
	assert_refused("run cpuid 18446744073709551616", "is not a parameter of cpuid");
	assert_refused("run boot 3", "'3' is not a parameter of boot");
}

/* --repeat N: 1 to 100 windows, a run's only; without it one window. */
static void test_repeat(void **state)
{
	struct probe_cmd cmd;

	(void)state;
	assert_int_equal(parse("run cpuid 10", &cmd), 0);
	assert_int_equal(cmd.repeat, 1);
	assert_int_equal(parse("run cpuid 10 --repeat 3", &cmd), 0);
	assert_int_equal(cmd.repeat, 3);
	assert_int_equal(parse("run idle 1 --repeat=100 --samples 50", &cmd), 0);
	assert_int_equal(cmd.repeat, 100);
	assert_int_equal(cmd.sample_ms, 50);
	assert_refused("run cpuid --repeat 0", "--repeat needs N, a whole number from 1 to 100, not '0'");
	assert_refused("run cpuid --repeat 101", "not '101'");
	assert_refused("run cpuid --repeat -2", "not '-2'");
	assert_refused("run cpuid --repeat 2x", "not '2x'");
	assert_refused("run boot --repeat 2", "--repeat needs a workload's window to repeat, not boot");
	assert_refused("snapshot --repeat 2", "snapshot takes no '--repeat'");
	assert_refused("detect --repeat 2", "detect takes no '--repeat'");
}

static void test_options_of_other_workloads(void **state)
{
	(void)state;
	assert_refused("run cpuid --path /x", "--path is an option of io, not of cpuid");
	assert_refused("run pio 5 --pio 5", "--pio is an option of io, not of pio");
	assert_refused("run boot --samples 10", "--samples needs a workload to sample, not boot");
	assert_refused("snapshot --samples 10", "snapshot takes no '--samples'");
	assert_refused("detect extra", "detect takes no 'extra'");
}

static void test_malformed(void **state)
{
	struct probe_cmd cmd;

	(void)state;
	assert_refused("snapshot --out", "--out needs a value: --out PATH");
	assert_refused("snapshot --out=", "--out needs a value");
	assert_refused("run io --path --pio 3", "--path needs a value: --path FILE");
	assert_refused("run cpuid --samples= 5", "--samples needs a value");
	assert_refused("run cpuid --frob=1", "unknown option '--frob'");
	assert_refused("run cpuid --frob", "unknown option '--frob'");
	assert_refused("run cpuid 1 2", "unexpected '2'");
	assert_refused("run", "run needs a known WORKLOAD: none given");
	assert_refused("run nosuch", "run needs a known WORKLOAD: nosuch");
	/* An unknown command is -ENOENT: the caller adds the usage. */
	assert_int_equal(parse("frobnicate", &cmd), -ENOENT);
	assert_non_null(strstr(said, "unknown command 'frobnicate'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_options_anywhere),
		cmocka_unit_test(test_bad_numbers_name_the_argument),
		cmocka_unit_test(test_repeat),
		cmocka_unit_test(test_options_of_other_workloads),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
