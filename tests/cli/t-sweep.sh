# convprof sweep: every combination measured and recorded, the comparisons
# against the right partner, processes on disjoint cpus, charts, bad input
# refused before anything runs, failures and SIGINT keep what finished.
. "$(dirname "$0")/lib.sh"
TINY="$TOP/tests/data/tiny.cfg"
DB="$TMP/sweep.db"
export TMPDIR="$TMP/tmp"	# the sweep's private directory must be gone after
mkdir -p "$TMPDIR"
export XDG_CACHE_HOME="$TMP/cache"	# no ceilings unless a test makes them
SW="$CP sweep -q --cfg $TINY -n 2 --warmup 1 --no-overhead"
PUS=$("$CP" topology --format json | jq .pus)

no_leftovers() {	# the private directories are removed on every path
	[ -z "$(ls -A "$TMPDIR")" ]
}

# ---- a sweep over layout x fusion x threads ----
if [ "$PUS" -ge 2 ]; then
	THREADS=1,2
	NT=2
else
	THREADS=1
	NT=1
fi
N=$((3 * 2 * NT))
run $SW -o "$DB" --threads $THREADS --layout nchw,nhwc,blocked --fusion on,off --format json
J=$out
ok "the sweep succeeds" test "$status" -eq 0
ok "JSON: the contract's top-level fields" sh -c 'echo "$1" | jq -e "has(\"model\") and has(\"axes\") and has(\"baselines\") and has(\"combinations\") and has(\"summary\") and has(\"recording\") and .complete == true and .interrupted == false" >/dev/null' _ "$J"
ok "JSON: every combination, in loop order" sh -c 'echo "$1" | jq -e "(.combinations | length) == $2 and ([.combinations[].index] == [range(1; $2 + 1)])" >/dev/null' _ "$J" "$N"
ok "JSON: each combination's fields" sh -c 'echo "$1" | jq -e "all(.combinations[]; .status == \"done\" and .latency_ms > 0 and .throughput_ips > 0 and (.runs | length) == 1 and (.processes | length) == 1 and has(\"layout_ratio\") and has(\"fusion_ratio\") and has(\"speedup_threads\") and has(\"efficiency_threads\") and has(\"ips_per_core\") and has(\"ips_per_llc_mib\"))" >/dev/null' _ "$J"
ok "JSON: no ceilings here, so no efficiency field pretends to be 0" sh -c 'echo "$1" | jq -e ".ceilings == null and (.ceilings_unavailable | length) > 0 and all(.combinations[]; has(\"mac_utilization\") | not)" >/dev/null' _ "$J"
ok "JSON: baselines nchw and fusion off" sh -c 'echo "$1" | jq -e ".baselines.layout == \"nchw\" and .baselines.fusion == false and .baselines.batch == null" >/dev/null' _ "$J"

run "$CP" report -i "$DB" --list --format csv
ok "every combination is a run in the recording" test "$(echo "$out" | tail -n +2 | wc -l)" -eq "$N"
ok "the run ids in the JSON are the recorded ones" sh -c '[ "$(echo "$1" | jq -c "[.combinations[].runs[0]]")" = "$(jq -nc "[range(1; $2 + 1)]")" ]' _ "$J" "$N"
bad=0
for i in $(seq 0 $((N - 1))); do
	want=$(echo "$J" | jq -c ".combinations[$i] | [.layout, .fusion, .threads]")
	id=$(echo "$J" | jq ".combinations[$i].runs[0]")
	got=$("$CP" report -i "$DB" --run "$id" --format json | jq -c '.config | [.layout, .fusion, .threads]')
	[ "$want" = "$got" ] || { bad=1; echo "# run $id: want $want, got $got"; }
done
ok "each stored run has its combination's layout, fusion and threads" test $bad -eq 0

