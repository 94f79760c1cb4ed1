#!/bin/sh
# make fuzz: run each libFuzzer harness for FUZZ_SECONDS (default 60) and
# print its speed and coverage. New inputs go to build-fuzz/corpus/<target>
# (the seeds in tests/fuzz/corpus/<target> are read, not written); an input
# that crashes lands in tests/fuzz/crashes/<target>/, to be committed with
# its fix: `make check` replays every file there.
# usage: run-fuzz.sh BINDIR SECONDS [TARGET...]
set -u
bin=$1 secs=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
status=0
printf '%-10s %10s %8s %8s %8s  %s\n' target execs exec/s cov ft result
for t in "$@"; do
	work="$bin/../corpus/$t"
	mkdir -p "$work" "$top/tests/fuzz/crashes/$t"
	log="$bin/../fuzz-$t.log"
	# a record of small capacities is 4-17 KiB (tests/fuzz/hookrec.h)
	case $t in hookrec) maxlen=20000 ;; *) maxlen=4096 ;; esac
	"$bin/fuzz-$t" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -max_len=$maxlen -close_fd_mask=3 \
		-artifact_prefix="$top/tests/fuzz/crashes/$t/" \
		"$work" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	if [ $rc -eq 0 ]; then res=ok; else res="FOUND (see $log)"; status=1; fi
	printf '%-10s %10s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
		"${cov:-?}" "${ft:-?}" "$res"
done
exit $status
