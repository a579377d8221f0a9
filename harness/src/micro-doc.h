/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitmicro's document (schema exitscope/micro/v1, written by
 * harness/micro/document.c) as a run reads it from out/micro.json: one
 * strict check, and what a result takes from it.  Helpers here do not
 * print; @err gets one line naming the key that is wrong.  A json_t *
 * returned is a new reference the caller owns.
 */
#ifndef EXITSCOPE_MICRO_DOC_H
#define EXITSCOPE_MICRO_DOC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "exitscope/abi.h"
#include "window.h"

#define MICRO_DOC_SCHEMA "exitscope/micro/v1"

/*
 * Every key and type; each reason's "exact" equal to caused == cpuid ==
 * debugfs == traced, and the document's to "some reason, all exact, no
 * error".  0; -ENOMSG for another schema; -EINVAL otherwise.  *@isa gets
 * the document's ISA when not NULL.
 */
int micro_doc_check(json_t *doc, enum exsc_isa *isa, char *err, size_t size);

/*
 * Per reason, summed over the actions that caused it: L1's debugfs counts
 * and cycles (@counted) and the kvm_exit histogram's counts (@traced), the
 * micro guest's own exits taken out; a count below zero (a kernel that
 * missed its own exits) as zero.  For a checked document; -E2BIG.
 */
int micro_doc_tables(json_t *doc, struct exit_table *counted, struct exit_table *traced);

/* The result's "micro" block (results/schema.json) from a checked document; NULL on ENOMEM. */
json_t *micro_doc_result(json_t *doc);

/* The micro guest's CPUID reads in its windows, two per measured action. */
uint64_t micro_doc_own_cpuid(json_t *doc);

#endif
