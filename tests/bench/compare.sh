#!/bin/bash
# Interleave `convprof machine` with the hand-written reference
# (tests/bench/peak-ref.c) and print both figures with their ratio.
#
#   tests/bench/compare.sh [cores-list] [rounds]     e.g. 1,2 5
#
# Each round runs both programs, alternating which goes first; the table
# gives the median over rounds of each figure and convprof/reference.
# Not part of `make check`: it takes about 15 s a round on two cores.
set -eu
cd "$(dirname "$0")/../.."
cores=${1:-1,2}
rounds=${2:-3}
mkdir -p build
cc -O3 -march=native -fopenmp -Wall -o build/peak-ref tests/bench/peak-ref.c
[ -x ./convprof ] || make -s convprof
out=$(mktemp -d "${TMPDIR:-/tmp}/peak-compare.XXXXXX")
trap 'rm -rf "$out"' EXIT

ref() {
	build/peak-ref "$cores" | sed 's/^ref //' >>"$out/ref"
}
run_convprof() {
	./convprof machine --no-cache --threads "$cores" --format json |
		jq -r 'def r: if . == null then "null" else (. * 10 | round / 10 | tostring) end;
		       .results[] | "cores=\(.cores) f32=\(.f32_gflops | r) bf16=\(.bf16_gflops | r) int8=\(.int8_gops | r) copy=\(.copy_gbs | r) triad=\(.triad_gbs | r)"' \
		>>"$out/cp"
}
r=1
while [ "$r" -le "$rounds" ]; do
	if [ $((r % 2)) -eq 1 ]; then ref; run_convprof; else run_convprof; ref; fi
	echo "round $r done" >&2
	r=$((r + 1))
done

# per (cores, metric): the median and the best over rounds
stats() {	# file -> "cores_metric median best" lines
	tr ' ' '\n' <"$1" | awk -F= '
		/^cores=/ { k = $2; next }
		NF == 2 { print k, $1, $2 }' |
	sort -k1,1n -k2,2 -k3,3g |
	awk '{ key = $1 "_" $2; v[key, ++n[key]] = $3 }
	     END { for (key in n) { m = n[key]; i = int((m + 1) / 2);
	           if (m % 2) med = v[key, i]; else med = (v[key, i] + v[key, i + 1]) / 2;
	           print key, med, v[key, m] } }' | sort
}
stats "$out/ref" >"$out/ref.st"
stats "$out/cp" >"$out/cp.st"
printf '%-6s %-6s %10s %10s %7s   %10s %10s %7s\n' cores metric ref-median cp-median ratio \
	ref-best cp-best ratio
join "$out/ref.st" "$out/cp.st" |
	awk '{ split($1, a, "_");
	       printf "%-6s %-6s %10.1f %10.1f %7.3f   %10.1f %10.1f %7.3f\n",
		      a[1], a[2], $2, $4, $4 / $2, $3, $5, $5 / $3 }' | sort -k1,1n -k2,2
echo "($rounds interleaved rounds; GFLOP/s, GOP/s, GB/s; ratio = convprof / reference)"
echo "per round:"
paste -d'|' "$out/ref" "$out/cp" | awk -F'|' '{ printf "  ref %s\n  cp  %s\n", $1, $2 }'
