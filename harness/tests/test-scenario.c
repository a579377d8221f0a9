// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "run.h"
#include "scenario.h"

static const char cfg[] =
	"# comment\n"
	"\n"
	"boot   bootcmd  patched  debian   900  -        snapshot\n"
	"cpuid  runcmd   patched  trimmed  1200 -        run cpuid 100000\n"
	"stock  runcmd   stock    trimmed  60   -        run cpuid 10\n"
	"scope  runcmd   patched  trimmed  1200 neighbor run abi\n"
	"kboot  init     patched  trimmed  600  -        snapshot\n"
	"reasons micro   patched  -        300  -        1000\n"
	"some   micro    patched  -        60   -        7 pio-in  cr4-write\n";

static void test_finds_each_scenario_with_its_fields(void **state)
{
	struct scenario s;
	int line = 0;

	(void)state;
	assert_int_equal(scenario_find(cfg, "cpuid", &s, &line), 0);
	assert_string_equal(s.stage, "runcmd");
	assert_false(s.stock);
	assert_int_equal(s.timeout_s, 1200);
	assert_string_equal(s.probe, "run cpuid 100000");
	assert_string_equal(s.l2_kernel, SCENARIO_L2_TRIMMED);
	assert_int_equal(scenario_find(cfg, "boot", &s, &line), 0);
	assert_string_equal(s.stage, "bootcmd");
	assert_string_equal(s.l2_kernel, SCENARIO_L2_DEBIAN);
	assert_string_equal(s.probe, "snapshot");
	/* The micro stage boots no L2, so it has no L2 kernel. */
	assert_int_equal(scenario_find(cfg, "reasons", &s, &line), 0);
	assert_string_equal(s.l2_kernel, "");
	assert_false(s.neighbor);
	assert_int_equal(scenario_find(cfg, "stock", &s, &line), 0);
	assert_true(s.stock);
	assert_int_equal(scenario_find(cfg, "scope", &s, &line), 0);
	assert_true(s.neighbor);
	assert_string_equal(s.probe, "run abi");
	assert_int_equal(scenario_find(cfg, "cpui", &s, &line), -ENOENT);
}

/* --repeat N reaches the probe's command line, and only a workload window takes it. */
static void test_repeat_goes_to_the_probe_of_a_window(void **state)
{
	static const char *const refused[][2] = {
		{ "boot", "snapshot" }, { "kboot", "snapshot" }, { "stock", "stock kernel" },
		{ "reasons", "micro scenario" },
	};
	char why[256];
	struct scenario s;
	int line = 0;

	(void)state;
	assert_int_equal(scenario_find(cfg, "cpuid", &s, &line), 0);
	assert_int_equal(scenario_repeat(&s, 0, why, sizeof(why)), 0);
	assert_string_equal(s.probe, "run cpuid 100000");
	assert_int_equal(scenario_repeat(&s, 1, why, sizeof(why)), 0);
	assert_string_equal(s.probe, "run cpuid 100000");
	assert_int_equal(scenario_repeat(&s, 7, why, sizeof(why)), 0);
	assert_string_equal(s.probe, "run cpuid 100000 --repeat 7");
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(scenario_find(cfg, refused[i][0], &s, &line), 0);
		why[0] = '\0';
		/* Asked at all, even once: the scenario has no window it could repeat. */
		assert_int_equal(scenario_repeat(&s, 1, why, sizeof(why)), -EINVAL);
		assert_non_null(strstr(why, refused[i][1]));
		assert_int_equal(scenario_repeat(&s, 3, why, sizeof(why)), -EINVAL);
		assert_null(strstr(s.probe, "--repeat"));
	}
	/* A command line that cannot take it is left as it was. */
	assert_int_equal(scenario_find(cfg, "cpuid", &s, &line), 0);
	memset(s.probe, 'x', sizeof(s.probe) - 4);
	memcpy(s.probe, "run ", 4);
	s.probe[sizeof(s.probe) - 4] = '\0';
	assert_int_equal(scenario_repeat(&s, 100, why, sizeof(why)), -ENAMETOOLONG);
	assert_int_equal(strlen(s.probe), sizeof(s.probe) - 4);
}

