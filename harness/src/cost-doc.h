/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitmicro cost's document (schema exitscope/cost/v1, written by
 * harness/micro/cost.c) as `exitscope bench cost` reads it from
 * out/micro.json: one strict check, shared with the writer's unit tests.
 * Helpers here do not print; @err gets one line naming what is wrong.
 */
#ifndef EXITSCOPE_COST_DOC_H
#define EXITSCOPE_COST_DOC_H

#include <jansson.h>
#include <stddef.h>

#define COST_DOC_SCHEMA "exitscope/cost/v1"

/*
 * Every key and type; per mode (plain, event, hist, no other) as many
 * ticks as windows, and per_exit's median, min and max those of the ticks
 * over n.  0; -ENOMSG for another schema; -EINVAL otherwise.
 */
int cost_doc_check(json_t *doc, char *err, size_t size);

/* A checked document's per-exit median of @mode ("plain", "event", "hist"). */
double cost_doc_per_exit(json_t *doc, const char *mode);

#endif
