# exitscope: see README.md.  `make test` is what CI runs.
SHELL     := /bin/bash
EXITSCOPE := harness/build/exitscope
BATS      := bats --print-output-on-failure
# bats' TAP passed through as it comes, then one summary line.
BATS_SUM  := awk '{ print; fflush() } /^ok / { n++ } /^ok .* \# skip/ { s++ } /^not ok / { n++; f++ } \
	END { printf "bats: %d tests, %d failures, %d skipped\n", n, f, s }'
# Scenarios that fit CI's 90 minutes on a cold 2-core TCG host: the nested
# ones tagged slow (boot, idle, io, stock: a few minutes each) run in
# make test-nested.
CI_TAGS   ?= !needs-kvm,!slow

all: deps
	$(MAKE) -C harness all

deps:
	@scripts/deps.sh

test: all
	$(MAKE) -C harness test
	$(MAKE) lint
	kernel-patch/check-patch.sh
	$(MAKE) prebuild
	@if ls scenarios/*.bats >/dev/null 2>&1; then \
		set -o pipefail; $(BATS) --filter-tags '$(CI_TAGS)' scenarios/ | $(BATS_SUM); fi

# What the scenarios boot, built (or found in the cache) as steps of their
# own: on a fresh machine these are the long stages, and here they are named
# and timed on the terminal and in CI's log instead of inside a bats test.
# The L2 kernel is the unpatched source with L1's config, the kernel most
# scenarios' L2 boots (scenarios.cfg, column L2): after L1's build ccache
# holds nearly all of its objects.  The built
# L0 QEMU is what every TCG run starts as L0 once it is prepared.
prebuild: all l0
	$(EXITSCOPE) kernel build --series 6.1
	$(EXITSCOPE) kernel build --stock
	$(EXITSCOPE) images build
	$(EXITSCOPE) images build --micro

# The L0 QEMUs for TCG (docs/nested-stall.md): the built one
# (scripts/l0-qemu.sh), the installed QEMU's Debian source with the fixes of
# both lost updates, which runs use, 5.5 minutes cold on 2 cores, 1 with
# ccache warm; and the fixed one (scripts/l0-fixed.sh), QEMU 11.1 from
# trixie-backports in a root of its own with the interrupt_request fix only,
# kept to compare with, about a minute cold.  Cache hits after.
l0: deps
	scripts/l0-fixed.sh >/dev/null
	scripts/l0-qemu.sh >/dev/null

lint:
	$(MAKE) -C harness lint
	shellcheck -x .ci/run scripts/*.sh lava/*.sh $(wildcard kernel-patch/*.sh guest-images/*.sh guest-images/*/*.sh)
	shellcheck -s sh harness/agent/exitscope-agent guest-images/l1/exitscope-init guest-images/l2/exitscope-l2-init guest-images/l2/exitscope-port \
		guest-images/micro/init guest-images/micro/micro-run guest-images/micro/micro-lava \
		guest-images/l1/exitscope-lava lava/l1-stage-init \
		scenarios/helpers/orphan-agent scenarios/helpers/fake-exitmicro

test-nested: prebuild
	@set -o pipefail; $(BATS) scenarios/ | $(BATS_SUM)

scenario: prebuild
	@test -n "$(NAME)" || { echo "usage: make scenario NAME=idle" >&2; exit 2; }
	@set -o pipefail; $(BATS) scenarios/$(NAME).bats | $(BATS_SUM)

diff: all
	@test -n "$(A)" -a -n "$(B)" || { echo "usage: make diff A=a.json B=b.json" >&2; exit 2; }
	$(EXITSCOPE) diff $(A) $(B)

# Benchmarks write JSON under results/bench/; they are not part of make test.
bench: bench-cost bench-stages bench-kernel

# What counting costs one exit: stock vs patched vs the tracepoint ways.
bench-cost: all
	scripts/bench-cost.sh $(or $(SERIES),6.1)

# Where a warm run's time goes: N runs of a scenario, each timeline gap's spread.
bench-stages: all
	scripts/bench-stages.sh $(or $(N),5) $(or $(NAME),cpuid)

bench-kernel: all
	scripts/bench-kernel.sh

# The nested chain N times without retries: stalls and stage times
# (docs/nested-stall.md).
soak: all l0
	scripts/soak.sh $(or $(N),50) $(or $(NAME),kboot)

check-patch: deps
	kernel-patch/check-patch.sh

clean:
	$(MAKE) -C harness clean

.PHONY: all deps test prebuild l0 lint test-nested scenario diff bench bench-cost bench-stages bench-kernel soak check-patch clean
