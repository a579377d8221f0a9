// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void util_cache_dir(char *path, size_t size)
{
	const char *cache = getenv("EXITSCOPE_CACHE");
	const char *home = getenv("HOME");

	if (cache && *cache)
		snprintf(path, size, "%s", cache);
	else
		snprintf(path, size, "%s/.cache/exitscope", home ? home : "/root");
}

int util_read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t size = 0, cap = 0;
	char *buf = NULL;
	int r = 0;

	if (!f)
		return -errno;
	for (;;) {
		if (size + 4096 + 1 > cap) {
			char *grown = realloc(buf, cap = (cap + 4096) * 2);

			if (!grown) {
				r = -ENOMEM;
				break;
			}
			buf = grown;
		}
		size_t n = fread(buf + size, 1, cap - size - 1, f);

		size += n;
		if (n == 0)
			break;
	}
	if (!r && ferror(f))
		r = -EIO;
	fclose(f);
	if (r) {
		free(buf);
		return r;
	}
	buf[size] = '\0';
	*text = buf;
	if (len)
		*len = size;
	return 0;
}

/*
 * A new file beside @path, ".NAME.PID-N.tmp": O_EXCL, so that a name
 * someone left there (a link, a FIFO) is never opened, only skipped.
 */
static int util_open_beside(const char *path, char *tmp, size_t size)
{
	const char *slash = strrchr(path, '/');
	int dir_len = slash ? (int)(slash - path + 1) : 0;

	for (int n = 0; n < 100; n++) {
		int fd;

		if (util_pathf(tmp, size, "%.*s.%s.%d-%d.tmp", dir_len, path,
			       slash ? slash + 1 : path, (int)getpid(), n) < 0)
			return -ENAMETOOLONG;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

int util_buf_add(struct util_buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 4096) + len;
		char *text = realloc(b->text, cap);

		if (!text)
			return -ENOMEM;
		b->text = text;
		b->cap = cap;
	}
	memcpy(b->text + b->len, data, len);
	b->len += len;
	b->text[b->len] = '\0';
	return 0;
}

int util_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* A write that takes nothing and says nothing: the device is full. */
		if (n == 0)
			return -ENOSPC;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int util_write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[PATH_MAX];
	int fd = util_open_beside(path, tmp, sizeof(tmp)), r;

	if (fd < 0)
		return fd;
	r = util_write_all(fd, data, len);
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

void util_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char digest[32];
	unsigned int digest_len = 0;

	EVP_Digest(data, len, digest, &digest_len, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
	hex[64] = '\0';
}

int util_pathf(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int util_mkdirs(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

bool util_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

double util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int util_sha256_file(const char *path, char hex[65])
{
	unsigned char digest[32], buf[1 << 16];
	unsigned int digest_len = 0;
	EVP_MD_CTX *ctx;
	FILE *f = fopen(path, "re");
	size_t n;
	int r = 0;

	if (!f)
		return -errno;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		r = -ENOMEM;
	while (!r && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	if (!r && ferror(f))
		r = -EIO;
	if (!r)
		EVP_DigestFinal_ex(ctx, digest, &digest_len);
	EVP_MD_CTX_free(ctx);
	fclose(f);
	for (unsigned int i = 0; !r && i < 32; i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
	hex[r ? 0 : 64] = '\0';
	return r;
}

/*
 * The checkout is two levels above the binary (harness/build/exitscope):
 * the path the kernel executed, as the loader was told it, with its links
 * resolved.  No chdir() comes before this, so a relative one still holds.
 */
int util_checkout_root(char *root, size_t size)
{
	const char *env = getenv("EXITSCOPE_ROOT");
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	char exe[PATH_MAX];

	if (env && *env)
		return util_pathf(root, size, "%s", env);
	if (!execfn || !realpath(execfn, exe))
		return -ENOENT;
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			return -ENOENT;
		*slash = '\0';
	}
	return util_pathf(root, size, "%s", exe);
}

void util_print_tail(FILE *out, const char *path, int lines)
{
	char *text;
	size_t len;
	const char *start;
	int seen = 0;

	if (util_read_file(path, &text, &len) < 0)
		return;
	start = text + len;
	while (start > text && seen <= lines)
		if (*--start == '\n' && start + 1 < text + len)
			seen++;
	if (seen > lines)
		start++;
	fputs(start, out);
	free(text);
}

int util_for_each_line(const char *text, int (*line_fn)(const char *line, void *arg), void *arg)
{
	while (*text) {
		const char *eol = strchrnul(text, '\n');
		char line[512];
		int r;

		snprintf(line, sizeof(line), "%.*s", (int)(eol - text), text);
		if ((r = line_fn(line, arg)) != 0)
			return r;
		text = *eol ? eol + 1 : eol;
	}
	return 0;
}

const char *util_file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

int util_lock(const char *path, bool wait)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		int r = -errno;

		if (r != -EINTR) {
			close(fd);
			return r;
		}
	}
	return fd;
}
