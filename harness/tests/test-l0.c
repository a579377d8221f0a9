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

static void test_auto_takes_the_fixed_l0_under_tcg_when_ready(void **state)
{
	enum l0_kind kind = L0_FIXED;

	(void)state;
	assert_int_equal(l0_decide(NULL, ACCEL_TCG, true, &kind), 0);
	assert_int_equal(kind, L0_FIXED);
	assert_int_equal(l0_decide("auto", ACCEL_TCG, true, &kind), 0);
	assert_int_equal(kind, L0_FIXED);
	assert_int_equal(l0_decide("", ACCEL_TCG, false, &kind), 0);
	assert_int_equal(kind, L0_SYSTEM);
	/* KVM runs L1 on the host's own VMX or SVM: QEMU emulates none of it. */
	assert_int_equal(l0_decide("auto", ACCEL_KVM, true, &kind), 0);
	assert_int_equal(kind, L0_SYSTEM);
}

static void test_explicit_settings(void **state)
{
	enum l0_kind kind = L0_FIXED;

	(void)state;
	assert_int_equal(l0_decide("system", ACCEL_TCG, true, &kind), 0);
	assert_int_equal(kind, L0_SYSTEM);
	assert_int_equal(l0_decide("fixed", ACCEL_KVM, true, &kind), 0);
	assert_int_equal(kind, L0_FIXED);
	assert_int_equal(l0_decide("fixed", ACCEL_TCG, false, &kind), -ENOENT);
	assert_int_equal(l0_decide("Fixed", ACCEL_TCG, true, &kind), -EINVAL);
	assert_int_equal(l0_decide("qemu", ACCEL_TCG, true, &kind), -EINVAL);
	assert_string_equal(l0_kind_name(L0_FIXED), "fixed");
	assert_string_equal(l0_kind_name(L0_SYSTEM), "system");
}

/* A checkout whose scripts/l0-fixed.sh --find prints @found (NULL: exits 1). */
static void fake_checkout(char *root, size_t size, const char *found)
{
	char path[4096];
	FILE *f;

	snprintf(root, size, "/tmp/exitscope-test-l0.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/scripts", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s", root, L0_SCRIPT);
	f = fopen(path, "w");
	assert_non_null(f);
	if (found)
		fprintf(f, "#!/bin/sh\n[ \"$1\" = --find ] && echo %s\n", found);
	else
		fprintf(f, "#!/bin/sh\nexit 1\n");
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

static void remove_checkout(const char *root)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, L0_SCRIPT);
	unlink(path);
	snprintf(path, sizeof(path), "%s/scripts", root);
	rmdir(path);
	rmdir(root);
}

static void test_choose_asks_the_script(void **state)
{
	struct l0_choice c;
	char root[64];

	(void)state;
	fake_checkout(root, sizeof(root), "/cache/l0/abc/bin/qemu-system-x86_64");
	assert_int_equal(l0_choose(root, NULL, ACCEL_TCG, &c), 0);
	assert_int_equal(c.kind, L0_FIXED);
	assert_string_equal(c.qemu, "/cache/l0/abc/bin/qemu-system-x86_64");
	assert_int_equal(l0_choose(root, "system", ACCEL_TCG, &c), 0);
	assert_int_equal(c.kind, L0_SYSTEM);
	assert_string_equal(c.qemu, "qemu-system-x86_64");
	assert_int_equal(l0_choose(root, NULL, ACCEL_KVM, &c), 0);
	assert_string_equal(c.qemu, "qemu-system-x86_64");
	remove_checkout(root);

	fake_checkout(root, sizeof(root), NULL);
	assert_int_equal(l0_choose(root, NULL, ACCEL_TCG, &c), 0);
	assert_int_equal(c.kind, L0_SYSTEM);
	assert_string_equal(c.qemu, "qemu-system-x86_64");
	assert_int_equal(l0_choose(root, "fixed", ACCEL_TCG, &c), -ENOENT);
	remove_checkout(root);

	/* No script at all (an installed harness without its checkout). */
	assert_int_equal(l0_choose("/nonexistent", NULL, ACCEL_TCG, &c), 0);
	assert_int_equal(c.kind, L0_SYSTEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_takes_the_fixed_l0_under_tcg_when_ready),
		cmocka_unit_test(test_explicit_settings),
		cmocka_unit_test(test_choose_asks_the_script),
	};

	return cmocka_run_group_tests_name("l0", tests, NULL, NULL);
}