static void test_l2_args_hand_the_init_stage_its_probe(void **state)
{
	struct scenario s;
	char args[128];
	int line = 0;

	(void)state;
	assert_int_equal(scenario_find(cfg, "kboot", &s, &line), 0);
	assert_int_equal(scenario_l2_args(&s, "console=ttyS0", "loglevel=8", args, sizeof(args)), 0);
	assert_string_equal(args, "console=ttyS0 loglevel=8 init=" SCENARIO_L2_INIT " -- snapshot");
	assert_int_equal(scenario_find(cfg, "cpuid", &s, &line), 0);
	assert_int_equal(scenario_l2_args(&s, "console=ttyS0", NULL, args, sizeof(args)), 0);
	assert_string_equal(args, "console=ttyS0");
	/* virt-install splits --boot at commas: one in the arguments would cut them. */
	assert_int_equal(scenario_l2_args(&s, "console=ttyS0", "a=1,2", args, sizeof(args)), -EINVAL);
	assert_int_equal(scenario_l2_args(&s, "console=ttyS0", "loglevel=8", args, 8), -ENAMETOOLONG);
}

/* The agent starts the neighbor on NEIGHBOR=1 only; every scenario says 0 or 1. */
static void test_spec_env_says_whether_a_neighbor_runs(void **state)
{
	struct scenario s;
	char spec[1024];
	int line = 0;

	(void)state;
	assert_int_equal(scenario_find(cfg, "scope", &s, &line), 0);
	assert_int_equal(scenario_spec_env(&s, "console=ttyS0", 1024, spec, sizeof(spec)), 0);
	assert_string_equal(spec, "SCENARIO=scope\nL2_TIMEOUT=1200\nL2_DISK=/dev/vdb\n"
			    "L2_KERNEL=/run/exitscope/l2-vmlinuz\n"
			    "L2_KERNEL_ARGS=console=ttyS0\nL2_MEMORY=1024\nL2_VCPUS=1\nNEIGHBOR=1\n");
	assert_int_equal(scenario_find(cfg, "cpuid", &s, &line), 0);
	assert_int_equal(scenario_spec_env(&s, "console=ttyS0", 1024, spec, sizeof(spec)), 0);
	assert_non_null(strstr(spec, "\nNEIGHBOR=0\n"));
	assert_int_equal(scenario_spec_env(&s, "console=ttyS0", 1024, spec, 64), -ENAMETOOLONG);
}

/* Debian's kernel needs its initramfs; the trimmed one has none, so the agent passes none. */
static void test_spec_env_names_an_initrd_for_debians_kernel_only(void **state)
{
	struct scenario s;
	char spec[1024];
	int line = 0;

	(void)state;
	assert_int_equal(scenario_find(cfg, "boot", &s, &line), 0);
	assert_int_equal(scenario_spec_env(&s, "console=ttyS0", 1024, spec, sizeof(spec)), 0);
	assert_non_null(strstr(spec, "\nL2_INITRD=/run/exitscope/l2-initrd.img\n"));
	assert_int_equal(scenario_find(cfg, "cpuid", &s, &line), 0);
	assert_int_equal(scenario_spec_env(&s, "console=ttyS0", 1024, spec, sizeof(spec)), 0);
	assert_null(strstr(spec, "L2_INITRD"));
	assert_non_null(strstr(spec, "\nL2_KERNEL=/run/exitscope/l2-vmlinuz\n"));
}

