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

# ---- 4. exit codes and strict parsing: exit 2 before anything is built --------

@test "run: bad option values are exit 2, naming the option and its range" {
	run -2 "$EXITSCOPE" run cpuid --series 5.10
	assert_output "exitscope: run: --series must be 6.1 or 6.12, not '5.10'"
	for t in " 5" "+5" "5 " "-5" "0x10" "1e3" "0" "86401" "99999999999999999999" ""; do
		run -2 "$EXITSCOPE" run cpuid --timeout "$t"
		assert_output --partial "--timeout needs S, a whole number from 1 to 86400, not '$t'"
	done
	run -2 "$EXITSCOPE" run cpuid --retries 21
	assert_output --partial "--retries needs N, a whole number from 0 to 20, not '21'"
	run -2 "$EXITSCOPE" run cpuid --results ""
	assert_output --partial "--results needs DIR, not an empty word"
}

@test "a missing option value is named as missing, not as a bad option" {
	run -2 "$EXITSCOPE" run cpuid --timeout
	assert_output "exitscope: run: --timeout needs a value: --timeout S"
	run -2 "$EXITSCOPE" run cpuid --results --kernel 0123456789ab
	assert_output "exitscope: run: --results needs a value: --results DIR"
	run -2 "$EXITSCOPE" plot "$W/idle.json" -o
	assert_output "exitscope: plot: --output needs a value: --output CHART.svg"
	run -2 "$EXITSCOPE" diff --threshold
	assert_output --partial "--threshold needs a value"
	run -2 "$EXITSCOPE" run cpuid --time 5
	assert_output --partial "unknown option '--time'"
	run -2 "$EXITSCOPE" diff --json=yes "$W/cpuid.json" "$W/cpuid.json"
	assert_output --partial "--json takes no value"
}

@test "run --kernel with an unknown id: exit 2, said once; never a path" {
	run -2 --separate-stderr "$EXITSCOPE" run cpuid --kernel nosuch
	[ "$(wc -l <<<"$stderr")" = 1 ]
	[[ $stderr == *"--kernel needs ID, 12 hex digits as 'exitscope kernel list' shows them, not 'nosuch'"* ]]
	run -2 --separate-stderr "$EXITSCOPE" run cpuid --kernel 0123456789ab
	[ "$(wc -l <<<"$stderr")" = 1 ]
	[[ $stderr == *"no kernel 0123456789ab; 'exitscope kernel list' shows the built ones"* ]]
	run -2 "$EXITSCOPE" run cpuid --reassemble --kernel ../../x --results "$W"
	assert_output --partial "not '../../x'"
}

@test "diff: --min-count and --threshold are strict decimal numbers in range" {
	run -2 "$EXITSCOPE" diff --min-count 18446744073709551615 "$W/cpuid.json" "$W/cpuid.json"
	assert_output --partial "--min-count needs N, a whole number from 0 to 9223372036854775807"
	run -2 "$EXITSCOPE" diff --threshold 0x10 "$W/cpuid.json" "$W/cpuid.json"
	assert_output --partial "--threshold needs PCT, a number from 0 to 1000000"
	for t in inf nan " 5" 1e2 -1; do
		run -2 "$EXITSCOPE" diff --threshold "$t" "$W/cpuid.json" "$W/cpuid.json"
		assert_output --partial "not '$t'"
	done
	run -0 --separate-stderr "$EXITSCOPE" diff --json --min-count 9223372036854775807 \
		--threshold 2.5 "$W/cpuid.json" "$W/cpuid.json"
	jq -e '.min_count == 9223372036854775807 and .threshold_pct == 2.5' <<<"$output"
}

@test "plot and report: --top is 1 to 261" {
	for top in 0 262 99999999999999999999 " 3" +3; do
		run -2 "$EXITSCOPE" plot "$W/idle.json" -o "$W/x.svg" --top "$top"
		assert_output --partial "--top needs N, a whole number from 1 to 261, not '$top'"
		run -2 "$EXITSCOPE" report "$W" -o "$W/R.md" --top "$top"
	done
	[ ! -e "$W/x.svg" ] && [ ! -e "$W/R.md" ]
	assert_no_leftovers
}

