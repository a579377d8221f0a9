/* SPDX-License-Identifier: GPL-2.0 */
/* Guest images: what identifies one (the cache key) and its manifest. */
#ifndef EXITSCOPE_IMAGES_H
#define EXITSCOPE_IMAGES_H

#include <jansson.h>
#include <stddef.h>

#define IMAGE_ID_LEN 12

/* One file the image is built from, named relative to the checkout. */
struct image_input {
	char name[256];
	char sha256[65];
};

/* The id hashes the kind and every input's name and content, in name order. */
void image_id(const char *kind, struct image_input *inputs, size_t n, char id[IMAGE_ID_LEN + 1]);

struct image_manifest {
	const char *kind;
	const char *id;
	const char *image;		/* file name inside the image directory */
	const char *image_sha256;
	long long image_bytes;
	double build_seconds;
	const struct image_input *inputs;
	size_t n_inputs;
	const char *packages_tsv;	/* "name\tversion\n" lines from the image */
};

/* NULL when packages_tsv has a line without a tab. */
json_t *image_manifest_json(const struct image_manifest *m);

#endif
