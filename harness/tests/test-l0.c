// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "l0.h"

#define BOTH (L0_READY(L0_BUILT) | L0_READY(L0_FIXED))

static void test_auto_takes_the_l0_with_more_fixes_under_tcg(void **state)
{
	enum l0_kind kind = L0_SYSTEM;

	(void)state;
	assert_int_equal(l0_decide(NULL, ACCEL_TCG, BOTH, &kind), 0);
	assert_int_equal(kind, L0_BUILT);
	assert_int_equal(l0_decide("auto", ACCEL_TCG, L0_READY(L0_BUILT), &kind), 0);
	assert_int_equal(kind, L0_BUILT);
	assert_int_equal(l0_decide("auto", ACCEL_TCG, L0_READY(L0_FIXED), &kind), 0);
	assert_int_equal(kind, L0_FIXED);
	assert_int_equal(l0_decide("", ACCEL_TCG, 0, &kind), 0);
	assert_int_equal(kind, L0_SYSTEM);
	/* KVM runs L1 on the host's own VMX or SVM: QEMU emulates none of it. */
	assert_int_equal(l0_decide("auto", ACCEL_KVM, BOTH, &kind), 0);
	assert_int_equal(kind, L0_SYSTEM);
}

static void test_explicit_settings(void **state)
{
	enum l0_kind kind = L0_BUILT;

	(void)state;
	assert_int_equal(l0_decide("system", ACCEL_TCG, BOTH, &kind), 0);
	assert_int_equal(kind, L0_SYSTEM);
	assert_int_equal(l0_decide("fixed", ACCEL_KVM, BOTH, &kind), 0);
	assert_int_equal(kind, L0_FIXED);
	assert_int_equal(l0_decide("fixed", ACCEL_TCG, L0_READY(L0_FIXED), &kind), 0);
	assert_int_equal(kind, L0_FIXED);
	assert_int_equal(l0_decide("fixed", ACCEL_TCG, L0_READY(L0_BUILT), &kind), -ENOENT);
	assert_int_equal(kind, L0_FIXED);
	assert_int_equal(l0_decide("built", ACCEL_TCG, L0_READY(L0_FIXED), &kind), -ENOENT);
	assert_int_equal(kind, L0_BUILT);
	assert_int_equal(l0_decide("Fixed", ACCEL_TCG, BOTH, &kind), -EINVAL);
	assert_int_equal(l0_decide("qemu", ACCEL_TCG, BOTH, &kind), -EINVAL);
	assert_string_equal(l0_kind_name(L0_BUILT), "built");
	assert_string_equal(l0_kind_name(L0_FIXED), "fixed");
	assert_string_equal(l0_kind_name(L0_SYSTEM), "system");
	assert_string_equal(l0_script(L0_BUILT), "scripts/l0-qemu.sh");
	assert_string_equal(l0_script(L0_FIXED), "scripts/l0-fixed.sh");
	assert_null(l0_script(L0_SYSTEM));
}

/* @kind's script in the checkout @root: --find prints @found (NULL: exits 1). */
static void fake_script(const char *root, enum l0_kind kind, const char *found)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, l0_script(kind));
	f = fopen(path, "w");
	assert_non_null(f);
	if (found)
		fprintf(f, "#!/bin/sh\n[ \"$1\" = --find ] && echo %s\n", found);
	else
		fprintf(f, "#!/bin/sh\nexit 1\n");
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

/* A checkout whose two L0 scripts print @built and @fixed with --find. */
static void fake_checkout(char *root, size_t size, const char *built, const char *fixed)
{
	char path[4096];

	snprintf(root, size, "/tmp/exitscope-test-l0.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/scripts", root);
	assert_int_equal(mkdir(path, 0755), 0);
	fake_script(root, L0_BUILT, built);
	fake_script(root, L0_FIXED, fixed);
}

static void remove_checkout(const char *root)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, l0_script(L0_BUILT));
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", root, l0_script(L0_FIXED));
	unlink(path);
	snprintf(path, sizeof(path), "%s/scripts", root);
	rmdir(path);
	rmdir(root);
}

static void test_choose_asks_the_scripts(void **state)
{
	struct l0_choice c;
	char root[64];

	(void)state;
	fake_checkout(root, sizeof(root), "/cache/l0-qemu/b/bin/qemu-system-x86_64",
		      "/cache/l0/f/bin/qemu-system-x86_64");
	assert_int_equal(l0_choose(root, NULL, ACCEL_TCG, &c), 0);
	assert_int_equal(c.kind, L0_BUILT);
	assert_string_equal(c.qemu, "/cache/l0-qemu/b/bin/qemu-system-x86_64");
	assert_int_equal(l0_choose(root, "fixed", ACCEL_TCG, &c), 0);
	assert_string_equal(c.qemu, "/cache/l0/f/bin/qemu-system-x86_64");
	assert_int_equal(l0_choose(root, "system", ACCEL_TCG, &c), 0);
	assert_int_equal(c.kind, L0_SYSTEM);
	assert_string_equal(c.qemu, "qemu-system-x86_64");
	assert_int_equal(l0_choose(root, NULL, ACCEL_KVM, &c), 0);
	assert_string_equal(c.qemu, "qemu-system-x86_64");
	remove_checkout(root);

	/* Only the fixed one prepared: auto takes it, built is refused. */
	fake_checkout(root, sizeof(root), NULL, "/cache/l0/f/bin/qemu-system-x86_64");
	assert_int_equal(l0_choose(root, NULL, ACCEL_TCG, &c), 0);
	assert_int_equal(c.kind, L0_FIXED);
	assert_string_equal(c.qemu, "/cache/l0/f/bin/qemu-system-x86_64");
	assert_int_equal(l0_choose(root, "built", ACCEL_TCG, &c), -ENOENT);
	remove_checkout(root);

	/* A script that prints something other than a path has nothing prepared. */
	fake_checkout(root, sizeof(root), "not-a-path", NULL);
	assert_int_equal(l0_choose(root, NULL, ACCEL_TCG, &c), 0);
	assert_int_equal(c.kind, L0_SYSTEM);
	assert_string_equal(c.qemu, "qemu-system-x86_64");
	assert_int_equal(l0_choose(root, "fixed", ACCEL_TCG, &c), -ENOENT);
	remove_checkout(root);

	/* No scripts at all (an installed harness without its checkout). */
	assert_int_equal(l0_choose("/nonexistent", NULL, ACCEL_TCG, &c), 0);
	assert_int_equal(c.kind, L0_SYSTEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_takes_the_l0_with_more_fixes_under_tcg),
		cmocka_unit_test(test_explicit_settings),
		cmocka_unit_test(test_choose_asks_the_scripts),
	};

	return cmocka_run_group_tests_name("l0", tests, NULL, NULL);
}