@test "exitprobe is as strict as exitscope, with the same exit codes" {
	for n in " 5" +5 0x10 -1; do
		run -2 "$EXITPROBE" run idle 1 --samples "$n"
		assert_output --partial "--samples needs MS"
	done
	run -2 "$EXITPROBE" run cpuid " 5"
	run -2 "$EXITPROBE" snapshot --out
	assert_output --partial "--out needs a value: --out PATH"
}

# ---- 5. kernel build: inputs checked first, --dry-run touches nothing ---------

@test "kernel build checks --config and --source before anything is fetched" {
	run -2 "$EXITSCOPE" kernel build --dry-run --config "$W/no-such.config"
	assert_output "exitscope: kernel build: cannot read the config fragment $W/no-such.config: No such file or directory"
	run -2 "$EXITSCOPE" kernel build --config "$W/no-such.config"
	refute_output --partial "fetch-source"
	run -2 "$EXITSCOPE" kernel build --dry-run --source "$W"
	assert_output --partial "--source $W is not a kernel tree: it has no Makefile"
	run -2 "$EXITSCOPE" kernel build --source "$W/idle.json"
	assert_output --partial "--source $W/idle.json is not a directory"
	run -2 "$EXITSCOPE" kernel build --source "$W/nope"
	assert_output --partial "--source $W/nope: No such file or directory"
	[ -z "$(ls -A "$EXITSCOPE_CACHE")" ]
}

@test "kernel build --dry-run with no source in the cache prints the fetch and fetches nothing" {
	run -0 "$EXITSCOPE" kernel build --dry-run
	assert_output --partial "+ $EXITSCOPE_ROOT/kernel-patch/fetch-source.sh 6.1"
	assert_output --partial "dry run: the source is not in the cache"
	refute_output --partial "+ make"
	[ -z "$(ls -A "$EXITSCOPE_CACHE")" ]
}

# ---- 2. plot and report read every result the tool writes -------------------

