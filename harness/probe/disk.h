/* SPDX-License-Identifier: GPL-2.0 */
/* The io workload's state, for its module and for tests that stand in for its devices. */
#ifndef EXITSCOPE_DISK_H
#define EXITSCOPE_DISK_H

#include <stdbool.h>

#include "pio.h"

struct disk_state {
	bool buffered;		/* do not try O_DIRECT (tests force the fallback) */
	bool direct;		/* the scratch file is open with O_DIRECT */
	int fd;			/* the scratch file, or -1 */
	void *buf[2];		/* the chunk written, the chunk read back */
	struct pio port;	/* --pio: the port writes after the disk part */
};

#endif
