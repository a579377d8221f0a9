// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "images.h"

static const struct image_input recipe[] = {
	{ "guest-images/build.sh", "1111111111111111111111111111111111111111111111111111111111111111" },
	{ "guest-images/l2/packages", "2222222222222222222222222222222222222222222222222222222222222222" },
	{ "harness/build/exitprobe", "3333333333333333333333333333333333333333333333333333333333333333" },
};

#define N_RECIPE (sizeof(recipe) / sizeof(recipe[0]))

static void id_of(const char *kind, const struct image_input *in, size_t n,
		  char id[IMAGE_ID_LEN + 1])
{
	struct image_input copy[8];

	memcpy(copy, in, n * sizeof(*in));
	image_id(kind, copy, n, id);
	assert_int_equal(strlen(id), IMAGE_ID_LEN);
}

static void test_id_ignores_the_order_files_were_found_in(void **state)
{
	struct image_input reversed[N_RECIPE];
	char a[IMAGE_ID_LEN + 1], b[IMAGE_ID_LEN + 1];

	(void)state;
	for (size_t i = 0; i < N_RECIPE; i++)
		reversed[i] = recipe[N_RECIPE - 1 - i];
	id_of("l2", recipe, N_RECIPE, a);
	id_of("l2", reversed, N_RECIPE, b);
	assert_string_equal(a, b);
}

static void test_every_input_changes_the_id(void **state)
{
	struct image_input changed[N_RECIPE];
	char first[IMAGE_ID_LEN + 1], other[IMAGE_ID_LEN + 1];

	(void)state;
	id_of("l2", recipe, N_RECIPE, first);
	id_of("l1", recipe, N_RECIPE, other);
	assert_string_not_equal(first, other);
	for (size_t i = 0; i < N_RECIPE; i++) {
		memcpy(changed, recipe, sizeof(recipe));
		changed[i].sha256[63] = 'f';
		id_of("l2", changed, N_RECIPE, other);
		assert_string_not_equal(first, other);
		memcpy(changed, recipe, sizeof(recipe));
		changed[i].name[0] = 'X';
		id_of("l2", changed, N_RECIPE, other);
		assert_string_not_equal(first, other);
	}
	/* A file more or less is a different recipe. */
	id_of("l2", recipe, N_RECIPE - 1, other);
	assert_string_not_equal(first, other);
}

static struct image_manifest manifest(const char *tsv)
{
	return (struct image_manifest){ .kind = "l2", .id = "0123456789ab", .image = "image.qcow2",
					.image_sha256 = "ab", .image_bytes = 5LL << 30,
					.build_seconds = 12.5, .inputs = recipe, .n_inputs = N_RECIPE,
					.packages_tsv = tsv };
}

static void test_manifest_lists_packages_and_inputs(void **state)
{
	struct image_manifest m = manifest("cloud-init\t22.4.2-1+deb12u3\nsystemd\t252.39-1~deb12u1\n");
	json_t *doc = image_manifest_json(&m);
	const char *version;
	json_int_t bytes;

	(void)state;
	assert_non_null(doc);
	assert_int_equal(json_unpack(doc, "{s:{s:s}, s:I}", "packages", "systemd", &version,
				     "image_bytes", &bytes), 0);
	assert_string_equal(version, "252.39-1~deb12u1");
	assert_int_equal(bytes, 5LL << 30);
	assert_int_equal(json_object_size(json_object_get(doc, "packages")), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "inputs"),
							      "harness/build/exitprobe")),
			    recipe[2].sha256);
	json_decref(doc);
}

static void test_manifest_refuses_a_broken_package_list(void **state)
{
	struct image_manifest m = manifest("cloud-init 22.4\n");

	(void)state;
	assert_null(image_manifest_json(&m));
	m = manifest("");
	json_t *empty = image_manifest_json(&m);
	assert_non_null(empty);
	assert_int_equal(json_object_size(json_object_get(empty, "packages")), 0);
	json_decref(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_ignores_the_order_files_were_found_in),
		cmocka_unit_test(test_every_input_changes_the_id),
		cmocka_unit_test(test_manifest_lists_packages_and_inputs),
		cmocka_unit_test(test_manifest_refuses_a_broken_package_list),
	};

	return cmocka_run_group_tests_name("images", tests, NULL, NULL);
}
