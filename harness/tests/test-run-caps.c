// SPDX-License-Identifier: GPL-2.0
/* libvirt's capabilities kept between runs (run-caps.c), in a temporary cache and run directory. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "run.h"
#include "util.h"

struct fixture {
	char root[64];
	char run[PATH_MAX];
	struct run_record rec;
};

static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];

	assert_int_equal(util_mkdirs(dir), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(util_write_atomic(path, text, strlen(text)), 0);
}

/* The file's text, or "" when it is missing. */
static const char *text_of(const char *dir, const char *name)
{
	static char text[64];
	char path[PATH_MAX + 64], *read;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text[0] = '\0';
	if (util_read_file(path, &read, NULL) == 0) {
		snprintf(text, sizeof(text), "%s", read);
		free(read);
	}
	return text;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char cache[128];

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/exitscope-caps-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(cache, sizeof(cache), "%s/cache", f->root);
	setenv("EXITSCOPE_CACHE", cache, 1);
	snprintf(f->run, sizeof(f->run), "%s/run", f->root);
	snprintf(f->rec.l1_image, sizeof(f->rec.l1_image), "0123456789ab");
	snprintf(f->rec.kernel_id, sizeof(f->rec.kernel_id), "ba9876543210");
	snprintf(f->rec.l0, sizeof(f->rec.l0), "built");
	f->rec.accel = ACCEL_TCG;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->root);
	assert_int_equal(system(cmd), 0);
	unsetenv("EXITSCOPE_CACHE");
	free(f);
	return 0;
}

static void test_dir_names_the_l1_image_kernel_and_l0(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], want[PATH_MAX];

	assert_int_equal(run_caps_dir(&f->rec, dir, sizeof(dir)), 0);
	snprintf(want, sizeof(want), "%s/cache/libvirt-caps/0123456789ab-ba9876543210-built", f->root);
	assert_string_equal(dir, want);
	f->rec.l0[0] = '\0';
	assert_int_equal(run_caps_dir(&f->rec, dir, sizeof(dir)), 0);
	assert_non_null(strstr(dir, "-ba9876543210-tcg"));
}

static void test_probed_caps_are_kept_and_seed_the_next_run(void **state)
{
	struct fixture *f = *state;
	char out[PATH_MAX + 32], kept[PATH_MAX], seed[PATH_MAX + 32];

	snprintf(out, sizeof(out), "%s/out", f->run);
	put(out, RUN_CAPS_STATE, "probed\n");
	snprintf(out, sizeof(out), "%s/out/%s", f->run, RUN_CAPS_SEED);
	put(out, "x86_64.xml", "<qemuCaps>new</qemuCaps>");
	assert_int_equal(run_caps_keep(&f->rec, f->run), 0);
	assert_int_equal(run_caps_dir(&f->rec, kept, sizeof(kept)), 0);
	assert_string_equal(text_of(kept, "x86_64.xml"), "<qemuCaps>new</qemuCaps>");

	snprintf(f->run, sizeof(f->run), "%s/run2", f->root);
	assert_int_equal(util_mkdirs(f->run), 0);
	assert_int_equal(run_caps_seed(&f->rec, f->run), 0);
	snprintf(seed, sizeof(seed), "%s/%s", f->run, RUN_CAPS_SEED);
	assert_string_equal(text_of(seed, "x86_64.xml"), "<qemuCaps>new</qemuCaps>");
}

static void test_reused_caps_leave_the_kept_ones(void **state)
{
	struct fixture *f = *state;
	char out[PATH_MAX + 32], kept[PATH_MAX];

	assert_int_equal(run_caps_dir(&f->rec, kept, sizeof(kept)), 0);
	put(kept, "x86_64.xml", "<qemuCaps>kept</qemuCaps>");
	snprintf(out, sizeof(out), "%s/out", f->run);
	put(out, RUN_CAPS_STATE, "reused\n");
	snprintf(out, sizeof(out), "%s/out/%s", f->run, RUN_CAPS_SEED);
	put(out, "x86_64.xml", "<qemuCaps>other</qemuCaps>");
	assert_int_equal(run_caps_keep(&f->rec, f->run), 0);
	assert_string_equal(text_of(kept, "x86_64.xml"), "<qemuCaps>kept</qemuCaps>");
}

static void test_nothing_kept_seeds_nothing(void **state)
{
	struct fixture *f = *state;
	char seed[PATH_MAX + 32];
	struct stat st;

	assert_int_equal(util_mkdirs(f->run), 0);
	assert_int_equal(run_caps_seed(&f->rec, f->run), 0);
	snprintf(seed, sizeof(seed), "%s/%s", f->run, RUN_CAPS_SEED);
	assert_int_not_equal(stat(seed, &st), 0);
	/* An agent that wrote no state (an older L1 image) keeps nothing either. */
	assert_int_equal(run_caps_keep(&f->rec, f->run), 0);
	assert_int_equal(run_caps_dir(&f->rec, seed, sizeof(seed)), 0);
	assert_int_not_equal(stat(seed, &st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dir_names_the_l1_image_kernel_and_l0, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_probed_caps_are_kept_and_seed_the_next_run,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reused_caps_leave_the_kept_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_kept_seeds_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
