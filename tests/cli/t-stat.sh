# convprof stat on a small model: the JSON contract, honest counts,
# layouts, fusion, rotation, pinning, partial runs and bad input.
. "$(dirname "$0")/lib.sh"
TINY="$TOP/tests/data/tiny.cfg"
J="$TMP/stat.json"

"$CP" stat --cfg "$TINY" -n 3 --warmup 1 --format json >"$J" 2>"$TMP/err"
ok "stat --format json runs and is valid JSON" jq -e . "$J"
ok "contract: top-level fields" jq -e 'has("model") and has("config") and has("backend") and has("events") and has("iterations") and has("total") and has("layers")' "$J"
ok "contract: config fields" jq -e '.config | has("size") and has("batch") and has("precision") and has("layout") and has("fusion") and has("threads") and has("pin") and (.cpus | type == "array")' "$J"
ok "contract: total fields" jq -e '.total | has("latency_ms") and has("throughput_ips") and has("layers_ms") and has("other_ms") and has("overhead_pct") and has("overhead_spread_pct") and has("overhead_reason") and has("counts")' "$J"
ok "contract: layer fields" jq -e 'all(.layers[]; has("index") and has("name") and has("kind") and has("layout") and has("impl") and has("flops") and has("time_ms") and has("gflops") and has("counts"))' "$J"
ok "contract: events carry supported and reason" jq -e 'all(.events[]; has("name") and has("supported") and has("reason"))' "$J"
ok "every layer has an implementation and a layout" jq -e 'all(.layers[]; (.impl | length) > 0 and (.layout | length) > 0)' "$J"
ok "iterations as asked" jq -e '.iterations == 3' "$J"
ok "latency and throughput agree (batch / latency)" jq -e '(.total.throughput_ips * .total.latency_ms / 1000 - 1 | fabs) < 1e-6' "$J"
ok "an event not counted is absent from every counts object, never 0" jq -e '
	[.events[] | select(.supported == false) | .name] as $un |
	all(.layers[], .other, .total; .counts as $c | all($un[]; . as $n | ($c | has($n)) | not))' "$J"
ok "not-supported events have a reason" jq -e 'all(.events[] | select(.supported == false); (.reason | length) > 0)' "$J"
ok "for every counted event, the layers plus (other) equal the total" jq -e '
	[.events[] | select(.supported) | .name] as $ev | . as $r |
	all($ev[]; . as $e | (([$r.layers[].counts[$e]] | add) + $r.other.counts[$e]) as $sum |
	    ($sum - $r.total.counts[$e] | fabs) <= 1e-6 * ($r.total.counts[$e] | fabs) + 1e-6)' "$J"
if [ -e /sys/bus/event_source/devices/cpu ]; then
	skip "software backend without a PMU" "this machine has a hardware PMU"
else
	ok "software backend without a PMU" jq -e '.backend == "software"' "$J"
fi
ok "pinned workers never migrated" jq -e 'all(.threads[]; .migrations == 0)' "$J"
ok "each worker ran where it was planned" jq -e 'all(.threads[]; (.cpu | tostring) == .cpus_actual)' "$J"
ok "the rows' params add up to the model's (mem)" sh -c '[ "$(jq "[.layers[].params] | add" "$1")" = "$("$2" mem --cfg "$3" --format json | jq .params)" ]' _ "$J" "$CP" "$TINY"
ok "fused: the shortcut became a post-op" jq -e '[.layers[] | select(.name == "block.add")] | length == 0' "$J"
ok "fused conv lists its post-ops" jq -e '.layers[] | select(.name == "block.conv2") | .post_ops | test("sum")' "$J"

run "$CP" stat --cfg "$TINY" -n 2 --warmup 0 --fusion off --format json
ok "unfused: bn, activation and add are rows of their own" sh -c 'echo "$1" | jq -e "[.layers[].kind] | (index(\"bn\") != null) and (index(\"add\") != null) and (index(\"relu\") != null)" >/dev/null' _ "$out"
ok "unfused has more ops than fused" sh -c '[ "$(echo "$1" | jq .total.ops)" -gt "$(jq .total.ops "$2")" ]' _ "$out" "$J"

run "$CP" stat --cfg "$TINY" -n 2 -e none --ebpf none --format json
ok "-e none --ebpf none: time only, no event columns" sh -c 'echo "$1" | jq -e ".backend == \"time\" and (.events | length) == 0 and .total.latency_ms > 0" >/dev/null' _ "$out"
run "$CP" stat --cfg "$TINY" -n 2 -e none --format json
ok "-e none keeps the eBPF columns only" sh -c 'echo "$1" | jq -e ".backend == \"time\" and all(.events[]; .source == \"ebpf\")" >/dev/null' _ "$out"

for l in nchw nhwc; do
	run "$CP" stat --cfg "$TINY" -n 2 --warmup 0 -l $l --format json
	ok "-l $l: conv layers run in $l" sh -c 'echo "$1" | jq -e "[.layers[] | select(.kind == \"conv\") | .layout] | all(. == \"$2\")" >/dev/null' _ "$out" "$l"
done

run "$CP" stat --cfg "$TINY" -n 2 --warmup 0 -p int8 -l nchw --no-overhead --format json
ok "int8 with nchw: reference kernels are flagged" sh -c 'echo "$1" | jq -e "[.layers[] | select(.reference_kernel)] | length > 0" >/dev/null' _ "$out"
run "$CP" stat --cfg "$TINY" -n 2 --warmup 0 -p int8 -l nchw --no-overhead
ok "and the text says so at a glance" sh -c 'echo "$1" | grep -q "^WARNING: .* reference kernels" && echo "$1" | grep -q "REFERENCE KERNEL"' _ "$out"

