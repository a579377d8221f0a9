/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two views L1 has of its KVM's exits: the patch's debugfs counters and
 * a kvm_exit histogram the micro guest arms under its own trigger name, so
 * that another reader's histogram on the same event is left alone.  Parsers
 * are pure; the file helpers return negative errno and do not print.
 */
#ifndef EXITSCOPE_MICRO_VIEWS_H
#define EXITSCOPE_MICRO_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MICRO_VIEW_MAX		512
#define MICRO_HIST_NAME		"exitscope_micro"
#define MICRO_HIST_TRIGGER	"hist:name=" MICRO_HIST_NAME ":keys=exit_reason:vals=hitcount:size=2048"

struct micro_view_entry {
	uint32_t reason;
	uint64_t count;
	uint64_t cycles;	/* the debugfs counters' cycles; 0 in a histogram */
};

/* Per-reason counts (and cycles) in the order read. */
struct micro_view {
	size_t n;
	struct micro_view_entry v[MICRO_VIEW_MAX];
};

/* Both views, read together. */
struct micro_views {
	struct micro_view counters, hist;
};

/*
 * "<reason> <name> <count> <cycles>" lines and a "total all ..." line;
 * -EINVAL on others, a line without its cycles among them.
 */
int micro_view_parse_counters(const char *text, struct micro_view *view);

/*
 * The histogram of the trigger named MICRO_HIST_NAME in a kvm_exit "hist"
 * file that may hold several; -ENOENT when it has none of that name,
 * -EBADMSG when its entries do not add up to its "Hits:".
 */
int micro_view_parse_hist(const char *text, struct micro_view *view);

/*
 * Whether a kvm_exit "trigger" file lists our trigger.  Removing a trigger
 * by its spec when ours is absent would remove an unnamed one with the same
 * keys, e.g. an agent's: only remove what this says is there.
 */
bool micro_hist_armed(const char *trigger_text);

/* What micro_hist_disarm() reads of a "trigger" file at most. */
#define MICRO_TRIGGER_TEXT_MAX	16384

/*
 * Take our trigger off through the kvm_exit "trigger" file at @trigger_path
 * when that file lists it (micro_hist_armed).  1 when it was listed and is
 * gone, 0 when it was not listed, -EBUSY when it is listed still after the
 * removal, -E2BIG when the file is longer than MICRO_TRIGGER_TEXT_MAX, or the
 * errno of reading the file.  Async-signal-safe (no allocation; open, read,
 * write, close and string searches only): a SIGTERM handler may call it.
 */
int micro_hist_disarm(const char *trigger_path);

/* The sum of counts over entries whose reason, masked with @mask, is @reason. */
uint64_t micro_view_count(const struct micro_view *view, uint32_t reason, uint32_t mask);

/* The same sum of cycles (a histogram's are 0). */
uint64_t micro_view_cycles(const struct micro_view *view, uint32_t reason, uint32_t mask);

/* The whole file at @path in *@text (NUL-terminated, the caller frees). */
int micro_file_read(const char *path, char **text);

/* Write @line to @path (a tracefs control file) in one write. */
int micro_file_write(const char *path, const char *line);

#endif
