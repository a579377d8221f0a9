/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the modules that parse a result file (result.c, result-blocks.c,
 * result-micro.c, result-timeline.c, result-repeat.c):
 * not for readers, which use result.h.  Nothing here prints; errors are
 * worded into @err by result_fail().
 */
#ifndef EXITSCOPE_RESULT_PARSE_H
#define EXITSCOPE_RESULT_PARSE_H

#include <jansson.h>

#include "result.h"

/* A strict json_unpack_ex() of @obj; the message is "WHERE: jansson's text". */
int result_unpack(json_t *obj, const char *where, struct result_error *err, const char *fmt, ...);

/* @value into @out, or -EINVAL naming WHERE.KEY when it is negative. */
int result_counter(json_int_t value, const char *where, const char *key, uint64_t *out,
		   struct result_error *err);

/* A window {total, cycles, by_reason} into @w; @where names it in @err. */
int result_parse_window(json_t *obj, const char *where, struct result_window *w,
			struct result_error *err);

/* How a window's numbers relate, for @r's kind of kernel (docs/design.md). */
int result_check_window(const struct result *r, const struct result_window *w, const char *where,
			struct result_error *err);

/*
 * The optional blocks (@obj NULL when absent), in this order: probe_own
 * needs the kernel, ISA, micro block and probe_cpuid_exits parsed, the
 * neighbor needs probe_own.
 */
int result_parse_probe_own(json_t *obj, struct result *r, struct result_error *err);
int result_parse_samples(json_t *samples, struct result *r, struct result_error *err);
int result_parse_neighbor(json_t *obj, struct result *r, struct result_error *err);

/* The optional "micro" block (@obj NULL when absent) into r->micro. */
int result_parse_micro(json_t *obj, struct result *r, struct result_error *err);

/* The optional "timeline" (@obj NULL when absent), after the micro block. */
int result_parse_timeline(json_t *obj, struct result *r, struct result_error *err);

/*
 * The optional "repeat" block (@obj NULL when absent), after the micro block
 * and "exits": every window checked like one, the spread and "exits" held
 * to the windows' medians (repeat.c).
 */
int result_parse_repeat(json_t *obj, struct result *r, struct result_error *err);

/* Frees what result_parse_repeat() allocated. */
void result_repeat_free(struct result_repeat *rep);

/* Frees what result_parse_micro() allocated. */
void result_micro_free(struct result_micro *m);

#endif
