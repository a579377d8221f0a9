// SPDX-License-Identifier: GPL-2.0
/* exitmicro check's VM: the grader's CPUIDs served inside a micro guest (check-run.h). */
#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <asm/vmx.h>

#include "check-output.h"
#include "account.h"
#include "check-run.h"
#include "exitscope/reasons.h"
#include "measure.h"
#include "vm.h"

#define MSR_IA32_MISC_ENABLE	0x1a0

/*
 * The grader's CPUID callback has no context: the VM that serves it, and
 * the first error, which turns every later call into a no-op.  The LAPIC
 * VM, when there is one, serves the actions that need it.
 */
static struct micro_vm *served, *served_lapic;
static unsigned int served_timeout_s;
static uint64_t served_cpuids;
static int served_err;

static int blame(struct micro_check *c, const char *what, int r)
{
	if (r < 0 && !c->failed)
		c->failed = what;
	return r;
}

/* One request; the guest signals SERVE when it is done and waits for the next. */
static int serve_in(struct micro_vm *vm, uint64_t request)
{
	if (served_err)
		return served_err;
	micro_vm_mailbox_set(vm, MB_REQUEST, request);
	served_err = micro_vm_run_until(vm, MICRO_PORT_SERVE, served_timeout_s);
	return served_err;
}

static int serve(uint64_t request)
{
	return serve_in(served, request);
}

