// SPDX-License-Identifier: GPL-2.0
/*
 * The io workload: write MIB MiB to a scratch file, fsync, read it back and
 * compare, then --pio K writes to port 0x80.  O_DIRECT so that every chunk
 * reaches the (virtio) disk and comes back from it, which is what makes the
 * guest's I/O exits happen.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "disk.h"
#include "workloads.h"

#define DISK_CHUNK	(1UL << 20)
#define DISK_ALIGN	4096	/* the largest logical block size O_DIRECT may demand */

struct disk_totals {
	uint64_t written, read, operations;
	bool verified;
};

/*
 * Chunk @index's contents differ per chunk and per word, so a chunk read back
 * from the wrong offset, or zeros from a hole, do not compare equal.
 */
static void disk_fill(void *buf, uint64_t index)
{
	uint64_t *word = buf;

	for (uint64_t i = 0; i < DISK_CHUNK / sizeof(*word); i++)
		word[i] = (index << 32 | i) * 0x9E3779B97F4A7C15ULL;
}

/* A filesystem that refuses O_DIRECT refuses it here, with EINVAL. */
static int disk_try_direct(struct disk_state *d)
{
	int flags = fcntl(d->fd, F_GETFL);

	if (flags < 0)
		return -errno;
	if (fcntl(d->fd, F_SETFL, flags | O_DIRECT) < 0)
		return errno == EINVAL ? 0 : -errno;
	d->direct = true;
	return 0;
}

static int disk_drop_direct(struct disk_state *d)
{
	int flags = fcntl(d->fd, F_GETFL);

	if (flags < 0 || fcntl(d->fd, F_SETFL, flags & ~O_DIRECT) < 0)
		return -errno;
	d->direct = false;
	return 0;
}

static int disk_check_room(int fd, unsigned long mib)
{
	struct statvfs fs;

	if (fstatvfs(fd, &fs) < 0)
		return -errno;
	return (uint64_t)fs.f_bavail * fs.f_frsize / DISK_CHUNK < mib ? -ENOSPC : 0;
}

/*
 * O_EXCL: never overwrite a file that is not ours.  The name is unlinked at
 * once, so the scratch file is gone when the probe ends, however it ends.
 * O_DIRECT is set with fcntl() rather than open(), because an open() that
 * refuses it has already created the file.
 */
static int disk_setup(struct workload_ctx *ctx)
{
	struct disk_state *d = ctx->state;
	int r;

	if (!ctx->args.path)
		ctx->args.path = DISK_DEFAULT_PATH;
	ctx->what = ctx->args.path;
	d->fd = open(ctx->args.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (d->fd < 0)
		return -errno;
	if (unlink(ctx->args.path) < 0)
		return -errno;
	r = disk_check_room(d->fd, ctx->args.n);
	if (!r && !d->buffered)
		r = disk_try_direct(d);
	for (int i = 0; i < 2 && !r; i++)
		r = -posix_memalign(&d->buf[i], DISK_ALIGN, DISK_CHUNK);
	return r;
}

/* /dev/port first, and only when --pio asks for port writes. */
static int io_setup(struct workload_ctx *ctx)
{
	struct disk_state *d = ctx->state;
	int r = 0;

	if (ctx->args.pio) {
		ctx->what = PIO_DEVICE;
		r = pio_open(&d->port);
	}
	return r < 0 ? r : disk_setup(ctx);
}

/* One chunk, however many calls it takes; each call is an operation. */
static int disk_transfer(int fd, void *buf, off_t off, bool write, uint64_t *operations)
{
	size_t done = 0;

	while (done < DISK_CHUNK) {
		char *at = (char *)buf + done;
		ssize_t n = write ? pwrite(fd, at, DISK_CHUNK - done, off + (off_t)done)
				  : pread(fd, at, DISK_CHUNK - done, off + (off_t)done);

		++*operations;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* end of file inside what was written */
		done += (size_t)n;
	}
	return 0;
}

/* Some filesystems accept O_DIRECT on open and refuse the first write instead. */
static int disk_write(struct disk_state *d, unsigned long mib, struct disk_totals *t)
{
	for (uint64_t i = 0; i < mib; i++) {
		off_t off = (off_t)(i * DISK_CHUNK);
		int r;

		disk_fill(d->buf[0], i);
		r = disk_transfer(d->fd, d->buf[0], off, true, &t->operations);
		if (r == -EINVAL && d->direct && i == 0) {
			r = disk_drop_direct(d);
			if (!r)
				r = disk_transfer(d->fd, d->buf[0], off, true, &t->operations);
		}
		if (r < 0)
			return r;
		t->written += DISK_CHUNK;
	}
	return 0;
}

/* Without O_DIRECT the read would come from the page cache: write it back and drop it. */
static int disk_sync(const struct disk_state *d)
{
	if (fsync(d->fd) < 0)
		return -errno;
	return d->direct ? 0 : -posix_fadvise(d->fd, 0, 0, POSIX_FADV_DONTNEED);
}

/* Reads everything even after a mismatch, so the window's I/O is the same size. */
static int disk_read_verify(const struct disk_state *d, unsigned long mib,
			    struct disk_totals *t)
{
	t->verified = true;
	for (uint64_t i = 0; i < mib; i++) {
		int r = disk_transfer(d->fd, d->buf[1], (off_t)(i * DISK_CHUNK), false,
				      &t->operations);

		if (r < 0)
			return r;
		t->read += DISK_CHUNK;
		disk_fill(d->buf[0], i);
		if (memcmp(d->buf[0], d->buf[1], DISK_CHUNK))
			t->verified = false;
	}
	return 0;
}

static int io_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	struct disk_state *d = ctx->state;
	struct disk_totals t = { 0, 0, 0, false };
	int r;

	(void)cpuid;
	r = disk_write(d, ctx->args.n, &t);
	if (!r)
		r = disk_sync(d);
	if (!r)
		r = disk_read_verify(d, ctx->args.n, &t);
	if (!r && ctx->args.pio)
		r = pio_writes(&d->port, ctx->args.pio);
	if (r < 0)
		return r;
	json_object_update_new(figures, json_pack("{s:I, s:I, s:I, s:b, s:b, s:I}",
		"bytes_written", (json_int_t)t.written, "bytes_read", (json_int_t)t.read,
		"operations", (json_int_t)t.operations, "direct", d->direct,
		"verified", t.verified, "outb", (json_int_t)ctx->args.pio));
	return 0;
}

static void *io_state_new(void)
{
	struct disk_state *d = calloc(1, sizeof(*d));

	if (d) {
		d->fd = -1;
		d->port = PIO_CLOSED;
	}
	return d;
}

static void io_state_free(void *state)
{
	struct disk_state *d = state;

	for (int i = 0; i < 2; i++)
		free(d->buf[i]);
	if (d->fd >= 0)
		close(d->fd);
	pio_close(&d->port);
	free(d);
}

const struct workload workload_io = {
	.name = "io", .param = "MIB", .fallback = 16, .min = 1, .max = 1UL << 20,
	.options = WORKLOAD_OPT_PATH | WORKLOAD_OPT_PIO,
	.help = "write, fsync, read back MIB MiB on a scratch file (see below)",
	.hint = "--path must name a new file on a filesystem with room for MIB MiB; "
		"--pio needs root for /dev/port",
	.state_new = io_state_new, .setup = io_setup, .run = io_run, .state_free = io_state_free,
};
