// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "images.h"
#include "util.h"

static int input_cmp(const void *a, const void *b)
{
	return strcmp(((const struct image_input *)a)->name, ((const struct image_input *)b)->name);
}

void image_id(const char *kind, struct image_input *inputs, size_t n, char id[IMAGE_ID_LEN + 1])
{
	char *text = NULL, hex[65];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	/* Order-free: the same files found in another readdir order give the same id. */
	qsort(inputs, n, sizeof(*inputs), input_cmp);
	fprintf(f, "exitscope image v1\nkind %s\n", kind);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %s\n", inputs[i].sha256, inputs[i].name);
	fclose(f);
	util_sha256_hex(text, len, hex);
	free(text);
	memcpy(id, hex, IMAGE_ID_LEN);
	id[IMAGE_ID_LEN] = '\0';
}

static json_t *packages_json(const char *tsv)
{
	json_t *packages = json_object();

	while (*tsv) {
		const char *tab = strchr(tsv, '\t'), *eol = strchrnul(tsv, '\n');
		char name[256];

		if (!tab || tab > eol || (size_t)(tab - tsv) >= sizeof(name)) {
			json_decref(packages);
			return NULL;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(tab - tsv), tsv);
		json_object_set_new(packages, name, json_stringn(tab + 1, eol - tab - 1));
		tsv = *eol ? eol + 1 : eol;
	}
	return packages;
}

json_t *image_manifest_json(const struct image_manifest *m)
{
	json_t *packages = packages_json(m->packages_tsv);
	json_t *inputs = json_object();

	if (!packages) {
		json_decref(inputs);
		return NULL;
	}
	for (size_t i = 0; i < m->n_inputs; i++)
		json_object_set_new(inputs, m->inputs[i].name, json_string(m->inputs[i].sha256));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:f, s:o, s:o}",
			 "kind", m->kind, "id", m->id, "image", m->image,
			 "image_sha256", m->image_sha256, "image_bytes", (json_int_t)m->image_bytes,
			 "build_seconds", m->build_seconds, "inputs", inputs, "packages", packages);
}