@test "report of each stored reference folder: a report and a chart per result, exit 0" {
	has_gnuplot
	for ref in "$REFERENCE"/*/; do
		local name dir
		name=$(basename "$ref")
		dir=$W/$name
		mkdir "$dir"
		cp "$ref"/*.json "$dir/"
		run -0 "$EXITSCOPE" report "$dir" -o "$W/$name.md"
		for json in "$dir"/*.json; do
			grep -q "<svg" "${json%.json}.svg"
			grep -q "]($(basename "${json%.json}").svg)" "$W/$name.md" ||
				grep -q "$dir/$(basename "${json%.json}").svg)" "$W/$name.md"
		done
		run grep -c "not drawn" "$W/$name.md"
		assert_output 0
	done
	assert_no_leftovers
}

@test "plot of a stock result (no cycles) and of one reason, with and without samples" {
	has_gnuplot
	run -0 "$EXITSCOPE" plot "$REFERENCE/6.1-svm-tcg/stock.json" -o "$W/stock.svg"
	run -0 "$EXITSCOPE" plot "$RESULTS/kinds/one-reason.json" -o "$W/one.svg"
	run -0 "$EXITSCOPE" plot "$RESULTS/k61/idle.json" "$RESULTS/k612/idle.json" -o "$W/idle.svg"
	run -0 "$EXITSCOPE" plot "$REFERENCE/6.1-svm-tcg/stock.json" "$REFERENCE/6.1-svm-tcg/cpuid.json" \
		-o "$W/mixed.svg"
	for svg in stock one idle mixed; do grep -q "<svg" "$W/$svg.svg"; done
	assert_no_leftovers
}

@test "two results of one scenario in a folder get a chart each" {
	has_gnuplot
	cp "$RESULTS/k61-rerun/cpuid.json" "$W/cpuid-rerun.json"
	run -0 "$EXITSCOPE" report "$W" -o "$W/REPORT.md"
	grep -q "](cpuid.svg)" "$W/REPORT.md"
	grep -q "](cpuid-rerun.svg)" "$W/REPORT.md"
	! cmp -s "$W/cpuid.svg" "$W/cpuid-rerun.svg"
	assert_no_leftovers
}

@test "a chart that cannot be drawn is named in the report, which is still written" {
	run -3 --separate-stderr env PATH=/nonexistent "$EXITSCOPE" report "$W" -o "$W/REPORT.md"
	[ "$(grep -c "gnuplot not found" <<<"$stderr")" = 1 ]
	run grep -c "chart: not drawn: gnuplot not found" "$W/REPORT.md"
	assert_output 3
	assert_no_leftovers
}

@test "a failing gnuplot leaves no directory behind and says why" {
	mkdir "$W/bin"
	printf '#!/bin/sh\necho "chart.gp line 1: broken on purpose" >&2\nexit 1\n' >"$W/bin/gnuplot"
	chmod +x "$W/bin/gnuplot"
	run -3 env PATH="$W/bin:$PATH" "$EXITSCOPE" plot "$W/idle.json" -o "$W/idle.svg"
	assert_output --partial "gnuplot failed (1) drawing $W/idle.svg: chart.gp line 1: broken on purpose"
	[ ! -e "$W/idle.svg" ]
	rm -r "$W/bin"
	assert_no_leftovers
}

# ---- 7. result files: every broken one is exit 2 naming the file and the reason --

# Writes $W/bad/NAME.json from the k612 cpuid fixture through a jq filter.
broken() {
	mkdir -p "$W/bad"
	jq "$2" "$RESULTS/k612/cpuid.json" >"$W/bad/$1.json"
}

@test "show refuses results whose numbers do not add up, naming the field" {
	broken total-zero '.exits.total = 0'
	broken total-small '.exits.total = 1'
	# jq prints numbers this large as reals: put them in with sed.
	broken overflow '.exits.by_reason[0,1,2].count = 1111111 | .exits.total = 2222222'
	sed -i 's/1111111/7000000000000000000/; s/2222222/9223372036854775807/' "$W/bad/overflow.json"
	broken duration-zero '.duration_s = 0'
	broken samples-back '.samples = [{"t_ms": 5, "total": 9}, {"t_ms": 4, "total": 10}]'
	broken samples-fall '.samples = [{"t_ms": 5, "total": 9}, {"t_ms": 6, "total": 2}]'
	local -A why=(
		[total-zero]="exits.total is 0, but its reasons add up to 1006955"
		[total-small]="exits.total is 1, but its reasons add up to"
		[overflow]="exits.by_reason adds up to more than a 64-bit counter holds"
		[duration-zero]="duration_s is 0"
		[samples-back]="samples[1].t_ms is 4, not after samples[0]'s 5"
		[samples-fall]="samples[1].total falls from 9 to 2"
	)
	for name in "${!why[@]}"; do
		run -2 --separate-stderr "$EXITSCOPE" show "$W/bad/$name.json"
		assert_output ""
		[[ $stderr == *"$W/bad/$name.json: not a valid exitscope/result/v1 result: ${why[$name]}"* ]]
	done
	jq '.kernel.stock = true' "$REFERENCE/6.1-svm-tcg/stock.json" >/dev/null
	jq '.exits.total += 1' "$REFERENCE/6.1-svm-tcg/stock.json" >"$W/bad/stock-total.json"
	run -2 "$EXITSCOPE" show "$W/bad/stock-total.json"
	assert_output --partial "exits.total is 308041, but a stock kernel's window (the kvm_exit histogram)"
	jq '.exits.by_reason[0].cycles = 7 | .exits.cycles = 7' "$REFERENCE/6.1-svm-tcg/stock.json" \
		>"$W/bad/stock-cycles.json"
	run -2 "$EXITSCOPE" show "$W/bad/stock-cycles.json"
	assert_output --partial "exits.by_reason[0].cycles is 7, but a stock kernel's window"
}

@test "every stored result is valid under the same rules" {
	for f in "$REFERENCE"/*/*.json "$RESULTS"/k61/*.json "$RESULTS"/k612/*.json \
		"$RESULTS"/kinds/*.json "$RESULTS"/vmx/*.json; do
		run -0 "$EXITSCOPE" show "$f"
	done
}

@test "broken files of every kind: exit 2 with the file and the reason, never a hang" {
	mkdir -p "$W/bad"
	echo '[1, 2]' >"$W/bad/array.json"
	head -c -200 "$RESULTS/k612/cpuid.json" >"$W/bad/truncated.json"
	jq -c . "$RESULTS/k612/cpuid.json" | sed 's/^{/{"scenario":"x",/' >"$W/bad/duplicate.json"
	jq -c . "$RESULTS/k612/cpuid.json" | sed 's/"duration_s":[0-9.]*/"duration_s":NaN/' \
		>"$W/bad/nan.json"
	broken negative '.exits.by_reason[0].count = -5'
	jq -c . "$RESULTS/k612/cpuid.json" |
		sed 's/"total":1006955/"total":18446744073709551616/' >"$W/bad/huge.json"
	ln -s loop-b.json "$W/bad/loop-a.json"
	ln -s loop-a.json "$W/bad/loop-b.json"
	head -c 50000000 /dev/zero | tr '\0' ' ' >"$W/bad/whitespace.json"
	mkdir "$W/bad/dir.json"
	mkfifo "$W/bad/fifo.json"
	local -A why=(
		[array]="a JSON array, not an exitscope result"
		[truncated]="not valid JSON"
		[duplicate]="duplicate object key"
		[nan]="not valid JSON"
		[negative]="exits.by_reason[0].count is negative (-5)"
		[huge]="too big integer"
		[loop-a]="Too many levels of symbolic links"
		[whitespace]="not valid JSON"
		[dir]="a directory, not a result file"
		[fifo]="a FIFO, not a result file"
	)
	for name in "${!why[@]}"; do
		run -2 timeout 20 "$EXITSCOPE" show "$W/bad/$name.json"
		assert_output --partial "$W/bad/$name.json: "
		assert_output --partial "${why[$name]}"
	done
	# The same from diff, and report lists each under "Files not read".
	run -2 timeout 20 "$EXITSCOPE" diff "$W/cpuid.json" "$W/bad/fifo.json"
	assert_output --partial "$W/bad/fifo.json: a FIFO, not a result file"
	cp "$W/cpuid.json" "$W/bad/"
	run -2 timeout 60 "$EXITSCOPE" report --no-charts "$W/bad" -o "$W/R.md"
	for name in "${!why[@]}"; do grep -qF "$W/bad/$name.json: " "$W/R.md"; done
}

