#!/usr/bin/env bats
# exitscope against hostile input, as a new user or a script would give it:
# every case exits with its documented code and a message that names the
# file or the option, and leaves no file behind.  Result readers, output
# targets, standard output, option parsing and dry runs.  No guest is
# booted and nothing is downloaded or built: the whole file runs in seconds.

bats_require_minimum_version 1.5.0

RESULTS=$BATS_TEST_DIRNAME/../harness/tests/data/results
REFERENCE=$BATS_TEST_DIRNAME/../results/reference

setup() {
	load helpers/common
	export EXITSCOPE_CACHE=$BATS_TEST_TMPDIR/cache
	mkdir -p "$EXITSCOPE_CACHE"
	# plot's temporary directories go here, so that leftovers can be counted.
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	cp "$RESULTS"/k61/*.json "$W/"
}

# Nothing but what the test put there: no temporary file beside a target, no plot directory.
assert_no_leftovers() {
	run find "$W" "$TMPDIR" -name '*.tmp' -o -name 'exitscope-plot.*'
	assert_output ""
}

has_gnuplot() {
	command -v gnuplot >/dev/null || skip "gnuplot is not installed (apt-get install gnuplot-nox)"
}

# ---- 1. -o never replaces what is not a regular file, nor an input ----------

@test "plot -o refuses a FIFO, a symlink, a directory and a device, exit 2, untouched" {
	mkfifo "$W/fifo"
	ln -s idle.json "$W/link.svg"
	mkdir "$W/dir"
	for target in fifo link.svg dir; do
		run -2 "$EXITSCOPE" plot "$W/idle.json" -o "$W/$target"
		assert_output --partial "refusing to replace $W/$target: it is a"
	done
	[ -p "$W/fifo" ] && [ -L "$W/link.svg" ] && [ -d "$W/dir" ]
	cmp "$W/idle.json" "$RESULTS/k61/idle.json"
	run -2 "$EXITSCOPE" plot "$W/idle.json" -o /dev/null
	assert_output --partial "refusing to replace /dev/null: it is a character device"
	[ -c /dev/null ]
	if [ "$(id -u)" = 0 ]; then
		# /dev/full's own numbers, in a place where a mistake harms nothing.
		mknod "$W/full" c 1 7
		run -2 "$EXITSCOPE" plot "$W/idle.json" -o "$W/full"
		assert_output --partial "it is a character device"
		[ -c "$W/full" ]
	fi
	assert_no_leftovers
}

@test "plot and report refuse to replace their own input, by any name" {
	run -2 "$EXITSCOPE" plot "$W/idle.json" -o "$W/idle.json"
	assert_output --partial "refusing to replace $W/idle.json: it is the input"
	ln "$W/cpuid.json" "$W/hard.json.bak"
	run -2 "$EXITSCOPE" plot "$W/cpuid.json" -o "$W/hard.json.bak"
	assert_output --partial "it is the input"
	run -2 "$EXITSCOPE" report "$W" -o "$W/cpuid.json"
	assert_output --partial "refusing to replace $W/cpuid.json: it is the input"
	run -2 "$EXITSCOPE" report "$W" --no-charts -o "$W/pio.json"
	assert_output --partial "it is the input"
	for f in cpuid idle pio; do cmp "$W/$f.json" "$RESULTS/k61/$f.json"; done
	# Refused before any work: no chart was drawn either.
	run ls "$W"
	refute_output --partial ".svg"
	assert_no_leftovers
}

@test "plot -o into a directory that does not exist: exit 2 naming it" {
	run -2 "$EXITSCOPE" plot "$W/idle.json" -o "$W/no/such/chart.svg"
	assert_output --partial "its directory $W/no/such"
	run -2 "$EXITSCOPE" report "$W" -o "$W/nope/REPORT.md"
	assert_output --partial "its directory $W/nope"
	assert_no_leftovers
}

@test "a write that fails (file size limit, as a full disk) keeps the old file: exit 3" {
	echo old >"$W/REPORT.md"
	# 1 block of 512 bytes: the report is larger.  SIGXFSZ ignored, the write fails as on a full disk.
	run -3 bash -c 'ulimit -f 1; trap "" XFSZ; exec "$0" report --no-charts "$1" -o "$1/REPORT.md"' \
		"$EXITSCOPE" "$W"
	assert_output --partial "cannot write $W/REPORT.md: File too large"
	[ "$(cat "$W/REPORT.md")" = old ]
	assert_no_leftovers
}

# ---- 3. standard output is checked -----------------------------------------

@test "a write error on standard output is exit 3 with a message, never success" {
	run -3 --separate-stderr bash -c '"$0" diff --json "$1" "$1" >/dev/full' \
		"$EXITSCOPE" "$W/cpuid.json"
	[[ $stderr == *"exitscope: diff: cannot write to standard output: No space left on device"* ]]
	run -3 --separate-stderr bash -c '"$0" diff "$1" "$2" >/dev/full' \
		"$EXITSCOPE" "$RESULTS/k61" "$RESULTS/k612"
	[[ $stderr == *"diff: cannot write to standard output"* ]]
	run -3 --separate-stderr bash -c '"$0" show "$1" >/dev/full' "$EXITSCOPE" "$W/cpuid.json"
	[[ $stderr == *"show: cannot write to standard output"* ]]
	run -3 --separate-stderr bash -c '"$0" show "$1" >&-' "$EXITSCOPE" "$W/cpuid.json"
	[[ $stderr == *"show: cannot write to standard output: Bad file descriptor"* ]]
	run -3 --separate-stderr bash -c '"$0" help diff >/dev/full' "$EXITSCOPE"
	run -3 --separate-stderr bash -c '"$0" --help >/dev/full' "$EXITPROBE"
	[[ $stderr == *"exitprobe: cannot write to standard output"* ]]
}
