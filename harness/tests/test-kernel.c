// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel.h"

static const struct kernel_inputs base = {
	.source = "PACKAGE=linux-source-6.1\nVERSION=6.1.192-2\n",
	.patches = "From 1 Mon\n+patch\n",
	.fragment = "CONFIG_KVM=y\n",
	.compiler = "gcc (Debian 12.2.0-14) 12.2.0",
	.cc = "#!/bin/bash\nexec ccache gcc \"$@\"\n",
};

static void id_of(const struct kernel_inputs *in, char id[KERNEL_ID_LEN + 1])
{
	kernel_id(in, id);
	assert_int_equal(strlen(id), KERNEL_ID_LEN);
}

static void test_same_inputs_same_id(void **state)
{
	char a[KERNEL_ID_LEN + 1], b[KERNEL_ID_LEN + 1];
	struct kernel_inputs copy = base;
	char source[64];

	(void)state;
	/* Equal text in other storage: only content counts. */
	strcpy(source, base.source);
	copy.source = source;
	id_of(&base, a);
	id_of(&copy, b);
	assert_string_equal(a, b);
}

/* What kernel_id() makes, and nothing that could walk out of a directory. */
static void test_id_form(void **state)
{
	struct kernel_inputs in = { "src", "patches", "fragment", "gcc", "cc" };
	char id[KERNEL_ID_LEN + 1];

	(void)state;
	kernel_id(&in, id);
	assert_true(kernel_id_valid(id));
	assert_false(kernel_id_valid("nosuch"));
	assert_false(kernel_id_valid("../../etc/xx"));
	assert_false(kernel_id_valid("0123456789AB"));
	assert_false(kernel_id_valid("0123456789abc"));
	assert_false(kernel_id_valid(""));
}

static void test_every_input_changes_the_id(void **state)
{
	const char **fields[] = { NULL, NULL, NULL, NULL, NULL };
	char first[KERNEL_ID_LEN + 1], other[KERNEL_ID_LEN + 1];
	struct kernel_inputs in;

	(void)state;
	id_of(&base, first);
	for (int i = 0; i < 5; i++) {
		in = base;
		fields[0] = &in.source;
		fields[1] = &in.patches;
		fields[2] = &in.fragment;
		fields[3] = &in.compiler;
		fields[4] = &in.cc;	/* the CC wrapper: a fixed build rebuilds every kernel */
		*fields[i] = "changed";
		id_of(&in, other);
		assert_string_not_equal(first, other);
	}
	in = base;
	in.patches = "";	/* --stock */
	id_of(&in, other);
	assert_string_not_equal(first, other);
}

static void test_moving_text_between_fields_changes_the_id(void **state)
{
	struct kernel_inputs a = base, b = base;
	char ida[KERNEL_ID_LEN + 1], idb[KERNEL_ID_LEN + 1];

	(void)state;
	a.patches = "xy";
	a.fragment = "z";
	b.patches = "x";
	b.fragment = "yz";
	id_of(&a, ida);
	id_of(&b, idb);
	assert_string_not_equal(ida, idb);
}

/* A temporary directory with @n patch files named and filled as given, plus a non-patch. */
static void patch_dir(char *dir, const char *const *names, const char *const *texts, size_t n)
{
	char path[256];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(texts[i], f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/README.md", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a patch\n", f);
	fclose(f);
}

