/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which QEMU is L0.  Under TCG the fixed one (scripts/l0-fixed.sh: Debian's
 * QEMU 11.1 from trixie-backports in a root of its own, whose emulated SVM
 * updates interrupt_request atomically) when it has been prepared, else the
 * system's qemu-system-x86_64 from PATH.  $EXITSCOPE_L0 (auto, fixed or
 * system) overrides.  Helpers here do not print; the caller owns every
 * buffer.
 */
#ifndef EXITSCOPE_L0_H
#define EXITSCOPE_L0_H

#include <limits.h>
#include <stdbool.h>

#include "launch.h"

enum l0_kind {
	L0_SYSTEM,	/* qemu-system-x86_64 from PATH */
	L0_FIXED,	/* the wrapper scripts/l0-fixed.sh prints */
};

#define L0_ENV "EXITSCOPE_L0"
#define L0_SCRIPT "scripts/l0-fixed.sh"

/*
 * The decision alone (pure): @setting is NULL, "", "auto", "fixed" or
 * "system"; @fixed_ready says whether the fixed L0 is prepared.  Auto takes
 * the fixed one under TCG when it is ready, the system's otherwise (KVM and
 * Bochs do not emulate SVM in QEMU).  0, -EINVAL for another word, -ENOENT
 * for "fixed" when it is not prepared.
 */
int l0_decide(const char *setting, enum accel accel, bool fixed_ready, enum l0_kind *kind);

struct l0_choice {
	enum l0_kind kind;
	char qemu[PATH_MAX];	/* what to execute: a path, or the name found in PATH */
};

/*
 * l0_decide() with the cache asked: @root is the checkout (its
 * scripts/l0-fixed.sh --find says whether and where the fixed L0 is).
 * The same returns as l0_decide().
 */
int l0_choose(const char *root, const char *setting, enum accel accel, struct l0_choice *c);

const char *l0_kind_name(enum l0_kind kind);

#endif