static void test_a_bad_line_is_named(void **state)
{
	static const char *const bad[] = {
		"ok runcmd patched trimmed 10 - snapshot\nx latecmd patched trimmed 10 - snapshot\n",
		"ok runcmd patched trimmed 10 - snapshot\nx runcmd patchy trimmed 10 - snapshot\n",
		"ok runcmd patched trimmed 10 - snapshot\nx runcmd stock trimmed ten - snapshot\n",
		"ok runcmd patched trimmed 10 - snapshot\nx runcmd stock trimmed 10 -\n",
		"ok runcmd patched trimmed 10 - snapshot\nx runcmd stock trimmed 0 - snapshot\n",
		/* A line of the format before BESIDE: its probe's first word is no BESIDE. */
		"ok runcmd patched trimmed 10 - snapshot\nx runcmd patched trimmed 10 run cpuid 10\n",
		"ok runcmd patched trimmed 10 - snapshot\nx runcmd patched trimmed 10 neighbors snapshot\n",
		/* A line of the format before L2: its timeout is no L2 kernel. */
		"ok runcmd patched trimmed 10 - snapshot\nx runcmd patched 10 - snapshot\n",
		"ok runcmd patched trimmed 10 - snapshot\nx runcmd patched ubuntu 10 - snapshot\n",
		/* L2 needs a kernel; the micro stage has no L2 to give one. */
		"ok runcmd patched trimmed 10 - snapshot\nx runcmd patched - 10 - snapshot\n",
		"ok runcmd patched trimmed 10 - snapshot\nx micro patched trimmed 10 - 1000\n",
	};
	struct scenario s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int line = 0;

		assert_int_equal(scenario_find(bad[i], "x", &s, &line), -EINVAL);
		assert_int_equal(line, 2);
	}
}

static void test_template_fills_placeholders_and_keeps_other_text(void **state)
{
	const char *const pairs[] = { "STAGE", "runcmd", "PROBE_ARGS", "run idle 10", NULL };
	char *text = template_render("@STAGE@:\n  - exitprobe @PROBE_ARGS@ # mail a@b.c, @ x@\n", pairs);

	(void)state;
	assert_non_null(text);
	assert_string_equal(text, "runcmd:\n  - exitprobe run idle 10 # mail a@b.c, @ x@\n");
	free(text);
}

static void test_template_refuses_an_unfilled_placeholder(void **state)
{
	const char *const pairs[] = { "STAGE", "runcmd", NULL };

	(void)state;
	assert_null(template_render("@STAGE@ @PROBE_ARGS@\n", pairs));
}

static void test_status_lines_move_the_stage(void **state)
{
	struct run_status st;

	(void)state;
	run_status_parse("", &st);
	assert_int_equal(st.stage, STAGE_L1_BOOT);
	run_status_parse("8.12 start\n9.50 libvirt-up\n", &st);
	assert_int_equal(st.stage, STAGE_L2);
	assert_int_equal(st.agent_rc, -1);
	run_status_parse("8.12 start\n60.1 l2-end rc=0\n61.0 done rc=0\n", &st);
	assert_int_equal(st.stage, STAGE_DONE);
	assert_int_equal(st.agent_rc, 0);
	/* A line still being written does not count. */
	run_status_parse("8.12 start\n61.0 done rc=1", &st);
	assert_int_equal(st.stage, STAGE_L2);
	run_status_parse("8.12 start\n9.0 error libvirt libvirtd did not answer\n9.1 done rc=1\n", &st);
	assert_int_equal(st.agent_rc, 1);
	assert_string_equal(st.error, "libvirt libvirtd did not answer");
}

/* Every complete line of the status grammar is an event of the timeline, with L1's uptime. */
static void test_status_lines_are_events(void **state)
{
	struct run_status_event ev[8];
	struct run_status st;
	const char *text = "3.32 start\n16.70 l2-start\n16.93 virt-install\n19.41 l2-running\n"
			   "not a status line\n20.0 \n824.40 neighbor-end rc=0 exitmicro: lost\n"
			   "825.46 a-name-much-longer-than-the-field\n826.0 done rc=0";

	(void)state;
	assert_int_equal(run_status_events(text, ev, 8), 6);
	assert_string_equal(ev[0].name, "start");
	assert_float_equal(ev[0].l1_uptime_s, 3.32, 1e-9);
	assert_string_equal(ev[3].name, "l2-running");
	assert_float_equal(ev[3].l1_uptime_s, 19.41, 1e-9);
	/* The name is the first word; the details are not part of it. */
	assert_string_equal(ev[4].name, "neighbor-end");
	assert_float_equal(ev[4].l1_uptime_s, 824.4, 1e-9);
	assert_int_equal(strlen(ev[5].name), RUN_EVENT_NAME - 1);
	assert_true(!strncmp(ev[5].name, "a-name-much-longer", 18));
	/* At most as many as asked for, the first ones. */
	assert_int_equal(run_status_events(text, ev, 2), 2);
	assert_string_equal(ev[1].name, "l2-start");
	assert_int_equal(run_status_events("", ev, 8), 0);
	/* The new events leave the stage to start and done. */
	run_status_parse(text, &st);
	assert_int_equal(st.stage, STAGE_L2);
	assert_int_equal(st.agent_rc, -1);
}