@test "diff of a folder and a missing path names the missing one" {
	run -2 "$EXITSCOPE" diff "$RESULTS/k61" "$W/nosuch"
	assert_output "exitscope: diff: $W/nosuch: No such file or directory"
	run -2 "$EXITSCOPE" diff "$W/nosuch" "$RESULTS/k61/cpuid.json"
	assert_output "exitscope: diff: $W/nosuch: No such file or directory"
	run -2 "$EXITSCOPE" diff "$RESULTS/k61" "$RESULTS/k61/cpuid.json"
	assert_output --partial "is a directory and"
}

# ---- 6. a result's strings are data, never terminal control or markup ---------

@test "show and diff print no terminal escape from a result's names or release" {
	mkdir -p "$W/esc"
	jq '.exits.by_reason[0].name = "\u001b[2Jevil" | .kernel.release = "6.1\u001b]0;title\u0007"
	    | .oracle.mismatches[0].explained = "x\u009b1m"' \
		"$RESULTS/k61/cpuid.json" >"$W/esc/cpuid.json"
	run -0 "$EXITSCOPE" show "$W/esc/cpuid.json"
	assert_output --partial "?[2Jevil"
	assert_output --partial "6.1?]0;title?"
	! grep -q $'\x1b' <<<"$output"
	! grep -q $'\x07' <<<"$output"
	! grep -q $'\xc2\x9b' <<<"$output"
	run -1 "$EXITSCOPE" diff "$RESULTS/k612/cpuid.json" "$W/esc/cpuid.json"
	assert_output --partial "6.12.117 -> 6.1?]0;title?"
	! grep -q $'\x1b' <<<"$output"
	# An escape in the file's text itself reaches no terminal through the error either.
	printf '{"schema": "\x1b[31mred"}' >"$W/esc/raw.json"
	run -2 "$EXITSCOPE" show "$W/esc/raw.json"
	! grep -q $'\x1b' <<<"$output"
}

