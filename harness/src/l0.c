// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "exec.h"
#include "l0.h"
#include "util.h"

int l0_decide(const char *setting, enum accel accel, bool fixed_ready, enum l0_kind *kind)
{
	if (!setting || !*setting || !strcmp(setting, "auto")) {
		*kind = accel == ACCEL_TCG && fixed_ready ? L0_FIXED : L0_SYSTEM;
		return 0;
	}
	if (!strcmp(setting, "system")) {
		*kind = L0_SYSTEM;
		return 0;
	}
	if (!strcmp(setting, "fixed")) {
		*kind = L0_FIXED;
		return fixed_ready ? 0 : -ENOENT;
	}
	return -EINVAL;
}

int l0_choose(const char *root, const char *setting, enum accel accel, struct l0_choice *c)
{
	char script[PATH_MAX], wrapper[PATH_MAX] = "";
	char *const find[] = { script, "--find", NULL };
	bool ready = false;
	int r;

	/* Bochs is L0 itself, and the system's QEMU needs no look-up. */
	if (accel != ACCEL_BOCHS && !(setting && !strcmp(setting, "system")) &&
	    util_pathf(script, sizeof(script), "%s/%s", root, L0_SCRIPT) == 0)
		ready = exec_first_line(find, wrapper, sizeof(wrapper)) && wrapper[0] == '/';
	r = l0_decide(setting, accel, ready, &c->kind);
	if (r < 0)
		return r;
	return util_pathf(c->qemu, sizeof(c->qemu), "%s",
			  c->kind == L0_FIXED ? wrapper : "qemu-system-x86_64");
}

const char *l0_kind_name(enum l0_kind kind)
{
	return kind == L0_FIXED ? "fixed" : "system";
}
