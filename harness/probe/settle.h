/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Before the window opens: let what was written to the terminals the guest
 * writes through (the probe's own stdout and stderr, /dev/console) be sent
 * first.  A serial console sends under interrupts after write() returns, each
 * byte a port I/O exit, so output queued just before the first snapshot
 * would be counted as the workload's.
 */
#ifndef EXITSCOPE_PROBE_SETTLE_H
#define EXITSCOPE_PROBE_SETTLE_H

#include <stdbool.h>

/* Waits until every such terminal's output queue and transmitter are empty, or @limit_ms. */
bool probe_settle_console(unsigned int limit_ms);

#endif