run "$CP" stat --cfg "$TINY" -n 4 --warmup 0 -e 'task-clock,{page-faults,context-switches}' --rotate --format json
ok "--rotate measures group by group" sh -c 'echo "$1" | jq -e ".rotate == true and .total.counts[\"task-clock\"] > 0 and (.total.counts | has(\"context-switches\"))" >/dev/null' _ "$out"

run "$CP" stat --cfg "$TINY" -n 2 --warmup 0 --per-thread --format json
ok "--per-thread: one entry per worker in each layer" sh -c 'echo "$1" | jq -e "all(.layers[]; (.threads | length) == (\$ARGS.named.n | tonumber))" --arg n "$(echo "$1" | jq .config.threads)" >/dev/null' _ "$out"

run "$CP" stat --cfg "$TINY" -n 2 --warmup 0 --sort time --top 3 --format csv
ok "--sort time --top 3: three rows, largest first" sh -c 'echo "$1" | awk -F, "NR>1 && NR<=4 {print \$6}" | sort -gr -c && [ "$(echo "$1" | grep -cv "^#\|(other)\|^,total")" -eq 3 ]' _ "$out"

run "$CP" stat --cfg "$TINY" -t 1 -n 2 --warmup 0 --pin 1 --format json
ok "--pin with a cpu list" sh -c 'echo "$1" | jq -e ".config.cpus == [1] and .config.threads == 1" >/dev/null' _ "$out"

expect_fail "unknown model" "unknown model 'resnet5' \(did you mean 'resnet50'\?\)" "$CP" stat resnet5
printf '[net]\nwidth=32\nheight=32\nchannels=3\n\n[convolutional]\nfliters=8\n' >"$TMP/bad.cfg"
expect_fail "malformed cfg names file and line" "bad.cfg:7: unknown key 'fliters'" "$CP" stat --cfg "$TMP/bad.cfg"
expect_fail "a size that does not fit" "size 600x600 does not fit yolov3: use a multiple of 32" "$CP" stat yolov3 -s 600
expect_fail "a configuration too big for memory is refused, not OOM-killed" "needs .* of buffers|cannot allocate" "$CP" stat yolov3 -s 16384 -b 64 --ebpf none
expect_fail "unknown event" "unknown event 'cylces'" "$CP" stat --cfg "$TINY" -e cylces
expect_fail "bad group syntax" "unbalanced" "$CP" stat --cfg "$TINY" -e '{cycles,instructions'
expect_fail "unknown sort key (before running)" "unknown sort key 'tiem'" "$CP" stat --cfg "$TINY" --sort tiem
expect_fail "a cpu that does not exist" "cpu 999 does not exist" "$CP" stat --cfg "$TINY" --pin 0,999
expect_fail "model and --cfg both" "not both" "$CP" stat resnet50 --cfg "$TINY"
expect_fail "no model" "which model" "$CP" stat

# SIGINT during the measured iterations: what was measured, marked partial
"$CP" stat resnet50 -s 64 -n 100000 --warmup 1 --no-overhead --progress >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
for i in $(seq 100); do grep -q "measuring" "$TMP/int.err" 2>/dev/null && break; sleep 0.2; done
sleep 0.5
kill -INT $pid
wait $pid
status=$?
ok "SIGINT: exits 0 with the iterations it finished" test "$status" -eq 0
ok "and says the run is partial" grep -q "^PARTIAL" "$TMP/int.out"

# The overhead under noise: a busy loop on a core the workers use. Whatever
# the noise does, the figure is shown only outside it, with it; else null
# and the reason, and the text header says the same.
sh -c 'while :; do :; done' & busy=$!
taskset -pc 0 $busy >/dev/null 2>&1
"$CP" stat --cfg "$TINY" -n 15 --warmup 1 -t 2 -e none --format json >"$TMP/noisy.json" 2>/dev/null
"$CP" stat --cfg "$TINY" -n 15 --warmup 1 -t 2 -e none >"$TMP/noisy.txt" 2>/dev/null
kill $busy
wait $busy 2>/dev/null
ok "busy core: the overhead's spread is measured" \
	jq -e '.total.overhead_spread_pct | type == "number" and . >= 0' "$TMP/noisy.json"
ok "busy core: a figure outside its noise, or null with the reason" jq -e '.total |
	if .overhead_pct == null then
		(.overhead_reason | test("^not measurable here \\(noise ±[0-9.]+%\\)$")) and
		.overhead_spread_pct > 0
	else (.overhead_pct | fabs) >= .overhead_spread_pct and .overhead_reason == null end' "$TMP/noisy.json"
ok "busy core: the text header shows the noise" \
	grep -Eq "instrumentation overhead (-?[0-9.]+% \(noise ±[0-9.]+%\)|not measurable here \(noise ±[0-9.]+%\))" "$TMP/noisy.txt"
run "$CP" stat --cfg "$TINY" -n 2 --warmup 0 --no-overhead --format json
ok "--no-overhead: overhead, spread and reason are null" sh -c 'echo "$1" | jq -e ".total | .overhead_pct == null and .overhead_spread_pct == null and .overhead_reason == null" >/dev/null' _ "$out"

done_testing
