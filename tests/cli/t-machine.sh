# convprof machine: quick measurements, the JSON contract, the cache file,
# bad input. No speed is asserted: only that figures are positive numbers
# where the CPU has the instructions, and null with a reason where not.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME="$TMP/xdg"
cores=$("$CP" topology --format json | jq .cores)
C="$TMP/m.json"

# every core count 1..N, quick, into a chosen cache
run "$CP" machine --quick --cache "$C" --format json
ok "machine --quick --format json exits 0 and is valid JSON" sh -c '[ "$1" -eq 0 ] && echo "$2" | jq -e . >/dev/null' _ "$status" "$out"
echo "$out" >"$TMP/measured.json"
J="$TMP/measured.json"
ok "results cover 1..$cores cores" jq -e "[.results[].cores] == [range(1; $cores + 1)]" "$J"
ok "each point lists as many cpus as cores" jq -e 'def n: split(",") | map(split("-") | map(tonumber) | if length == 2 then .[1] - .[0] + 1 else 1 end) | add;
	[.results[] | (.cpus | n) == .cores] | all' "$J"
for f in version key cpu caches measured_at quick method results cache_file from_cache; do
	ok "field '$f' present" jq -e "has(\"$f\")" "$J"
done
for f in vendor model family model_number stepping cores pus isa; do
	ok "field 'cpu.$f' present" jq -e ".cpu | has(\"$f\")" "$J"
done
for f in element_bytes array_elements array_bytes total_bytes llc_bytes vector_bits huge_pages \
	 copy_bytes_per_element triad_bytes_per_element triad_scalar triad_verified; do
	ok "field 'method.stream.$f' present" jq -e ".method.stream | has(\"$f\")" "$J"