static void remove_dir(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void id_of_patches(const char *const *dirs, size_t n, char id[KERNEL_ID_LEN + 1])
{
	struct kernel_inputs in = base;
	char *text;
	size_t bad;

	assert_int_equal(kernel_patches_read(dirs, n, &text, &bad), 0);
	in.patches = text;
	id_of(&in, id);
	free(text);
}

static void test_patch_dirs_in_name_then_argument_order(void **state)
{
	char base_dir[] = "/tmp/exitscope-test-kernel.XXXXXX", mut[] = "/tmp/exitscope-test-kernel.XXXXXX";
	const char *const base_names[] = { "0002-b.patch", "0001-a.patch" };
	const char *const base_texts[] = { "B\n", "A\n" };
	const char *const mut_names[] = { "0001-m.patch" };
	const char *const mut_texts[] = { "M\n" };
	(void)state;
	patch_dir(base_dir, base_names, base_texts, 2);
	patch_dir(mut, mut_names, mut_texts, 1);
	{
		const char *const dirs[] = { base_dir, mut };
		char ids[3][KERNEL_ID_LEN + 1], *text;
		size_t bad = 99;
		const char *const swapped[] = { mut, base_dir };

		assert_int_equal(kernel_patches_read(dirs, 2, &text, &bad), 0);
		assert_string_equal(text, "A\nB\nM\n");
		free(text);
		id_of_patches(dirs, 1, ids[0]);
		id_of_patches(dirs, 2, ids[1]);
		id_of_patches(swapped, 2, ids[2]);
		/* The mutant on the base is another kernel than the base, and order counts. */
		assert_string_not_equal(ids[0], ids[1]);
		assert_string_not_equal(ids[1], ids[2]);
		id_of_patches(dirs, 2, ids[2]);
		assert_string_equal(ids[1], ids[2]);
	}
	remove_dir(base_dir);
	remove_dir(mut);
}

static void test_patch_dir_without_patches_or_missing(void **state)
{
	char full[] = "/tmp/exitscope-test-kernel.XXXXXX", empty[] = "/tmp/exitscope-test-kernel.XXXXXX";
	const char *const names[] = { "0001-a.patch" };
	const char *const texts[] = { "A\n" };
	char *text = (char *)"untouched";
	size_t bad = 99;

	(void)state;
	patch_dir(full, names, texts, 1);
	patch_dir(empty, NULL, NULL, 0);
	{
		const char *const with_empty[] = { full, empty };
		const char *const with_missing[] = { full, "/nonexistent/exitscope" };

		assert_int_equal(kernel_patches_read(with_empty, 2, &text, &bad), -ENOENT);
		assert_int_equal(bad, 1);
		assert_null(text);
		bad = 99;
		assert_int_equal(kernel_patches_read(with_missing, 2, &text, &bad), -ENOENT);
		assert_int_equal(bad, 1);
		assert_int_equal(kernel_patches_read(with_missing + 1, 1, &text, &bad), -ENOENT);
		assert_int_equal(bad, 0);
	}
	remove_dir(full);
	remove_dir(empty);
}

static void test_patched_files_are_the_diffs_paths(void **state)
{
	const char *patches =
		"From 1 Mon\nSubject: [PATCH] x\n\n--- is not a path here\n---\n a | 1 +\n"
		"diff --git a/arch/x86/kvm/cpuid.c b/arch/x86/kvm/cpuid.c\n"
		"--- a/arch/x86/kvm/cpuid.c\n+++ b/arch/x86/kvm/cpuid.c\n@@ -1 +1 @@\n-x\n+y\n"
		"--- /dev/null\n+++ b/arch/x86/kvm/new.c\t2026-01-01\n@@ -0,0 +1 @@\n+z\n"
		"--- a/old.h\n+++ /dev/null\n";
	char *list;

	(void)state;
	assert_int_equal(kernel_patched_files(patches, &list), 0);
	assert_string_equal(list, "arch/x86/kvm/cpuid.c\narch/x86/kvm/cpuid.c\n"
				  "arch/x86/kvm/new.c\nold.h\n");
	free(list);
	assert_int_equal(kernel_patched_files("", &list), 0);
	assert_string_equal(list, "");
	free(list);
}

/* The tree's version from its Makefile's first lines; EXTRAVERSION is not VERSION. */
static void test_tree_version(void **state)
{
	int version = 0, patchlevel = 0;

	(void)state;
	assert_int_equal(kernel_tree_version("# SPDX\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\n"
					     "EXTRAVERSION =\nNAME = Baby Opossum Posse\n",
					     &version, &patchlevel), 0);
	assert_int_equal(version, 6);
	assert_int_equal(patchlevel, 12);
	assert_int_equal(kernel_tree_version("EXTRAVERSION = 3\nPATCHLEVEL = 1\n", &version, &patchlevel),
			 -EINVAL);
	assert_int_equal(kernel_tree_version("", &version, &patchlevel), -EINVAL);
}

static void test_config_survivors(void **state)
{
	const char *fragment = "# comment\n\nCONFIG_KVM=y\nCONFIG_KVM_AMD=y\nCONFIG_NR_CPUS=8\n"
			       "# CONFIG_SOUND is not set\nCONFIG_9P_FS=y\n";
	const char *config = "CONFIG_KVM=y\n# CONFIG_KVM_AMD is not set\nCONFIG_NR_CPUS=64\n"
			     "CONFIG_SOUND=y\nCONFIG_9P_FS_POSIX_ACL=y\n";
	struct strv missing = { 0 };

	(void)state;
	assert_int_equal(kernel_config_missing(fragment, config, &missing), 4);
	assert_string_equal(missing.v[0], "CONFIG_KVM_AMD=y (now: # CONFIG_KVM_AMD is not set)");
	assert_string_equal(missing.v[1], "CONFIG_NR_CPUS=8 (now: CONFIG_NR_CPUS=64)");
	assert_string_equal(missing.v[2], "# CONFIG_SOUND is not set (now: CONFIG_SOUND=y)");
	/* A prefix (CONFIG_9P_FS_POSIX_ACL) is not the option itself. */
	assert_string_equal(missing.v[3], "CONFIG_9P_FS=y (now: absent)");
	strv_free(&missing);
	assert_int_equal(kernel_config_missing(fragment, "CONFIG_KVM=y\nCONFIG_KVM_AMD=y\n"
					       "CONFIG_NR_CPUS=8\nCONFIG_9P_FS=y\n", &missing), 0);
}

static void test_manifest_round_trip(void **state)
{
	const struct kernel_manifest m = { "0123456789ab", "6.1.192", "6.1", "PACKAGE=x", true,
					   "aa", "bb", "gcc 12", 431.5 };
	struct kernel_manifest back;
	json_error_t err;
	json_t *doc = kernel_manifest_json(&m);
	char *text = json_dumps(doc, JSON_SORT_KEYS);
	json_t *parsed = json_loads(text, 0, &err);

	(void)state;
	assert_int_equal(kernel_manifest_parse(parsed, &back, &err), 0);
	assert_string_equal(back.id, m.id);
	assert_string_equal(back.release, m.release);
	assert_true(back.stock);
	assert_true(back.build_seconds == 431.5);
	free(text);
	json_decref(doc);
	json_decref(parsed);
}

static void test_manifest_rejects_unknown_keys_and_versions(void **state)
{
	struct kernel_manifest m;
	json_error_t err;
	json_t *extra = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:f,s:i}",
				  "schema", "exitscope/kernel/v1", "id", "x", "release", "r",
				  "series", "6.1", "source", "s", "stock", 0, "patch_sha256", "p",
				  "config_sha256", "c", "compiler", "g", "build_seconds", 1.0, "bogus", 1);
	json_t *future = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:f}",
				   "schema", "exitscope/kernel/v2", "id", "x", "release", "r",
				   "series", "6.1", "source", "s", "stock", 0, "patch_sha256", "p",
				   "config_sha256", "c", "compiler", "g", "build_seconds", 1.0);

	(void)state;
	assert_int_equal(kernel_manifest_parse(extra, &m, &err), -EINVAL);
	assert_non_null(strstr(err.text, "bogus"));
	assert_int_equal(kernel_manifest_parse(future, &m, &err), -EPROTO);
	json_decref(extra);
	json_decref(future);
}

static void test_source_summary(void **state)
{
	char line[128];

	(void)state;
	kernel_source_summary(base.source, line, sizeof(line));
	assert_string_equal(line, "linux-source-6.1 6.1.192-2");
	kernel_source_summary("tree /home/me/linux v6.1-rc1-5-gabc\nsha 123\n", line, sizeof(line));
	assert_string_equal(line, "tree /home/me/linux v6.1-rc1-5-gabc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_inputs_same_id),
		cmocka_unit_test(test_id_form),
		cmocka_unit_test(test_every_input_changes_the_id),
		cmocka_unit_test(test_moving_text_between_fields_changes_the_id),
		cmocka_unit_test(test_patch_dirs_in_name_then_argument_order),
		cmocka_unit_test(test_patch_dir_without_patches_or_missing),
		cmocka_unit_test(test_patched_files_are_the_diffs_paths),
		cmocka_unit_test(test_tree_version),
		cmocka_unit_test(test_config_survivors),
		cmocka_unit_test(test_manifest_round_trip),
		cmocka_unit_test(test_manifest_rejects_unknown_keys_and_versions),
		cmocka_unit_test(test_source_summary),
	};

	return cmocka_run_group_tests_name("kernel", tests, NULL, NULL);
}
