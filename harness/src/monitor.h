/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's human monitor (HMP) on a unix socket: L1's CPU and APIC state read
 * when a stage times out, so that a stall leaves evidence (docs/nested-stall.md).
 */
#ifndef EXITSCOPE_MONITOR_H
#define EXITSCOPE_MONITOR_H

/* sun_path's size less its NUL: a longer socket path cannot be bound. */
#define MONITOR_PATH_MAX 107

/*
 * Connects to @sock, sends each of @cmds (NULL-terminated) and writes every
 * answer, prompts included, to @out (atomically).  An answer ends when QEMU
 * is silent for @quiet_ms.  0, or -errno.
 */
int monitor_dump(const char *sock, const char *const *cmds, const char *out, int quiet_ms);

#endif
