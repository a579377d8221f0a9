/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where L2's boot time went, by L2's uptime, for the probe document's
 * l2_userspace_s and cloud_init (probe-doc.h): when L2's kernel ran init, and
 * when cloud-init's stages started and ended.  The parsers take text and
 * numbers, so that tests need no L2; probe_l2_boot_add() reads the files.
 * Nothing here prints: what cannot be read is left out of the document, since
 * these only place the measurement in L2's life and must never fail it.
 */
#ifndef EXITSCOPE_PROBE_L2_BOOT_H
#define EXITSCOPE_PROBE_L2_BOOT_H

#include <jansson.h>

/* The probe's own record in L2's kernel log: how the log's clock stands to the uptime. */
#define PROBE_KMSG_MARK "exitprobe: kernel log clock mark"

/*
 * The USEC of the last record in @records (/dev/kmsg's "PRIO,SEQ,USEC,
 * FLAGS;MESSAGE" lines; continuation lines begin with a space) whose MESSAGE
 * is @message, or with @message NULL is the kernel's "Run PATH as init
 * process", its line just before it executes init.  PID 1's own start time
 * (/proc/1/stat) would not do for that: PID 1 is the kernel thread that
 * initializes the drivers before it executes init, and an exec keeps a
 * process's start.  0, or -ENOENT when there is none (the ring overwrote it).
 */
int probe_kmsg_find(const char *records, const char *message, unsigned long long *usec);

/*
 * @usec of the kernel log's clock as L2's uptime (CLOCK_BOOTTIME), given that
 * the log's clock read @mark_usec when the uptime read @mark_s: the two run
 * alike once a clocksource is up, but the log's runs ahead by what early boot
 * lost on jiffies under emulation (6 s in a nested TCG run).  Truncated to
 * 10 ms as /proc/uptime is.  0, or -ERANGE when it would not be an uptime.
 */
int probe_kmsg_uptime(unsigned long long usec, unsigned long long mark_usec, double mark_s,
		      double *seconds);

/*
 * cloud-init's stages from the text of its status.json ({"v1": {STAGE:
 * {"start": EPOCH|null, "finished": EPOCH|null, ...}, ...}}), as the
 * document's cloud_init: [{stage, start_s, end_s?}] in cloud-init's order,
 * each epoch less @realtime_offset_s (CLOCK_REALTIME - CLOCK_BOOTTIME) and
 * rounded to the millisecond.  A stage without a start is left out, and so
 * is one that would start before boot or more than 2^31 s after it (the wall
 * clock was set in between); an end before its start is left out.  NULL when
 * no stage is left or @status is not such a file; else the caller owns it.
 */
json_t *probe_cloud_init_stages(const char *status, double realtime_offset_s);

/*
 * Adds l2_userspace_s from @kmsg (/dev/kmsg, read and written: the probe's
 * mark is one debug line in L2's kernel log) and cloud_init from @status
 * (cloud-init's status.json) to @doc, each where it can.
 */
void probe_l2_boot_add(json_t *doc, const char *kmsg, const char *status);

#endif