static void serve_cpuid(uint32_t leaf, uint32_t subleaf, struct exsc_regs *out)
{
	uint64_t lo, hi;

	*out = (struct exsc_regs){ 0 };
	micro_vm_mailbox_set(served, MB_LEAF, leaf);
	micro_vm_mailbox_set(served, MB_SUBLEAF, subleaf);
	if (serve(MICRO_REQ_CPUID))
		return;
	served_cpuids++;
	lo = micro_vm_mailbox_get(served, MB_REGS);
	hi = micro_vm_mailbox_get(served, MB_REGS + 8);
	*out = (struct exsc_regs){ (uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi,
				   (uint32_t)(hi >> 32) };
}

/* @count VM-entries that fail on invalid guest state, each checked to be that exit. */
static int entry_fails(uint64_t count)
{
	const uint32_t expected = 0x80000000u | EXIT_REASON_INVALID_STATE;

	for (uint64_t i = 0; i < count && !served_err; i++) {
		uint32_t reason = 0;

		served_err = micro_vm_entry_fail(served, &reason);
		if (!served_err && reason != expected)
			served_err = -EPROTO;
	}
	return served_err;
}

/* Action @i of the plan, @count times, in the VM that can take it. */
static int serve_action(const struct micro_check *c, size_t i, uint64_t count)
{
	struct micro_vm *vm = c->plan.action[i]->needs & MICRO_NEEDS_LAPIC ? served_lapic : served;

	if (c->plan.cause[i].op == MICRO_CHECK_OP_ENTRY_FAIL)
		return served_err ? served_err : entry_fails(count);
	micro_vm_mailbox_set(vm, MB_OP, c->plan.cause[i].op);
	micro_vm_mailbox_set(vm, MB_COUNT, count);
	return serve_in(vm, MICRO_REQ_OP);
}

/* One timed CPUID round trip and, beside it, one CPUID exit's charge (0: the map has no cycles). */
struct span_sample {
	uint64_t round_trip, charge;
};

static int cmp_span_share(const void *a, const void *b)
{
	const struct span_sample *x = a, *y = b;
	/* x's share of its round trip against y's, without a division. */
	long double share_x = (long double)x->charge * y->round_trip;
	long double share_y = (long double)y->charge * x->round_trip;

	return (share_x > share_y) - (share_x < share_y);
}

static int cmp_round_trip(const void *a, const void *b)
{
	const struct span_sample *x = a, *y = b;

	return (x->round_trip > y->round_trip) - (x->round_trip < y->round_trip);
}

/* Whether the map has a cycles field, so that pair_charge() has a charge to read. */
static bool map_has_cycles(const struct exsc_map *map)
{
	return exsc_map_has(map, EXSC_FIELD_REASON_CYCLES) ||
	       exsc_map_has(map, EXSC_FIELD_TOTAL_CYCLES);
}

/*
 * One CPUID exit's charge as two back-to-back CPUIDs of the map's cycles
 * leaf see it: the CPUID reason's cycles where the map has per-reason
 * cycles, the total's otherwise.
 */
static int pair_charge(const struct micro_check *c, uint64_t *charge)
{
	bool per_reason = exsc_map_has(c->map, EXSC_FIELD_REASON_CYCLES);
	enum exsc_field field = per_reason ? EXSC_FIELD_REASON_CYCLES : EXSC_FIELD_TOTAL_CYCLES;
	struct exsc_regs first, second;

	*charge = 0;
	if (!exsc_map_has(c->map, field))
		return 0;
	micro_vm_mailbox_set(served, MB_LEAF, c->map->field[field].leaf);
	micro_vm_mailbox_set(served, MB_SUBLEAF, per_reason ? reasons_cpuid(c->isa) : 0);
	if (serve(MICRO_REQ_PAIR))
		return served_err;
	served_cpuids += 2;
	micro_vm_mailbox_regs(served, MB_REGS, &first);
	micro_vm_mailbox_regs(served, MB_PAIR, &second);
	*charge = exsc_map_value(c->map, field, &second) - exsc_map_value(c->map, field, &first);
	return 0;
}

/*
 * The span rule's figures: MICRO_CHECK_TIMINGS round trips, each timed next
 * to one exit's charge, and the sample whose charge is the median share of
 * its round trip.  An emulated host's speed can change twofold between one
 * second and the next, so a round trip is only compared with a charge taken
 * beside it.  A map without cycles keeps the median round trip and no charge.
 */
static int span_figures(const struct micro_check *c, uint64_t *round_trip, uint64_t *charge)
{
	struct span_sample s[MICRO_CHECK_TIMINGS];

	for (size_t i = 0; i < MICRO_CHECK_TIMINGS; i++) {
		if (serve(MICRO_REQ_TIME))
			return served_err;
		s[i].round_trip = micro_vm_mailbox_get(served, MB_ROUND_TRIP);
		if (pair_charge(c, &s[i].charge))
			return served_err;
	}
	qsort(s, MICRO_CHECK_TIMINGS, sizeof(s[0]),
	      map_has_cycles(c->map) ? cmp_span_share : cmp_round_trip);
	*round_trip = s[MICRO_CHECK_TIMINGS / 2].round_trip;
	*charge = s[MICRO_CHECK_TIMINGS / 2].charge;
	return 0;
}

static enum exsc_isa vendor_isa(void)
{
	unsigned int eax, regs[3];
	char vendor[13];

	__cpuid(0, eax, regs[0], regs[2], regs[1]);
	memcpy(vendor, regs, 12);
	vendor[12] = '\0';
	return micro_check_isa(vendor);
}

static int hist_read(const char *path, struct micro_view *view)
{
	char *text;
	int r = micro_file_read(path, &text);

	if (r)
		return r;
	r = micro_view_parse_hist(text, view);
	free(text);
	return r;
}

/* Whether the counters are this VM's alone (exitscope_scope=vm): then its anchor is known. */
static bool scope_is_vm(const char *path)
{
	char value[16] = "";
	FILE *f = path ? fopen(path, "re") : NULL;

	if (!f)
		return false;
	if (!fgets(value, sizeof(value), f))
		value[0] = '\0';
	fclose(f);
	return !strncmp(value, "vm", 2) && (value[2] == '\n' || !value[2]);
}

/* Every action once, so that first-time exits (an MMIO page's) stay outside the window. */
static int warm_up(struct micro_check *c)
{
	int r = 0;

	for (size_t i = 0; i < c->plan.n && !r; i++)
		r = serve_action(c, i, 1);
	return blame(c, "the warm-up", r);
}

/* The window: a snapshot, every action K times between two histogram reads, a snapshot. */
static int window(struct micro_check *c)
{
	int r = 0;

	/* Host-wide counters that began with this check: the histogram has every exit they have. */
	if (c->first_vm && !c->vm_scoped)
		r = blame(c, c->hist_path, hist_read(c->hist_path, &c->hist_anchor));
	if (r)
		return r;
	check_window_begin(c->map, c->isa, serve_cpuid, &c->window);
	r = blame(c, "the window's first snapshot", served_err);
	if (!r)
		r = blame(c, c->hist_path, hist_read(c->hist_path, &c->hist_before));
	for (size_t i = 0; i < c->plan.n && !r; i++)
		r = blame(c, c->plan.action[i]->name, serve_action(c, i, c->k));
	if (!r)
		r = blame(c, c->hist_path, hist_read(c->hist_path, &c->hist_after));
	if (r)
		return r;
	check_window_end(c->map, c->isa, serve_cpuid, &c->window);
	return blame(c, "the window's last snapshot", served_err);
}

/*
 * The self-count rule's anchor, the CPUID exits the counters had before the
 * window's first read: one VM's own, its warm-up's; host-wide ones that
 * began with this check, every one the histogram saw before the window.
 */
static bool cpuid_anchor(const struct micro_check *c, uint64_t *before)
{
	if (c->vm_scoped && c->map->discovery) {
		*before = micro_check_warmup_cpuids(c->isa, &c->plan);
		return true;
	}
	if (!c->vm_scoped && c->first_vm) {
		*before = micro_view_count(&c->hist_anchor, reasons_cpuid(c->isa),
					   micro_hist_mask(c->isa));
		return true;
	}
	return false;
}

static int grade(struct micro_check *c)
{
	int r;

	c->in = (struct check_input){ .map = c->map, .isa = c->isa, .cpuid = serve_cpuid,
				      .window = &c->window, .caused = c->caused };
	c->in.has_cpuid_before = cpuid_anchor(c, &c->in.cpuid_before);
	c->in.nr_caused = micro_check_caused(c->isa, &c->plan, c->k, &c->hist_before,
					     &c->hist_after, c->caused, CHECK_MAX_REASONS);
	r = blame(c, "the timed round trips and cycles reads",
		  span_figures(c, &c->in.round_trip_cycles, &c->in.pair_cycles));
	if (r)
		return r;
	r = blame(c, "the grader", check_grade(&c->in, &c->report));
	return r ? r : blame(c, "the grader's CPUIDs", served_err);
}

/* Runs guest.S in check mode up to its first SERVE: it waits for requests then. */
static int start_guest(struct micro_check *c, struct micro_vm *vm)
{
	micro_vm_mailbox_set(vm, MB_SERVE, 1);
	micro_vm_mailbox_set(vm, MB_MSR, MSR_IA32_MISC_ENABLE);
	return blame(c, "the guest's start", micro_vm_run_until(vm, MICRO_PORT_SERVE, c->timeout_s));
}

static int check_in_vms(struct micro_check *c, struct micro_vm *vm, struct micro_vm *lapic)
{
	int r;

	served = vm;
	served_lapic = lapic;
	served_timeout_s = c->timeout_s;
	served_cpuids = 0;
	served_err = 0;
	r = start_guest(c, vm);
	if (!r && lapic)
		r = start_guest(c, lapic);
	if (!r)
		r = warm_up(c);
	if (!r)
		r = window(c);
	if (!r)
		r = grade(c);
	c->cpuids = served_cpuids;
	served = served_lapic = NULL;
	return r;
}

static bool plan_needs(const struct micro_check_plan *plan, unsigned int needs)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->action[i]->needs & needs)
			return true;
	return false;
}

