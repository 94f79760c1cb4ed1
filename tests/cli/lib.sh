# Shared helpers for CLI tests: TAP output like the unit tests.
# Each test script sources this, runs checks, and ends with `done_testing`.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CP="$TOP/convprof"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/convprof-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0

ok() {	# ok DESCRIPTION CMD...: passes when CMD succeeds
	local desc=$1; shift
	n=$((n + 1))
	if "$@" >"$TMP/out" 2>"$TMP/err"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
		sed 's/^/#   /' "$TMP/out" "$TMP/err" | head -20
	fi
}

skip() {	# skip DESCRIPTION REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# run CMD...: run, keep stdout/stderr/status in $out, $err, $status
run() {
	"$@" >"$TMP/run.out" 2>"$TMP/run.err"
	status=$?
	out=$(cat "$TMP/run.out")
	err=$(cat "$TMP/run.err")
}

# expect_fail DESCRIPTION PATTERN CMD...: non-zero exit, one-line stderr
# matching PATTERN (grep -E), nothing half-written on stdout
expect_fail() {
	local desc=$1 pat=$2; shift 2
	run "$@"
	n=$((n + 1))
	local lines
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ "$status" -ne 0 ] && [ "$status" -lt 128 ] && [ "$lines" -eq 1 ] &&
	   printf '%s\n' "$err" | grep -Eq -- "$pat"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
		echo "#   status $status, stderr:"
		printf '%s\n' "$err" | sed 's/^/#     /' | head -10
	fi
}

done_testing() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}

# golden NAME CMD...: stdout of CMD equals $GOLDEN/NAME exactly
# (CP_UPDATE_GOLDEN=1 rewrites the file from the output)
golden() {
	local name=$1; shift
	run "$@"
	if [ "${CP_UPDATE_GOLDEN:-}" = 1 ] && [ "$status" -eq 0 ]; then
		printf '%s\n' "$out" >"$GOLDEN/$name"
	fi
	n=$((n + 1))
	if [ "$status" -eq 0 ] && [ -f "$GOLDEN/$name" ] &&
	   printf '%s\n' "$out" | cmp -s - "$GOLDEN/$name"; then
		echo "ok $n - golden $name"
	else
		echo "not ok $n - golden $name (status $status)"
		failed=$((failed + 1))
		printf '%s\n' "$out" | diff -u "$GOLDEN/$name" - 2>&1 | head -30 | sed 's/^/#   /'
		printf '%s\n' "$err" | head -5 | sed 's/^/#   /'
	fi
}
