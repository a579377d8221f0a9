// SPDX-License-Identifier: GPL-2.0
/*
 * Port 0x80 is the POST diagnostic port: writes to it are harmless and always
 * exit.  They go through /dev/port so the guest kernel executes the OUT at CPL0:
 * ioperm()'s TSS bitmap does not take effect in an L2 under emulated SVM (a user
 * OUT there raises #GP), and this path needs no bitmap at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "pio.h"
#include "workloads.h"

#define PIO_PORT 0x80

int pio_open(struct pio *p)
{
	p->fd = open(PIO_DEVICE, O_WRONLY | O_CLOEXEC);
	return p->fd < 0 ? -errno : 0;
}

int pio_writes(const struct pio *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned char value = (unsigned char)i;
		ssize_t written = pwrite(p->fd, &value, 1, PIO_PORT);

		if (written < 0)
			return -errno;
		if (written != 1)
			return -EIO;
	}
	return 0;
}

void pio_close(struct pio *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* The pio workload: its state is the open port. */
static void *pio_state_new(void)
{
	struct pio *p = malloc(sizeof(*p));

	if (p)
		*p = PIO_CLOSED;
	return p;
}

static int pio_setup(struct workload_ctx *ctx)
{
	ctx->what = PIO_DEVICE;
	return pio_open(ctx->state);
}

static int pio_run(probe_cpuid_fn cpuid, struct workload_ctx *ctx, json_t *figures)
{
	int r = pio_writes(ctx->state, ctx->args.n);

	(void)cpuid;
	if (!r)
		json_object_set_new(figures, "outb", json_integer((json_int_t)ctx->args.n));
	return r;
}

static void pio_state_free(void *state)
{
	pio_close(state);
	free(state);
}

const struct workload workload_pio = {
	.name = "pio", .param = "N", .fallback = 100000, .min = 0, .max = WORKLOAD_MAX_LOOP,
	.help = "N writes to port 0x80 via /dev/port (I/O exits)",
	.hint = "run as root, on a kernel without lockdown",
	.state_new = pio_state_new, .setup = pio_setup, .run = pio_run,
	.state_free = pio_state_free,
};