int micro_check_run(struct micro_check *c)
{
	double start = micro_now();
	struct micro_vm vm, lapic;
	bool has_lapic;
	int r;

	c->failed = NULL;
	c->isa = vendor_isa();
	if (c->isa == EXSC_ISA_NONE)
		return blame(c, "the CPU vendor", -ENODEV);
	/* One VM's counters cannot see a second VM's exits: then no LAPIC VM. */
	c->vm_scoped = scope_is_vm(c->scope_path);
	r = blame(c, "KVM_GET_SUPPORTED_CPUID", micro_vm_host(c->isa, &c->host));
	if (!r)
		r = blame(c, "the plan", micro_check_plan(c->isa, &c->host,
							  c->vm_scoped ? 0 : MICRO_CHECK_NEEDS,
							  &c->plan));
	if (!r)
		r = blame(c, "a VM on /dev/kvm", micro_vm_create(&vm, 0));
	if (r)
		return r;
	has_lapic = plan_needs(&c->plan, MICRO_NEEDS_LAPIC);
	if (has_lapic)
		r = blame(c, "a VM with the in-kernel LAPIC", micro_vm_create(&lapic, MICRO_NEEDS_LAPIC));
	if (!r)
		r = check_in_vms(c, &vm, has_lapic ? &lapic : NULL);
	if (has_lapic)
		micro_vm_destroy(&lapic);
	micro_vm_destroy(&vm);
	c->seconds = micro_now() - start;
	return r;
}

json_t *micro_check_doc(const struct micro_check *c)
{
	json_t *doc = check_report_json(&c->in, &c->report), *actions = json_array();
	struct utsname uts;

	if (!doc || !actions || uname(&uts)) {
		json_decref(doc);
		json_decref(actions);
		return NULL;
	}
	for (size_t i = 0; i < c->plan.n; i++)
		json_array_append_new(actions, json_string(c->plan.action[i]->name));
	if (json_object_set_new(doc, "actions", actions) ||
	    json_object_set_new(doc, "k", json_integer((json_int_t)c->k)) ||
	    json_object_set_new(doc, "cpuids", json_integer((json_int_t)c->cpuids)) ||
	    json_object_set_new(doc, "release", json_string(uts.release)) ||
	    json_object_set_new(doc, "seconds", json_real(c->seconds))) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}
