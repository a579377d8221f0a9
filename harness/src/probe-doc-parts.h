/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the probe document's validator shares between its two files:
 * probe-doc.c (the document, its windows and workload) and probe-doc-l2.c
 * (L2's own clocks).  Nothing else includes it.  As in probe-doc.h, nothing
 * here prints: a failure leaves one line in @err that names the key.
 */
#ifndef EXITSCOPE_PROBE_DOC_PARTS_H
#define EXITSCOPE_PROBE_DOC_PARTS_H

#include "probe-doc.h"

/* @obj is an object with exactly the keys of @fmt (JSON_STRICT); @where names it in @err. */
int probe_doc_unpack(json_t *obj, const char *where, char *err, size_t errsize,
		     const char *fmt, ...);

/* 0 when @ok, else -EINVAL and "@key is <@value's type>, not @want" in @err. */
int probe_doc_want(bool ok, const json_t *value, const char *key, const char *want,
		   char *err, size_t errsize);

/* The document's keys for L2's own clocks, each NULL where the document lacks it. */
struct probe_doc_l2_keys {
	json_t *uptime;		/* l2_uptime_s */
	json_t *uptime_end;	/* l2_uptime_end_s */
	json_t *userspace;	/* l2_userspace_s */
	json_t *cloud_init;	/* cloud_init */
};

/* Checks @keys and fills @d's L2 clocks: 0, or -EINVAL with @err set. */
int probe_doc_l2(const struct probe_doc_l2_keys *keys, struct probe_doc *d, char *err,
		 size_t errsize);

#endif
