// SPDX-License-Identifier: GPL-2.0
/* Result files on disk: opening one safely, loading it, and listing a folder of them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "result.h"
#include "util.h"

/*
 * A result is a regular file: a directory is not "invalid JSON", and a FIFO
 * or a device would be read forever.  O_NONBLOCK so that opening a FIFO
 * without a writer does not wait; a regular file ignores it.
 */
static FILE *result_open(const char *path, struct result_error *err, int *r)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *f;

	if (fd < 0 || fstat(fd, &st) < 0) {
		*r = result_fail(err, -errno, "%s: cannot read: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*r = result_fail(err, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL,
				 "%s: %s, not a result file", path, util_file_kind(st.st_mode));
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		*r = result_fail(err, -errno, "%s: cannot read: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

static int result_read_json(const char *path, json_t **doc, struct result_error *err)
{
	json_error_t jerr;
	int r = 0;
	FILE *f = result_open(path, err, &r);

	if (!f)
		return r;
	*doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!*doc)
		return result_fail(err, -EBADMSG, "%s: line %d column %d: not valid JSON: %s", path,
				   jerr.line, jerr.column, jerr.text);
	return 0;
}

int result_load(const char *path, struct result *r, struct result_error *err)
{
	struct result_error why;
	json_t *doc;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = result_read_json(path, &doc, err);
	if (ret)
		return ret;
	ret = result_parse(doc, r, &why);
	json_decref(doc);
	if (ret == -EPROTO || ret == -ENOMSG)
		return result_fail(err, ret, "%s: %s", path, why.text);
	if (ret)
		return result_fail(err, ret, "%s: not a valid %s result: %s", path, RESULT_SCHEMA,
				   why.text);
	r->path = path;
	return 0;
}

static int result_is_json_name(const struct dirent *entry)
{
	size_t len = strlen(entry->d_name);

	return entry->d_name[0] != '.' && len > 5 && !strcmp(entry->d_name + len - 5, ".json");
}

int result_list_dir(const char *dir, char ***names)
{
	struct dirent **entries;
	int n = scandir(dir, &entries, result_is_json_name, alphasort);
	bool complete = true;

	if (n < 0)
		return -errno;
	*names = calloc((size_t)n + 1, sizeof(**names));
	for (int i = 0; i < n; i++) {
		if (*names && !((*names)[i] = strdup(entries[i]->d_name)))
			complete = false;
		free(entries[i]);
	}
	free(entries);
	if (*names && complete)
		return n;
	result_free_names(*names, n);
	*names = NULL;
	return -ENOMEM;
}

void result_free_names(char **names, int n)
{
	for (int i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}