ok "the 1-thread rows' speedup is exactly 1" sh -c 'echo "$1" | jq -e "all(.combinations[] | select(.threads == 1); .speedup_threads == 1 or $2 == 1)" >/dev/null' _ "$J" "$NT"
if [ "$NT" -eq 2 ]; then
	ok "efficiency = speedup / threads, speedup = ips / the 1-thread partner's" sh -c 'echo "$1" | jq -e "
		.combinations as \$c | all(\$c[]; . as \$p |
		(\$c[] | select(.layout == \$p.layout and .fusion == \$p.fusion and .threads == 1)) as \$b |
		if .speedup_threads == null then .efficiency_threads == null and (.speedup_threads_reason | test(\"^not measurable here\")) else
		((.speedup_threads - \$p.throughput_ips / \$b.throughput_ips) | fabs) < 1e-6 * .speedup_threads and
		((.efficiency_threads - .speedup_threads / .threads) | fabs) < 1e-8 * .efficiency_threads end)" >/dev/null' _ "$J"
else
	skip "efficiency = speedup / threads" "one PU: no thread axis"
fi
ok "layout ratio = ips / ips of the nchw partner (same fusion, threads)" sh -c 'echo "$1" | jq -e "
	.combinations as \$c | all(\$c[]; . as \$p |
	(\$c[] | select(.layout == \"nchw\" and .fusion == \$p.fusion and .threads == \$p.threads)) as \$b |
	if \$p.layout_ratio == null then \$p.layout_ratio_spread > 0 else
	((\$p.layout_ratio - \$p.throughput_ips / \$b.throughput_ips) | fabs) < 1e-6 * \$p.layout_ratio end)" >/dev/null' _ "$J"
ok "fusion ratio = ips / ips of the unfused partner (same layout, threads)" sh -c 'echo "$1" | jq -e "
	.combinations as \$c | all(\$c[]; . as \$p |
	(\$c[] | select(.fusion == false and .layout == \$p.layout and .threads == \$p.threads)) as \$b |
	if \$p.fusion_ratio == null then \$p.fusion_ratio_spread > 0 else
	((\$p.fusion_ratio - \$p.throughput_ips / \$b.throughput_ips) | fabs) < 1e-6 * \$p.fusion_ratio end)" >/dev/null' _ "$J"
ok "summary: nhwc vs nchw is the geometric mean of the nhwc rows' ratios" sh -c 'echo "$1" | jq -e "
	[.combinations[] | select(.layout == \"nhwc\" and .layout_ratio != null) | .layout_ratio | log] as \$l |
	if (\$l | length) == 0 then .summary.ratios.layout.nhwc.ratio == null else
	(\$l | add / length | exp) as \$g |
	((.summary.ratios.layout.nhwc.ratio - \$g) | fabs) < 1e-6 * \$g and .summary.ratios.layout.nhwc.pairs == (\$l | length) end" >/dev/null' _ "$J"
ok "summary: the best throughput is the largest" sh -c 'echo "$1" | jq -e "([.combinations[].throughput_ips] | max) as \$m | .combinations[.summary.best_throughput.index - 1].throughput_ips == \$m" >/dev/null' _ "$J"
ok "private directories removed" no_leftovers
echo "$J" >"$TMP/sweep.json"
NOISE_JQ='all(.combinations[]; . as $p | (.noise | type) == "number" and
	all("speedup_threads", "efficiency_threads", "layout_ratio", "fusion_ratio"; . as $f |
	(if $p[$f + "_reason"] != null then $p[$f] == null and $p[$f + "_spread"] > 0 and
		($p[$f + "_reason"] | test("^not measurable here \\(noise ±[0-9.]+%\\)$"))
	else true end) and
	(if $p[$f] != null and ($f | test("efficiency") | not) then ($p[$f + "_spread"] | type) == "number" and
		$p[$f + "_spread"] <= (($p[$f] - 1) | fabs) else true end)))'
ok "JSON: every ratio has its spread; one inside it is null with the reason" jq -e "$NOISE_JQ" "$TMP/sweep.json"

# Under noise: a busy loop on a core the workers use. Each ratio is outside
# its spread or null with the reason; a per-layer speedup likewise.
if [ "$NT" -eq 2 ]; then
	sh -c 'while :; do :; done' & busy=$!
	taskset -pc 0 $busy >/dev/null 2>&1
	$SW --no-record --threads 1,2 --layout nchw,nhwc --format json >"$TMP/noisy.json" 2>/dev/null
	kill $busy
	wait $busy 2>/dev/null
	ok "busy core: ratios outside their noise, or null with the reason" jq -e "$NOISE_JQ" "$TMP/noisy.json"
	ok "busy core: per-layer speedups carry their spread; inside it, not measurable" jq -e '
		all(.combinations[] | select(.threads == 2) | .layers[];
		(.speedup_spread | type) == "number" and
		(if .verdict == "not measurable" then .speedup == null or
			((.speedup - 1) | fabs) >= .speedup_spread else .speedup != null end))' "$TMP/noisy.json"
else
	skip "busy core: ratios and their noise" "one PU: no thread axis"
fi

# ---- text and CSV ----
run $SW --no-record --layout nchw,nhwc
ok "text: a row per combination, the ratio column, the summary" sh -c 'echo "$1" | grep -q "vs nchw" && echo "$1" | grep -Eq "^ *2 +nhwc " && echo "$1" | grep -q "^Best throughput: .* img/s" && echo "$1" | tr "\n" " " | grep -q "nhwc vs nchw [0-9.]*x"' _ "$out"
ok "text: the ceiling columns are left out, saying why" sh -c 'echo "$1" | grep -q "^left out: MAC utilisation" && ! echo "$1" | grep -q "MAC%"' _ "$out"
ok "text: --no-record says nothing was recorded" sh -c 'echo "$1" | grep -q "^recorded: nothing"' _ "$out"
run $SW --no-record --batch 1,2 --format csv
ok "CSV: header with every column" sh -c 'echo "$1" | head -1 | grep -q "^index,size,batch,precision,layout,fusion,procs,threads,status,latency_ms,throughput_ips,speedup_threads,efficiency_threads,speedup_procs,efficiency_procs,precision_ratio,layout_ratio,fusion_ratio,ips_per_core,llc_mib,ips_per_llc_mib,runs$"' _ "$out"
ok "CSV: a row per combination, batch 2 second" sh -c '[ $(echo "$1" | wc -l) -eq 3 ] && echo "$1" | sed -n 3p | grep -q "^2,32x32,2,f32,blocked,on,1,"' _ "$out"

# ---- ceilings from convprof machine ----
"$CP" machine --quick --cache "$TMP/m.json" >/dev/null 2>&1
if [ -s "$TMP/m.json" ]; then
	run $SW --no-record -t 1 -p f32,int8 --ceilings "$TMP/m.json" --format json
	ok "--ceilings: the efficiency fields appear" sh -c 'echo "$1" | jq -e ".ceilings.file == \"$2\" and all(.combinations[]; has(\"mac_utilization\"))" >/dev/null' _ "$out" "$TMP/m.json"
	ok "peak_gops is the machine's figure for the precision on 1 core" sh -c 'echo "$1" | jq -e --slurpfile m "$2" "(\$m[0].results[] | select(.cores == 1)) as \$r | .combinations[0].peak_gops == \$r.f32_gflops and .combinations[1].peak_gops == \$r.int8_gops and .combinations[0].bw_gbs == \$r.triad_gbs" >/dev/null' _ "$out" "$TMP/m.json"
	ok "MAC utilisation = GOP/s / peak; img/s per peak TOPS and per GB/s" sh -c 'echo "$1" | jq -e "all(.combinations[]; ((.mac_utilization - .gops / .peak_gops) | fabs) < 1e-8 * .mac_utilization and ((.ips_per_peak_tops - .throughput_ips / (.peak_gops / 1000)) | fabs) < 1e-6 * .ips_per_peak_tops and ((.ips_per_gbs - .throughput_ips / .bw_gbs) | fabs) < 1e-6 * .ips_per_gbs)" >/dev/null' _ "$out"
	run $SW --no-record -t 1 --ceilings "$TMP/m.json"
	ok "text: the MAC% column and the ceilings' source" sh -c 'echo "$1" | grep -q "MAC%" && echo "$1" | grep -q "^ceilings: .*m.json, measured"' _ "$out"
	mkdir -p "$XDG_CACHE_HOME/convprof" && cp "$TMP/m.json" "$XDG_CACHE_HOME/convprof/machine.json"
	run $SW --no-record -t 1 --format json
	ok "without --ceilings: convprof machine's cache, as stat finds it" sh -c 'echo "$1" | jq -e ".ceilings.file == \"$2\"" >/dev/null' _ "$out" "$XDG_CACHE_HOME/convprof/machine.json"
	rm -rf "$XDG_CACHE_HOME/convprof"
else
	skip "--ceilings" "convprof machine wrote no ceilings here"
fi
"$CP" machine --quick -t 1 --no-cache -o "$TMP/ceil.db" >/dev/null 2>&1
run $SW -o "$TMP/ceil.db" -t 1 --format json
ok "ceilings kept in the recording file (convprof machine -o) are used" sh -c 'echo "$1" | jq -e ".ceilings.file | test(\"recording file\")" >/dev/null' _ "$out"
if [ "$PUS" -ge 2 ]; then
	run $SW -o "$TMP/ceil.db" -t 2 --format json
	ok "a core count the ceilings lack: null, not 0" sh -c 'echo "$1" | jq -e ".combinations[0] | .peak_gops == null and .mac_utilization == null and .throughput_ips > 0" >/dev/null' _ "$out"
fi
run $SW --no-record --ceilings "$TMP/none.json" --format json
ok "--ceilings of a missing file: the reason, and no efficiency field" sh -c 'echo "$1" | jq -e ".ceilings == null and (.ceilings_unavailable | length) > 0 and (.combinations[0] | has(\"mac_utilization\") | not)" >/dev/null' _ "$out"

# ---- processes ----
if [ "$PUS" -ge 2 ]; then
	run $SW -o "$TMP/procs.db" --procs 2 -t 1 --format json
	P=$out
	ok "--procs 2: two processes, two runs" sh -c 'echo "$1" | jq -e ".combinations[0] | .status == \"done\" and (.processes | length) == 2 and (.runs | length) == 2" >/dev/null' _ "$P"
	ok "aggregate throughput = the sum of the processes'" sh -c 'echo "$1" | jq -e ".combinations[0] | ((.throughput_ips - ([.processes[].throughput_ips] | add)) | fabs) < 1e-6 * .throughput_ips" >/dev/null' _ "$P"
	ok "the processes ran on disjoint cpus" sh -c 'echo "$1" | jq -e ".combinations[0].processes | (.[0].cpus - .[1].cpus) == .[0].cpus and (.[0].cpus | length) == 1" >/dev/null' _ "$P"
	c1=$("$CP" report -i "$TMP/procs.db" --run 1 --format json | jq -c .config.cpus)
	c2=$("$CP" report -i "$TMP/procs.db" --run 2 --format json | jq -c .config.cpus)
	ok "the stored runs' cpus differ ($c1, $c2)" sh -c '[ "$1" != "$2" ] && [ "$1" != "[-1]" ]' _ "$c1" "$c2"
	run "$CP" report -i "$TMP/procs.db" --run 2 --format json
	ok "a stored run says which process it was" sh -c 'echo "$1" | jq -e ".cmdline | endswith(\"(process 2 of 2)\")" >/dev/null' _ "$out"
	expect_fail "processes x threads beyond the PUs: refused before running" "do not fit" $SW -o "$TMP/none.db" --procs 2 --threads "$PUS"
	ok "and nothing was recorded" test ! -e "$TMP/none.db"
	expect_fail "--pin none cannot keep processes apart" "cannot keep processes apart" $SW --no-record --procs 1,2 --pin none
else
	skip "--procs 2" "one PU"
fi
expect_fail "more threads than PUs: refused" "do not fit" $SW --no-record --threads 1,$((PUS + 1))

# ---- bad input: one line, nothing run or recorded ----
expect_fail "junk in a list" "'x' is not a whole number" $SW -o "$TMP/bad.db" --threads 1,x
expect_fail "0 in a list" "out of range" $SW -o "$TMP/bad.db" --batch 0,1
expect_fail "a duplicate" "given twice" $SW -o "$TMP/bad.db" --layout nchw,nhwc,nchw
expect_fail "an empty element" "empty value" $SW -o "$TMP/bad.db" --threads 1,,2
expect_fail "a misspelt layout, with a hint" "did you mean 'nhwc'" $SW -o "$TMP/bad.db" --layout nhwx
expect_fail "an unknown model" "unknown model" "$CP" sweep -q -o "$TMP/bad.db" nosuchmodel --threads 1
expect_fail "an unknown event, before running" "unknown event" $SW -o "$TMP/bad.db" -e nosuchevent
expect_fail "--no-record with --output" "contradict" $SW -o "$TMP/bad.db" --no-record
ok "no recording was created by any of them" test ! -e "$TMP/bad.db"

# ---- charts ----
run $SW --no-record --threads $THREADS --layout nchw,nhwc --fusion on,off --plot "$TMP/charts"
ok "--plot succeeds" test "$status" -eq 0
want="fusion.svg layout.svg"
[ "$NT" -eq 2 ] && want="efficiency-threads.svg fusion.svg layout.svg throughput-threads.svg"
ok "only the charts whose axis has two values ($want)" test "$(ls "$TMP/charts" | tr '\n' ' ')" = "$want "
ok "stderr names the files written" sh -c 'echo "$1" | grep -q "wrote .*layout.svg"' _ "$err"
if command -v xmllint >/dev/null; then
	ok "every chart is well-formed XML" xmllint --noout "$TMP"/charts/*.svg
else
	skip "charts are well-formed XML" "xmllint not installed"
fi
ok "the bar chart names the layouts" sh -c 'grep -q "nhwc" "$1/layout.svg" && grep -q "<svg" "$1/layout.svg"' _ "$TMP/charts"
run $SW --no-record --plot "$TMP/charts2"
ok "one value per axis: no charts, and it says so" sh -c '[ "$1" -eq 0 ] && echo "$2" | grep -q "no charts" && [ -z "$(ls "$3")" ]' _ "$status" "$err" "$TMP/charts2"
echo x >"$TMP/file"
expect_fail "--plot onto a file is refused before running" "not a directory" $SW --no-record --plot "$TMP/file"

# ---- a failing combination fails alone ----
run sh -c 'ulimit -v 2500000; exec "$@"' _ $SW -o "$TMP/fail.db" -s 64 -t 1 --batch 1,4096 --format json
ok "a combination that fails: exit 1" test "$status" -eq 1
ok "its message is in the JSON, the other combination done" sh -c 'echo "$1" | jq -e ".combinations[0].status == \"done\" and .combinations[1].status == \"failed\" and (.combinations[1].error | test(\"allocate\"))" >/dev/null' _ "$out"
ok "and one line on stderr" sh -c 'echo "$1" | grep -c "failed:" | grep -qx 1' _ "$err"
run "$CP" report -i "$TMP/fail.db" --list --format csv
ok "the combination that finished is recorded" test "$(echo "$out" | tail -n +2 | wc -l)" -eq 1

# ---- a process killed: the combination fails, no hang, all reaped ----
measuring() {	# measuring FILE N: wait until N combinations began measuring
	for i in $(seq 200); do
		[ "$(grep -c measuring "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
: >"$TMP/kill.err"
$SW -o "$TMP/kill.db" -t 1 -n 1000000 --progress --batch 1,2 >"$TMP/kill.out" 2>"$TMP/kill.err" &
pid=$!
measuring "$TMP/kill.err" 1
kill -KILL $(pgrep -P $pid)
measuring "$TMP/kill.err" 2
child=$(pgrep -P $pid)
kill -INT $pid
wait $pid
st=$?
ok "the killed process fails its combination with the signal" grep -q "#1 failed: killed by signal 9" "$TMP/kill.err"
ok "the sweep went on to the next combination, then stopped on SIGINT (status $st)" test "$st" -eq 130
ok "the next combination's process is gone too" sh -c '[ -n "$1" ] && ! kill -0 $1 2>/dev/null' _ "$child"
ok "private directories removed after the kill" no_leftovers

# ---- SIGINT: the finished combinations stay, the interrupted one is partial ----
SIGDB="$TMP/int.db"
: >"$TMP/int.err"
$SW -o "$SIGDB" -t 1 -s 32,512 -n 400 --progress --format json >"$TMP/int.json" 2>"$TMP/int.err" &
pid=$!
measuring "$TMP/int.err" 2
sleep 0.5
kill -INT $pid
wait $pid
st=$?
ok "SIGINT: exit status 130" test "$st" -eq 130
ok "SIGINT: the JSON says interrupted, #1 done, #2 partial" sh -c 'jq -e ".interrupted == true and .complete == false and .combinations[0].status == \"done\" and .combinations[1].status == \"partial\"" "$1" >/dev/null' _ "$TMP/int.json"
run "$CP" report -i "$SIGDB" --list --format csv
ok "SIGINT: both are in the recording, the second marked partial" sh -c '[ $(echo "$1" | tail -n +2 | wc -l) -eq 2 ] && echo "$1" | sed -n 3p | grep -q partial && ! echo "$1" | sed -n 2p | grep -q partial' _ "$out"
ok "SIGINT: stderr says what finished" grep -q "interrupted after 1 of 2 combinations" "$TMP/int.err"
ok "private directories removed after SIGINT" no_leftovers

# ---- SIGINT with two processes measuring: both runs kept, partial ----
if [ "$PUS" -ge 2 ]; then
	: >"$TMP/int2.err"
	$SW -o "$TMP/int2.db" --procs 2 -s 256 -n 100000 --progress --format json >"$TMP/int2.json" 2>"$TMP/int2.err" &
	pid=$!
	measuring "$TMP/int2.err" 1
	sleep 0.5
	kill -INT $pid
	wait $pid
	st=$?
	ok "SIGINT with --procs 2: status 130" test "$st" -eq 130
	ok "the combination is partial, with both processes' runs" sh -c 'jq -e ".combinations[0] | .status == \"partial\" and (.runs | length) == 2 and all(.processes[]; .partial)" "$1" >/dev/null' _ "$TMP/int2.json"
	run "$CP" report -i "$TMP/int2.db" --list --format csv
	ok "both runs are recorded, marked partial" sh -c '[ $(echo "$1" | tail -n +2 | grep -c partial) -eq 2 ]' _ "$out"
	ok "private directories removed" no_leftovers
else
	skip "SIGINT with --procs 2" "one PU"
fi

done_testing
