/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitscope as a LAVA citizen: the job definitions `exitscope lava` writes
 * (lava-job.c) and the job logs `exitscope lava collect` reads back
 * (lava-log.c).  Helpers here do not print; documents they return are the
 * caller's (json_decref()), strings in structs are owned by the struct.
 */
#ifndef EXITSCOPE_LAVA_H
#define EXITSCOPE_LAVA_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "launch.h"
#include "run.h"
#include "strv.h"

/*
 * On L1's kernel command line: L1 waits for LAVA's test shell instead of
 * running (the micro initramfs's init, the L1 image's exitscope-init).
 */
#define LAVA_L1_FLAG "exitscope.lava=1"
/*
 * What L1's init prints on the console in that mode, then its prompt
 * (guest-images/micro/init, guest-images/l1/exitscope-init).  LAVA waits
 * for the banner where it would wait for the kernel's own ("Linux
 * version"), which the micro stage's `quiet` keeps off the console.
 */
#define LAVA_MICRO_BANNER "exitscope micro L1: waiting for LAVA's test shell"
#define LAVA_NESTED_BANNER "exitscope L1: waiting for LAVA's test shell"
#define LAVA_L1_PROMPT "exitscope-l1# "
/*
 * The test definitions' names (lava/micro.yaml, lava/nested.yaml): LAVA
 * reports their cases as N_<name>.
 */
#define LAVA_TESTDEF_MICRO "exitscope-micro"
#define LAVA_TESTDEF_NESTED "exitscope-nested"
/* The checks L1 reports, one LAVA test case each. */
#define LAVA_CASES { "probe-status", "exactness", "oracle" }
#define LAVA_NR_CASES 3

/* Where a job's files sit beside the results: DIR/<kernel-id>/<scenario><suffix>. */
#define LAVA_JOB_SUFFIX ".lava.yaml"
#define LAVA_LOG_SUFFIX ".lava.log"

/* What a job boots: the micro stage's initramfs, or the L1 image with L2 inside. */
enum lava_kind {
	LAVA_MICRO,
	LAVA_NESTED,
};

/* A job's artifact: where the lab fetches it, and its checksum. */
struct lava_ref {
	const char *url;
	const char *sha256;
};

/* One scenario's job, from what `exitscope run` would boot. */
struct lava_job_plan {
	enum lava_kind kind;
	const char *scenario;
	const char *kernel_id;
	const char *image_id;		/* the micro initramfs's, or the L1 image's */
	const char *l2_image_id;	/* nested: the L2 image's */
	enum accel accel;
	const struct strv *machine;	/* launch_*_machine(): option, value pairs */
	const char *append;		/* L1's command line, without LAVA_L1_FLAG */
	struct lava_ref kernel;
	/*
	 * A gzipped newc cpio: the micro stage's initramfs, or a nested job's
	 * first stage with the run's inputs (lava/l1-ramdisk.sh).
	 */
	struct lava_ref ramdisk;
	struct lava_ref l1_disk;	/* nested: the L1 image, raw, /dev/vda */
	struct lava_ref l2_disk;	/* nested: L2's base, /dev/vdb, read-only */
	const json_t *testdef;		/* lava/micro.yaml or lava/nested.yaml, loaded; borrowed */
	unsigned int timeout_s;		/* the scenario's: exitmicro's limit, or L2's */
};

/*
 * The job for LAVA's qemu device type: the kernel and the initramfs
 * deployed to tmpfs with LAVA's overlay appended to the initramfs (and for
 * a nested job the two disks), booted with the harness's machine options in
 * the job's context (accelerator and -cpu in extra_options, -m as memory,
 * no_kvm so the device type adds no -cpu of its own) and its L1 command line
 * plus LAVA_L1_FLAG, then the test definition inline.  NULL with @err when
 * the plan cannot be one (an option without its value, ENOMEM).
 */
json_t *lava_job(const struct lava_job_plan *p, char *err, size_t size);

/* ---- job logs (lava-log.c) -------------------------------------------- */

/*
 * What a finished job's log holds for exitscope: LAVA's raw log, one
 * "{dt: ..., lvl: ..., msg: ...}" line per record (lava-run's output), or
 * "- {...}" (the server's, `lavacli jobs logs --raw`).  Strings are
 * malloc()ed, "" when absent.
 */
struct lava_evidence {
	char *console;		/* every target line, as L1's console log */
	char *status;		/* the framed status lines, decoded */
	char *document;		/* exitmicro's framed document, decoded; "" for a nested job */
	char *archive;		/* a nested job's out/, a gzipped tar, decoded; NULL for micro */
	size_t archive_len;
	char cpu_vendor[32];	/* L1's CPU vendor as it framed it, "" if not */
	bool end_seen;		/* the EXITSCOPE-END line, and its counts agreed */
	char qemu_version[256];	/* as `qemu-system-x86_64 --version` says it, "" if not logged */
	char first_dt[40], last_dt[40];	/* the log's first and last record times */
	int cases[LAVA_NR_CASES];	/* 1 pass, 0 fail, -1 not reported */
	int job;			/* lava's own "job" case: 1 pass, 0 fail, -1 none */
	char job_error[256];		/* its error_msg when it failed */
	size_t records;			/* log records read */
};

/*
 * Reads @text, a job log.  Lines that are not records (a cut log, other
 * output) are skipped.  0, -ENOMEM, or -EINVAL with @err when no record is
 * there, the framed evidence is incomplete (counts disagree) or is not
 * base64.  Free with
 * lava_evidence_free() whatever it returned.
 */
int lava_log_read(const char *text, struct lava_evidence *ev, char *err, size_t size);
void lava_evidence_free(struct lava_evidence *ev);

/*
 * Writes @ev into @run_dir as L0 would have: the console to l1-console.log,
 * the status lines to status.log, and exitmicro's document to
 * out/micro.json, or a nested job's out/ archive to LAVA_OUT_ARCHIVE, for
 * the caller to unpack.  0 or -errno.
 */
#define LAVA_OUT_ARCHIVE "out.tar.gz"
int lava_evidence_write(const char *run_dir, const struct lava_evidence *ev);

/*
 * The record `exitscope lava` prepared, updated from the job's log: the
 * QEMU version LAVA named, started and duration from the log's first and
 * last record, no L0 events or stage times (LAVA's log has them), and under
 * KVM the worker's CPU vendor as L1 reported it, and so L1's ISA.
 */
void lava_record_apply(struct run_record *rec, const struct lava_evidence *ev);

/*
 * LAVA's log line about the QEMU it started ("qemu-system-x86, installed at
 * version: 1:10.0.2+ds-2, host architecture: amd64", or "qemu, installed at
 * version: 10.0.2, ...") as the first line of `qemu-system-x86_64
 * --version` on that host ("QEMU emulator version 10.0.2 (Debian
 * 1:10.0.2+ds-2)").  0, or -EINVAL when @line is neither.
 */
int lava_qemu_version(const char *line, char *out, size_t size);

#endif
