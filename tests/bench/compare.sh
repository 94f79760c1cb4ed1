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
		jq -r '.results[] | "cores=\(.cores) f32=\(.f32_gflops) bf16=\(.bf16_gflops) int8=\(.int8_gops) copy=\(.copy_gbs) triad=\(.triad_gbs)"' \
		>>"$out/cp"
}
r=1
while [ "$r" -le "$rounds" ]; do
	if [ $((r % 2)) -eq 1 ]; then ref; run_convprof; else run_convprof; ref; fi
	echo "round $r done" >&2
	r=$((r + 1))
done

# median over rounds per (cores, metric), then the table
med() {	# file -> "cores metric median" lines
	tr ' ' '\n' <"$1" | awk -F= '
		/^cores=/ { k = $2; next }
		NF == 2 { print k, $1, $2 }' |
	sort -k1,1n -k2,2 -k3,3g |
	awk '{ key = $1 " " $2; v[key, ++n[key]] = $3 }
	     END { for (key in n) { m = n[key]; i = int((m + 1) / 2);
	           if (m % 2) med = v[key, i]; else med = (v[key, i] + v[key, i + 1]) / 2;
	           print key, med } }' | sort -k1,1n -k2,2
}
med "$out/ref" >"$out/ref.med"
med "$out/cp" >"$out/cp.med"
printf '%-6s %-7s %12s %12s %8s\n' cores metric reference convprof ratio
join -j1 <(awk '{print $1"_"$2, $3}' "$out/ref.med") <(awk '{print $1"_"$2, $3}' "$out/cp.med") 2>/dev/null |
	awk '{ split($1, a, "_"); printf "%-6s %-7s %12.1f %12.1f %8.3f\n", a[1], a[2], $2, $3, $3 / $2 }'
echo "(medians of $rounds interleaved rounds; per-round values:)"
paste -d' ' "$out/ref" "$out/cp" | sed 's/^/  ref /; s/ cores=/ | convprof cores=/2'
