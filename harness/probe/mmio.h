/* SPDX-License-Identifier: GPL-2.0 */
/* The mmio workload's state and its /proc/iomem check, for its module and its tests. */
#ifndef EXITSCOPE_MMIO_H
#define EXITSCOPE_MMIO_H

#include <stdint.h>
#include <stdio.h>

struct mmio_state {
	int fd;				/* /dev/mem, or -1 */
	void *map;			/* the mapped page, or NULL ... */
	const volatile uint32_t *reg;	/* ... and the register in it */
};

/* 0 when @iomem (the text of /proc/iomem) has @name at @base; -ENODEV otherwise. */
int mmio_iomem_check(FILE *iomem, unsigned long base, const char *name);

#endif