@test "a micro result's actions, whys and errors reach no terminal as escapes" {
	mkdir -p "$W/esc"
	jq '.micro.reasons[5].action = "wr\u001b[2Jmsr" | .micro.reasons[0].name = "C\u001b]0;t\u0007"
	    | .micro.unsupported[0].why = "x\u009b1m" | .micro.errors[0].error = "e\u001bc"' \
		"$RESULTS/micro/vmx-inexact.json" >"$W/esc/micro.json"
	run -0 "$EXITSCOPE" show "$W/esc/micro.json"
	assert_output --partial "wr?[2Jmsr"
	assert_output --partial "hypercall: e?c"
	! grep -q $'\x1b' <<<"$output"
	! grep -q $'\x07' <<<"$output"
	! grep -q $'\xc2\x9b' <<<"$output"
	run -1 "$EXITSCOPE" diff "$RESULTS/micro/vmx.json" "$W/esc/micro.json"
	assert_output --partial "wr?[2Jmsr"
	! grep -q $'\x1b' <<<"$output"
}

@test "report escapes table and link syntax; chart links survive spaces and parentheses" {
	has_gnuplot
	mkdir -p "$W/md"
	jq '(.exits.by_reason[] | select(.reason == 114)).name = "cp|u*i_d"
	    | .kernel.release = "a|b\n# x <img src=x>"' \
		"$RESULTS/k612/cpuid.json" >"$W/md/my run (1).json"
	run -0 "$EXITSCOPE" report "$W/md" -o "$W/md/REPORT.md"
	run cat "$W/md/REPORT.md"
	assert_output --partial "| [my run (1)](#my-run-1) |"
	assert_output --partial "on kernel a\\|b # x \\<img src=x\\> ("
	assert_output --partial "](my%20run%20%281%29.svg)"
	# Every row of the summary table has its six cells: nothing split one.
	run awk -F'\\|' '/^\| \[/ { n = 0; for (i = 1; i <= NF; i++) if ($i !~ /\\$/) n++; print n }' \
		"$W/md/REPORT.md"
	assert_output 8
	grep -qF '| cp\|u\*i\_d (0x72) |' "$W/md/REPORT.md"
	[ -s "$W/md/my run (1).svg" ]
}

@test "diff --json keeps a pair whose path is not UTF-8" {
	mkdir -p "$W/a" "$W/b"
	cp "$W/cpuid.json" "$W/a/"$'\xff'".json"
	cp "$W/cpuid.json" "$W/b/"$'\xff'".json"
	run -0 --separate-stderr "$EXITSCOPE" diff --json "$W/a" "$W/b"
	jq -e '(.pairs | length) == 1 and (.pairs[0].a | endswith("/\\xFF.json"))' <<<"$output"
	run -0 "$EXITSCOPE" diff "$W/a" "$W/b"
	assert_output --partial "== ?"
}
