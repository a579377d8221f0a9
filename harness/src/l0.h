/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which QEMU is L0.  Under TCG, the first one prepared of: the built one
 * (scripts/l0-qemu.sh: the installed QEMU's Debian source with the fixes of
 * both lost-update bugs of docs/nested-stall.md and the SVM flight
 * recorder), the fixed one (scripts/l0-fixed.sh: Debian's QEMU 11.1 from
 * trixie-backports in a root of its own, which has the interrupt_request
 * fix only), and the system's qemu-system-x86_64 from PATH.  $EXITSCOPE_L0
 * (auto, built, fixed or system) overrides.  Helpers here do not print;
 * the caller owns every buffer.
 */
#ifndef EXITSCOPE_L0_H
#define EXITSCOPE_L0_H

#include <limits.h>
#include <stdbool.h>

#include "launch.h"

enum l0_kind {
	L0_SYSTEM,	/* qemu-system-x86_64 from PATH */
	L0_FIXED,	/* the wrapper scripts/l0-fixed.sh prints */
	L0_BUILT,	/* the wrapper scripts/l0-qemu.sh prints */
	L0_KINDS
};

#define L0_ENV "EXITSCOPE_L0"
/* What reads a QEMU binary's fixes: "<fix> atomic|plain|unknown" per line. */
#define L0_FIX_STATUS_SCRIPT "scripts/l0-fix-status.sh"

/* Which L0s are prepared: bit (1 << kind) set for each. */
#define L0_READY(kind) (1u << (kind))

/*
 * The decision alone (pure): @setting is NULL, "", "auto" or a kind's
 * name; @ready holds L0_READY() bits.  Auto takes the built L0 under TCG
 * when it is ready, else the fixed one, else the system's (KVM and Bochs
 * do not emulate SVM in QEMU).  0, -EINVAL for another word, -ENOENT for a
 * named L0 that is not prepared (@kind then names it).
 */
int l0_decide(const char *setting, enum accel accel, unsigned int ready, enum l0_kind *kind);

struct l0_choice {
	enum l0_kind kind;
	char qemu[PATH_MAX];	/* what to execute: a path, or the name found in PATH */
};

/*
 * l0_decide() with the cache asked: @root is the checkout, whose scripts
 * (l0_script()) say with --find whether and where each L0 is prepared.
 * The same returns as l0_decide().
 */
int l0_choose(const char *root, const char *setting, enum accel accel, struct l0_choice *c);

const char *l0_kind_name(enum l0_kind kind);

/* The kind named @name ("built", "fixed", "system"): 0, or -EINVAL for another word. */
int l0_kind_parse(const char *name, enum l0_kind *kind);

/* The script that prepares @kind, relative to the checkout; NULL for the system's. */
const char *l0_script(enum l0_kind kind);

#endif
