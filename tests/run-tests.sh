#!/bin/sh
# Run every unit test (build/tests/test-*) and CLI test (tests/cli/t*.sh),
# each a TAP producer, and end with the summary line CI reads:
#   N passed, N failed, N skipped
# A skipped check gives its reason. Exit status: 0 when nothing failed.
cd "$(dirname "$0")/.." || exit 1
mkdir -p tests/out
# the tests must not read or write the user's convprof machine cache
XDG_CACHE_HOME=$(mktemp -d "${TMPDIR:-/tmp}/convprof-cache.XXXXXX")
export XDG_CACHE_HOME
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
pass=0 fail=0 skipped=0
failures=""

for t in build/tests/test-* tests/cli/t*.sh; do
	[ -e "$t" ] || continue
	case "$t" in *.d) continue ;; esac
	name=$(basename "$t")
	log="tests/out/$name.log"
	if [ "${t%.sh}" != "$t" ]; then
		timeout 600 sh "$t" >"$log" 2>&1
	else
		timeout 600 "./$t" >"$log" 2>&1
	fi
	rc=$?
	p=$(grep -c '^ok ' "$log")
	s=$(grep -c '^ok .*# SKIP' "$log")
	f=$(grep -c '^not ok ' "$log")
	p=$((p - s))
	# a crash or time-out after the last check is a failure too
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + s))
	printf '%-28s %3d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
	grep '# SKIP' "$log" | sed 's/^ok [0-9]* - /    SKIP: /; s/ # SKIP / -- /'
	if [ "$f" -gt 0 ]; then
		failures="$failures $name"
		grep -A8 '^not ok' "$log" | sed 's/^/    /'
	fi
done
echo
[ -n "$failures" ] && echo "failed:$failures"
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
