// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "util.h"

/* Length-prefixed so that moving text from one field to the next changes the id. */
static void kernel_id_add(FILE *f, const char *tag, const char *value)
{
	fprintf(f, "%s:%zu:%s\n", tag, strlen(value), value);
}

bool kernel_id_valid(const char *id)
{
	size_t len = strspn(id, "0123456789abcdef");

	return len == KERNEL_ID_LEN && !id[len];
}

void kernel_id(const struct kernel_inputs *in, char id[KERNEL_ID_LEN + 1])
{
	char *buf = NULL, hex[65];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f) {
		kernel_id_add(f, "base", KERNEL_BASE_CONFIG);
		kernel_id_add(f, "source", in->source);
		kernel_id_add(f, "patches", in->patches);
		kernel_id_add(f, "fragment", in->fragment);
		kernel_id_add(f, "compiler", in->compiler);
		kernel_id_add(f, "cc", in->cc);
		fclose(f);
	}
	util_sha256_hex(buf ? buf : "", buf ? len : 0, hex);
	free(buf);
	memcpy(id, hex, KERNEL_ID_LEN);
	id[KERNEL_ID_LEN] = '\0';
}

/* One directory's patches in name order onto @f; how many, or -errno. */
static int kernel_patches_append(FILE *f, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), found = 0, r = 0;

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		if (!r && len > 6 && !strcmp(name + len - 6, ".patch")) {
			char path[PATH_MAX], *patch;

			r = util_pathf(path, sizeof(path), "%s/%s", dir, name);
			if (!r)
				r = util_read_file(path, &patch, NULL);
			if (!r) {
				fputs(patch, f);
				free(patch);
				found++;
			}
		}
		free(names[i]);
	}
	free(names);
	return r ? r : found;
}

int kernel_patches_read(const char *const *dirs, size_t n, char **text, size_t *bad)
{
	size_t len = 0;
	FILE *f = open_memstream(text, &len);
	int r = 0;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n && !r; i++) {
		r = kernel_patches_append(f, dirs[i]);
		r = r == 0 ? -ENOENT : r < 0 ? r : 0;
		*bad = i;
	}
	fclose(f);
	if (r) {
		free(*text);
		*text = NULL;
	}
	return r;
}

int kernel_patched_files(const char *patches, char **list)
{
	size_t len = 0;
	FILE *f = open_memstream(list, &len);

	if (!f)
		return -ENOMEM;
	for (const char *line = patches; *line; line += strcspn(line, "\n") + !!line[strcspn(line, "\n")]) {
		const char *path = line + 4, *slash;
		size_t n;

		if (strncmp(line, "--- ", 4) && strncmp(line, "+++ ", 4))
			continue;
		n = strcspn(path, "\t\n");
		slash = memchr(path, '/', n);
		if (!slash || !strncmp(path, "/dev/null", 9))
			continue;
		n -= (size_t)(slash + 1 - path);
		fprintf(f, "%.*s\n", (int)n, slash + 1);
	}
	return fclose(f) ? -ENOMEM : 0;
}

int kernel_tree_version(const char *makefile, int *version, int *patchlevel)
{
	bool have_version = false, have_patchlevel = false;

	for (const char *line = makefile; line && *line; line = strchr(line, '\n'), line += !!line) {
		if (!have_version)
			have_version = sscanf(line, "VERSION = %d", version) == 1;
		if (!have_patchlevel)
			have_patchlevel = sscanf(line, "PATCHLEVEL = %d", patchlevel) == 1;
	}
	return have_version && have_patchlevel ? 0 : -EINVAL;
}

/* The line of @config that sets @name ("CONFIG_X=..." or "# CONFIG_X is not set"). */
static void kernel_config_value(const char *config, const char *name, char *out, size_t size)
{
	size_t name_len = strlen(name);

	snprintf(out, size, "absent");
	for (const char *line = config; line && *line; line = strchr(line, '\n'), line += !!line) {
		const char *start = line[0] == '#' && line[1] == ' ' ? line + 2 : line;

		if (!strncmp(start, name, name_len) && (start[name_len] == '=' || start[name_len] == ' ')) {
			snprintf(out, size, "%.*s", (int)strcspn(line, "\n"), line);
			return;
		}
	}
}

int kernel_config_missing(const char *fragment, const char *config, struct strv *missing)
{
	char want[512], name[256], now[512];
	int count = 0;

	for (const char *line = fragment; *line; line += strcspn(line, "\n") + !!line[strcspn(line, "\n")]) {
		size_t len = strcspn(line, "\n");

		if (len == 0 || len >= sizeof(want))
			continue;
		snprintf(want, sizeof(want), "%.*s", (int)len, line);
		bool unset = sscanf(want, "# %255[A-Z0-9_] is not set", name) == 1;

		if (!unset && (want[0] == '#' || sscanf(want, "%255[A-Z0-9_]=", name) != 1))
			continue;
		kernel_config_value(config, name, now, sizeof(now));
		/* An option Kconfig does not show at all is not set either. */
		if (!strcmp(now, want) || (unset && !strcmp(now, "absent")))
			continue;
		if (strv_addf(missing, "%s (now: %s)", want, now) < 0)
			return -ENOMEM;
		count++;
	}
	return count;
}

json_t *kernel_manifest_json(const struct kernel_manifest *m)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:f}",
			 "schema", "exitscope/kernel/v1", "id", m->id, "release", m->release,
			 "series", m->series, "source", m->source, "stock", m->stock,
			 "patch_sha256", m->patch_sha256, "config_sha256", m->config_sha256,
			 "compiler", m->compiler, "build_seconds", m->build_seconds);
}

int kernel_manifest_parse(json_t *doc, struct kernel_manifest *m, json_error_t *err)
{
	const char *schema;
	int stock;

	if (json_unpack_ex(doc, err, JSON_STRICT,
			   "{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:F}",
			   "schema", &schema, "id", &m->id, "release", &m->release,
			   "series", &m->series, "source", &m->source, "stock", &stock,
			   "patch_sha256", &m->patch_sha256, "config_sha256", &m->config_sha256,
			   "compiler", &m->compiler, "build_seconds", &m->build_seconds) < 0)
		return -EINVAL;
	if (strcmp(schema, "exitscope/kernel/v1")) {
		snprintf(err->text, sizeof(err->text), "schema %s, expected exitscope/kernel/v1", schema);
		return -EPROTO;
	}
	m->stock = stock;
	return 0;
}

/* The value of "KEY=" in @identity's lines, or NULL. */
static const char *identity_value(const char *identity, const char *key, int *len)
{
	size_t key_len = strlen(key);

	for (const char *at = identity; at && *at; at = strchr(at, '\n') ? strchr(at, '\n') + 1 : NULL) {
		if (!strncmp(at, key, key_len) && at[key_len] == '=') {
			*len = (int)strcspn(at + key_len + 1, "\n");
			return at + key_len + 1;
		}
	}
	return NULL;
}

void kernel_source_summary(const char *identity, char *out, size_t size)
{
	int package_len, version_len;
	const char *package = identity_value(identity, "PACKAGE", &package_len);
	const char *version = identity_value(identity, "VERSION", &version_len);

	if (package && version)
		snprintf(out, size, "%.*s %.*s", package_len, package, version_len, version);
	else
		snprintf(out, size, "%.*s", (int)strcspn(identity, "\n"), identity);
}