done
ok "cores agree with topology" jq -e ".cpu.cores == $cores" "$J"
ok "workers checked their binding" jq -e '.method.binding_verified == true' "$J"
ok "the triad result was verified" jq -e '.method.stream.triad_verified == true' "$J"
ok "arrays are at least 8x the LLC" jq -e '.method.stream.total_bytes >= 8 * .method.stream.llc_bytes' "$J"
ok "bandwidth figures are positive numbers" jq -e '[.results[] | .copy_gbs, .triad_gbs | type == "number" and . > 0] | all' "$J"
for p in f32:f32_gflops bf16:bf16_gflops int8:int8_gops; do
	prec=${p%%:*} field=${p#*:}
	if jq -e ".method.compute.$prec.supported" "$J" >/dev/null; then
		ok "$prec: positive figures for every core count" jq -e "[.results[].$field | type == \"number\" and . > 0] | all" "$J"
		ok "$prec: method has instruction, chains, ops" jq -e ".method.compute.$prec | (.instruction | length) > 0 and .chains >= 12 and .ops_per_instruction > 0" "$J"
	else
		ok "$prec: not supported -> null figures, never 0" jq -e "[.results[].$field == null] | all" "$J"
		ok "$prec: not supported says why" jq -e ".method.compute.$prec.reason | length > 0" "$J"
	fi
done
if grep -qw avx512_vnni /proc/cpuinfo; then
	ok "avx512_vnni CPU: int8 measured with vpdpbusd" jq -e '.method.compute.int8.supported and .method.compute.int8.instruction == "vpdpbusd"' "$J"
else
	skip "int8 measured with vpdpbusd" "no avx512_vnni on this CPU"
fi
if grep -qw avx512_bf16 /proc/cpuinfo; then
	ok "avx512_bf16 CPU: bf16 measured with vdpbf16ps" jq -e '.method.compute.bf16.supported' "$J"
else
	ok "no avx512_bf16: bf16 not supported" jq -e '.method.compute.bf16.supported == false' "$J"
fi

# the cache: written, the same as printed, read back by --show
ok "cache file written" test -s "$C"
ok "cache holds what was printed" sh -c 'jq -S "del(.cache_file, .from_cache)" "$1" >"$3.a" && jq -S . "$2" >"$3.b" && cmp -s "$3.a" "$3.b"' _ "$J" "$C" "$TMP/cmp"
run "$CP" machine --show --cache "$C" --format json
ok "--show reads the same results" sh -c 'echo "$1" | jq -e --slurpfile m "$2" ".results == \$m[0].results and .from_cache == true"' _ "$out" "$J"
run "$CP" machine --show --cache "$C"
ok "--show text names the file and the tables" sh -c 'echo "$1" | grep -q "read from $2" && echo "$1" | grep -q "^peak compute" && echo "$1" | grep -q "^memory bandwidth" && echo "$1" | grep -q "^method"' _ "$out" "$C"
run "$CP" machine --show --cache "$C" --format csv
ok "--show CSV: header and one row per core count" sh -c '[ "$(echo "$1" | head -1)" = "cores,cpus,f32_gflops,f32_gflops_per_core,bf16_gflops,bf16_gflops_per_core,int8_gops,int8_gops_per_core,copy_gbs,copy_gbs_per_core,triad_gbs,triad_gbs_per_core" ] && [ $(echo "$1" | wc -l) -eq $(($2 + 1)) ]' _ "$out" "$cores"
last=$(echo "$out" | tail -1)
# the quoted cpu list holds commas: replace it before splitting the fields
ok "CSV per-core triad is the total over the cores" sh -c 'echo "$1" | sed "s/\"[^\"]*\"/X/" | awk -F, "{ d = \$11 / \$1 - \$12; exit !(\$12 > 0 && d < 0.06 && d > -0.06) }"' _ "$last"

# the default cache place, and --no-cache
run "$CP" machine --quick -t 1
ok "default cache: \$XDG_CACHE_HOME/convprof/machine.json" test -s "$XDG_CACHE_HOME/convprof/machine.json"
ok "text says where it was saved" sh -c 'echo "$1" | grep -q "saved in $2"' _ "$out" "$XDG_CACHE_HOME/convprof/machine.json"
rm -rf "$XDG_CACHE_HOME"
run "$CP" machine --quick -t 1 --no-cache --format json
ok "--no-cache writes nothing" sh -c '[ "$1" -eq 0 ] && [ ! -e "$2" ]' _ "$status" "$XDG_CACHE_HOME"
ok "--no-cache: cache_file is null, one point" sh -c 'echo "$1" | jq -e ".cache_file == null and (.results | length) == 1"' _ "$out"

# caches that cannot be used
printf '{"version": 1, "key": ' >"$TMP/corrupt.json"
expect_fail "--show of a corrupt cache: one line, exit 1" "'.*corrupt.json' is not a machine ceilings file" "$CP" machine --show --cache "$TMP/corrupt.json"
ok "... exit status 1" test "$status" -eq 1
expect_fail "--show of a missing cache" "nothing cached in '.*none.json': run 'convprof machine' first" "$CP" machine --show --cache "$TMP/none.json"
jq '.cpu.cores = 4096 | .key |= sub(", [0-9]+ cores"; ", 4096 cores")' "$C" >"$TMP/foreign.json"
expect_fail "--show of another machine's cache" "was measured on another machine" "$CP" machine --show --cache "$TMP/foreign.json"
jq '.results[0].triad_gbs = "fast"' "$C" >"$TMP/typo.json"
expect_fail "--show of a cache with a mistyped figure" "not a machine ceilings file: bad results: 'triad_gbs' is not a figure" "$CP" machine --show --cache "$TMP/typo.json"
run "$CP" machine --quick -t 1 --cache "$TMP/corrupt.json" --format json
ok "measuring replaces a corrupt cache" sh -c '[ "$1" -eq 0 ] && jq -e ".results[0].cores == 1" "$2" >/dev/null' _ "$status" "$TMP/corrupt.json"
touch "$TMP/plain"
run "$CP" machine --quick -t 1 --cache "$TMP/plain/m.json"
ok "unwritable cache: figures printed, one-line error, exit 1" sh -c '[ "$1" -eq 1 ] && echo "$2" | grep -q "^peak compute" && [ "$(printf "%s\n" "$3" | grep -c .)" -eq 1 ] && echo "$3" | grep -q "cannot"' _ "$status" "$out" "$err"

# bad input
expect_fail "--threads 0" "cannot measure 0 cores, this machine has 1 to $cores" "$CP" machine --threads 0 --no-cache
expect_fail "--threads beyond the cores" "cannot measure $((cores + 1)) cores" "$CP" machine --threads 1,$((cores + 1)) --no-cache
expect_fail "--threads junk" "--threads expects core counts such as 1,2, not 'two'" "$CP" machine --threads two --no-cache
expect_fail "--threads 1,,2" "--threads expects core counts" "$CP" machine -t 1,,2 --no-cache
expect_fail "--threads empty" "--threads expects core counts" "$CP" machine -t "" --no-cache
ok "bad --threads is a usage error (2)" test "$status" -eq 2
expect_fail "--show with --threads" "--show measures nothing" "$CP" machine --show -t 1
expect_fail "--cache with --no-cache" "--cache and --no-cache exclude each other" "$CP" machine --cache "$C" --no-cache
expect_fail "an operand" "unexpected argument 'now'" "$CP" machine now
ok "nothing half-written by the failures" sh -c '! ls "$1"/*.tmp* 2>/dev/null | grep -q .' _ "$TMP"

done_testing
