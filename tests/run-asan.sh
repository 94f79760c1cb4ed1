#!/bin/sh
# make asan: run the unit tests and the fuzz replays built with ASan and
# UBSan (in DIR, default build-asan). A test fails on its own checks or on
# any sanitizer report (a leak included); the summary line is as
# tests/run-tests.sh prints it.
cd "$(dirname "$0")/.." || exit 1
dir=${1:-build-asan}
mkdir -p tests/out/asan
XDG_CACHE_HOME=$(mktemp -d "${TMPDIR:-/tmp}/convprof-cache.XXXXXX")
export XDG_CACHE_HOME
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
# the hook library of this build, loaded into sanitized test processes
CONVPROF_HOOK="$PWD/$dir/libconvprof-hook.so"
export CONVPROF_HOOK
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/asan.supp:print_suppressions=0}
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
pass=0 fail=0 skipped=0
failures=""

check() {	# check NAME LOG RC
	p=$(grep -c '^ok ' "$2")
	s=$(grep -c '^ok .*# SKIP' "$2")
	f=$(grep -c '^not ok ' "$2")
	p=$((p - s))
	if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$2"; then
		f=$((f + 1))
		echo "not ok - $1: sanitizer report" >>"$2"
	elif [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $1 exited with status $3" >>"$2"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + s))
	printf '%-28s %3d passed, %d failed, %d skipped\n' "$1" "$p" "$f" "$s"
	if [ "$f" -gt 0 ]; then
		failures="$failures $1"
		grep -E -A12 '^not ok|ERROR: |runtime error:' "$2" | head -40 | sed 's/^/    /'
	fi
}

for t in "$dir"/tests/test-*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	log="tests/out/asan/$name.log"
	timeout 900 "./$t" >"$log" 2>&1
	check "$name" "$log" $?
done
for t in "$dir"/fuzz/replay-*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	target=${name#replay-}
	log="tests/out/asan/$name.log"
	set -- "tests/fuzz/corpus/$target"
	[ -d "tests/fuzz/crashes/$target" ] && set -- "$@" "tests/fuzz/crashes/$target"
	timeout 300 "./$t" "$@" >"$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] && echo "ok 1 - $(tail -1 "$log")" >>"$log"
	check "$name" "$log" $rc
done
echo
[ -n "$failures" ] && echo "asan failed:$failures"
echo "asan: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