static void test_micro_args_name_k_and_the_actions(void **state)
{
	static const char *const bad[] = { "0", "-1 cpuid", "10x", "4294967296", "10 CPUID",
					   "10 a,b", "" };
	struct scenario s;
	char args[128];
	int line = 0;

	(void)state;
	assert_int_equal(scenario_find(cfg, "reasons", &s, &line), 0);
	assert_true(scenario_is_micro(&s));
	assert_int_equal(scenario_micro_args(&s, args, sizeof(args)), 0);
	assert_string_equal(args, "exitmicro.k=1000 exitmicro.timeout=300");
	assert_int_equal(scenario_find(cfg, "some", &s, &line), 0);
	assert_int_equal(scenario_micro_args(&s, args, sizeof(args)), 0);
	assert_string_equal(args, "exitmicro.k=7 exitmicro.timeout=60 "
			    "exitmicro.actions=pio-in,cr4-write");
	assert_int_equal(scenario_micro_args(&s, args, 30), -ENAMETOOLONG);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(s.probe, sizeof(s.probe), "%s", bad[i]);
		assert_int_equal(scenario_micro_args(&s, args, sizeof(args)), -EINVAL);
	}
	assert_int_equal(scenario_find(cfg, "cpuid", &s, &line), 0);
	assert_false(scenario_is_micro(&s));
}

static void test_micro_args_of_the_grader(void **state)
{
	static const char *const bad[] = { "check", "check a", "check a 0", "check A 10",
					   "check a 10 cpuid", "check a-b 10", "check 10",
					   "check a 4294967296" };
	struct scenario s = { .stage = "micro", .timeout_s = 900, .probe = "check b 100" };
	char args[128];

	(void)state;
	assert_int_equal(scenario_micro_args(&s, args, sizeof(args)), 0);
	assert_string_equal(args, "exitmicro.mode=check exitmicro.abi=b exitmicro.k=100 "
			    "exitmicro.timeout=900");
	assert_int_equal(scenario_micro_args(&s, args, 40), -ENAMETOOLONG);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(s.probe, sizeof(s.probe), "%s", bad[i]);
		assert_int_equal(scenario_micro_args(&s, args, sizeof(args)), -EINVAL);
	}
}

static void test_micro_args_of_the_cost_benchmark(void **state)
{
	static const char *const bad[] = { "cost", "cost 0", "cost 100 0", "cost 100 101",
					   "cost 100 5 5", "cost x", "cost 4294967296", "cost 10 cpuid" };
	struct scenario s = { .stage = "micro", .timeout_s = 600, .probe = "cost 100000" };
	char args[128];

	(void)state;
	assert_int_equal(scenario_micro_args(&s, args, sizeof(args)), 0);
	assert_string_equal(args, "exitmicro.mode=cost exitmicro.k=100000 exitmicro.timeout=600");
	snprintf(s.probe, sizeof(s.probe), "cost 1000 7");
	assert_int_equal(scenario_micro_args(&s, args, sizeof(args)), 0);
	assert_string_equal(args, "exitmicro.mode=cost exitmicro.k=1000 exitmicro.timeout=600 "
			    "exitmicro.windows=7");
	assert_int_equal(scenario_micro_args(&s, args, 60), -ENAMETOOLONG);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(s.probe, sizeof(s.probe), "%s", bad[i]);
		assert_int_equal(scenario_micro_args(&s, args, sizeof(args)), -EINVAL);
	}
}

