// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "exec.h"
#include "l0.h"
#include "util.h"

static const char *const l0_names[L0_KINDS] = {
	[L0_SYSTEM] = "system",
	[L0_FIXED] = "fixed",
	[L0_BUILT] = "built",
};

static const char *const l0_scripts[L0_KINDS] = {
	[L0_FIXED] = "scripts/l0-fixed.sh",
	[L0_BUILT] = "scripts/l0-qemu.sh",
};

int l0_decide(const char *setting, enum accel accel, unsigned int ready, enum l0_kind *kind)
{
	/* Under TCG the L0 with more of the fixes first. */
	if (!setting || !*setting || !strcmp(setting, "auto")) {
		if (accel == ACCEL_TCG && (ready & L0_READY(L0_BUILT)))
			*kind = L0_BUILT;
		else if (accel == ACCEL_TCG && (ready & L0_READY(L0_FIXED)))
			*kind = L0_FIXED;
		else
			*kind = L0_SYSTEM;
		return 0;
	}
	if (l0_kind_parse(setting, kind) < 0)
		return -EINVAL;
	return *kind == L0_SYSTEM || (ready & L0_READY(*kind)) ? 0 : -ENOENT;
}

/* The wrapper @kind's script prints with --find, into @wrapper; false when not prepared. */
static bool l0_find(const char *root, enum l0_kind kind, char *wrapper, size_t size)
{
	char script[PATH_MAX];
	char *const find[] = { script, "--find", NULL };

	if (util_pathf(script, sizeof(script), "%s/%s", root, l0_scripts[kind]) < 0)
		return false;
	return exec_first_line(find, wrapper, size) && wrapper[0] == '/';
}

int l0_choose(const char *root, const char *setting, enum accel accel, struct l0_choice *c)
{
	char wrappers[L0_KINDS][PATH_MAX] = { [L0_SYSTEM] = "qemu-system-x86_64" };
	/* Bochs is L0 itself, and the system's QEMU needs no look-up. */
	bool look = accel != ACCEL_BOCHS && !(setting && !strcmp(setting, "system"));
	unsigned int ready = 0;
	int k, r;

	for (k = L0_FIXED; look && k < L0_KINDS; k++) {
		if (l0_find(root, k, wrappers[k], sizeof(wrappers[k])))
			ready |= L0_READY(k);
	}
	r = l0_decide(setting, accel, ready, &c->kind);
	if (r < 0)
		return r;
	return util_pathf(c->qemu, sizeof(c->qemu), "%s", wrappers[c->kind]);
}

const char *l0_kind_name(enum l0_kind kind)
{
	return l0_names[kind];
}

int l0_kind_parse(const char *name, enum l0_kind *kind)
{
	int k;

	for (k = 0; k < L0_KINDS; k++) {
		if (!strcmp(name, l0_names[k])) {
			*kind = k;
			return 0;
		}
	}
	return -EINVAL;
}

const char *l0_script(enum l0_kind kind)
{
	return l0_scripts[kind];
}
