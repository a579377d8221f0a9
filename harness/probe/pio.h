/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writes to port 0x80 through /dev/port: the pio workload's exits, and the
 * ones io adds with --pio.  Helpers here do not print; the caller owns the
 * struct and closes it.
 */
#ifndef EXITSCOPE_PIO_H
#define EXITSCOPE_PIO_H

struct pio {
	int fd;		/* /dev/port, or -1 */
};

#define PIO_DEVICE "/dev/port"

/* Nothing open yet: what pio_close() accepts as it is. */
#define PIO_CLOSED ((struct pio){ .fd = -1 })

/* Opens /dev/port for writing; -errno. */
int pio_open(struct pio *p);
/* @n one-byte writes to port 0x80; -errno, or -EIO for a short write. */
int pio_writes(const struct pio *p, unsigned long n);
void pio_close(struct pio *p);

#endif