/* Several scenarios share a boot only when their L2 side is the same, and the boot is named after them. */
static void test_shared_boot_takes_only_what_can_share(void **state)
{
	static const char *const refused[][2] = {
		{ "boot", "stage runcmd" }, { "stock", "stock kernel" }, { "scope", "neighbor" },
		{ "kboot", "stage runcmd" }, { "reasons", "stage runcmd" }, { "cpuid", "named twice" },
	};
	struct scenario s[SCENARIO_SHARED_MAX + 1];
	char boot[32], why[256];
	int line;

	(void)state;
	assert_int_equal(scenario_find(cfg, "cpuid", &s[0], &line), 0);
	s[1] = s[0];
	strcpy(s[1].name, "cpuid2");
	assert_int_equal(scenario_shared(s, 2, boot, sizeof(boot), why, sizeof(why)), 0);
	assert_string_equal(boot, "cpuid+cpuid2");
	/* One alone is not a shared boot. */
	assert_int_equal(scenario_shared(s, 1, boot, sizeof(boot), why, sizeof(why)), -EINVAL);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(scenario_find(cfg, refused[i][0], &s[1], &line), 0);
		assert_int_equal(scenario_shared(s, 2, boot, sizeof(boot), why, sizeof(why)), -EINVAL);
		if (!strstr(why, refused[i][1]) || !strstr(why, refused[i][0]))
			fail_msg("%s: '%s' does not say '%s'", refused[i][0], why, refused[i][1]);
	}
	/* Another L2 kernel is another boot. */
	s[1] = s[0];
	strcpy(s[1].name, "other");
	strcpy(s[1].l2_kernel, SCENARIO_L2_DEBIAN);
	assert_int_equal(scenario_shared(s, 2, boot, sizeof(boot), why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "L2 kernel"));
	/* The names joined must fit a scenario's name. */
	for (int i = 0; i < 6; i++) {
		s[i] = s[0];
		snprintf(s[i].name, sizeof(s[i].name), "scenario%d", i);
	}
	assert_int_equal(scenario_shared(s, 6, boot, sizeof(boot), why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "must fit"));
	assert_int_equal(scenario_shared(s, SCENARIO_SHARED_MAX + 1, boot, sizeof(boot), why,
					 sizeof(why)), -EINVAL);
}

/* The probes go into cloud-init's runcmd as YAML single-quoted scalars, which nothing may break. */
static void test_windows_are_yaml_pairs(void **state)
{
	struct scenario s[2];
	char out[256];
	int line;

	(void)state;
	assert_int_equal(scenario_find(cfg, "cpuid", &s[0], &line), 0);
	assert_int_equal(scenario_find(cfg, "scope", &s[1], &line), 0);
	assert_int_equal(scenario_windows_yaml(s, 2, out, sizeof(out)), 0);
	assert_string_equal(out, "cpuid, 'run cpuid 100000', scope, 'run abi'");
	assert_int_equal(scenario_windows_yaml(s, 2, out, 20), -ENAMETOOLONG);
	strcpy(s[1].probe, "run abi'; reboot; '");
	assert_int_equal(scenario_windows_yaml(s, 2, out, sizeof(out)), -EINVAL);
	strcpy(s[1].probe, "run \\x");
	assert_int_equal(scenario_windows_yaml(s, 2, out, sizeof(out)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_each_scenario_with_its_fields),
		cmocka_unit_test(test_repeat_goes_to_the_probe_of_a_window),
		cmocka_unit_test(test_l2_args_hand_the_init_stage_its_probe),
		cmocka_unit_test(test_spec_env_says_whether_a_neighbor_runs),
		cmocka_unit_test(test_spec_env_names_an_initrd_for_debians_kernel_only),
		cmocka_unit_test(test_a_bad_line_is_named),
		cmocka_unit_test(test_template_fills_placeholders_and_keeps_other_text),
		cmocka_unit_test(test_template_refuses_an_unfilled_placeholder),
		cmocka_unit_test(test_status_lines_move_the_stage),
		cmocka_unit_test(test_status_lines_are_events),
		cmocka_unit_test(test_micro_args_name_k_and_the_actions),
		cmocka_unit_test(test_micro_args_of_the_cost_benchmark),
		cmocka_unit_test(test_micro_args_of_the_grader),
		cmocka_unit_test(test_shared_boot_takes_only_what_can_share),
		cmocka_unit_test(test_windows_are_yaml_pairs),
	};

	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
