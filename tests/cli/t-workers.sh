# The per-worker view: busy, wait and imbalance columns on a fixed
# recording (golden), record --timeline and report --format chrome on a
# live run (trace-event JSON, tracks apart, times agree with the report),
# imbalance high on a layer one worker runs and low on a big conv.
#
# After an intended change of output: CP_UPDATE_GOLDEN=1 sh tests/cli/t-workers.sh
. "$(dirname "$0")/lib.sh"
GOLDEN="$TOP/tests/golden"
WRITER="$TOP/build/tests/test-store"
TINY="$TOP/tests/data/tiny.cfg"
UNEQUAL="$TOP/tests/data/unequal.cfg"


cd "$TMP" || exit 1
if [ -x "$WRITER" ]; then
	ok "write the per-worker fixture" "$WRITER" --write-fixture-workers w.db
	golden report-workers.txt "$CP" report -i w.db --per-thread
	golden report-workers.csv "$CP" report -i w.db --format csv
	run "$CP" report -i w.db --format json
	ok "JSON: imbalance and workers per layer (DESIGN.md)" sh -c 'echo "$1" | jq -e "
		(.layers[1].imbalance | . > 0.12 and . < 0.13) and .layers[2].imbalance == 0.5 and
		(.layers[1].workers | length) == 2 and .layers[1].workers[1].busy_ms == 3.375 and
		.layers[1].workers[1].wait_ms == 1.125" >/dev/null' _ "$out"
	run "$CP" report -i w.db --format chrome
	ok "chrome: the fixture's trace is trace-event JSON" sh -c 'echo "$1" | jq -e "
		(.traceEvents | map(select(.ph == \"X\")) | length) == 26 and
		all(.traceEvents[]; has(\"ph\") and has(\"pid\") and has(\"tid\"))" >/dev/null' _ "$out"
	ok "chrome -o writes the file" "$CP" report -i w.db --format chrome -o "$TMP/w.json"
	ok "and it is the same trace" sh -c 'cmp -s "$1" "$2"' _ "$TMP/w.json" "$TMP/run.out"
	expect_fail "chrome -o into a missing directory" "cannot write" \
		"$CP" report -i w.db --format chrome -o "$TMP/no/such/dir/t.json"
	ok "and no file is half-written there" test ! -e "$TMP/no/such/dir/t.json"
else
	skip "per-worker golden tests" "build/tests/test-store not built (run make tests)"
fi

# fixtures without busy time render as before: no columns, no JSON fields
DB="$TMP/rec.db"
ok "record a run without --timeline" "$CP" record -q -o "$DB" --cfg "$TINY" -n 3 --warmup 1 --no-overhead --ebpf none
expect_fail "chrome without a timeline says how to get one" "record it with 'convprof record --timeline'" \
	"$CP" report -i "$DB" --format chrome
expect_fail "-o without --format chrome" "-o applies to --format html and chrome" \
	"$CP" report -i "$DB" -o "$TMP/x.json"
expect_fail "--format chrome with --by" "takes only" "$CP" report -i "$DB" --format chrome --by kind
expect_fail "--timeline=0 is refused" "out of range" "$CP" record -q -o "$DB" --cfg "$TINY" --timeline=0
expect_fail "--timeline with --no-busy contradicts" "needs the busy time" "$CP" record -q -o "$DB" --cfg "$TINY" --timeline --no-busy
run env CONVPROF_HOOK=/nonexistent "$CP" record -o "$DB" --cfg "$TINY" -n 2 --warmup 1 --no-overhead --ebpf none --timeline
ok "no hook library: record says there is no timeline, and why" sh -c '[ "$1" -eq 0 ] && echo "$2" | grep -q "no timeline recorded: CONVPROF_HOOK"' _ "$status" "$err"
expect_fail "and chrome says busy time was not measured" "busy time was not measured" "$CP" report -i "$DB" --format chrome
run "$CP" stat --cfg "$TINY" -n 3 --warmup 1 --no-overhead --ebpf none --no-busy --format json
ok "--no-busy: no workers, and the reason" sh -c 'echo "$1" | jq -e "
	(.layers | all(has(\"workers\") | not)) and (.busy_note | test(\"no-busy\"))" >/dev/null' _ "$out"

# a live timeline: 9 iterations kept of 9 measured, so medians are of the same ones
ok "record --timeline=9 -n 9" "$CP" record -q -o "$DB" --cfg "$UNEQUAL" -n 9 --timeline=9 --no-overhead --ebpf none
"$CP" report -i "$DB" --format json >"$TMP/rep.json"
"$CP" report -i "$DB" --format chrome -o "$TMP/trace.json"
if command -v python3 >/dev/null; then
	ok "the trace: trace-event fields, tracks apart, slice times agree with the report (5%)" \
		python3 "$TOP/tests/cli/check-trace.py" "$TMP/trace.json" "$TMP/rep.json"
else
	skip "trace checks" "python3 not installed"
fi
ok "report shows busy from the recording" sh -c 'jq -e ".layers[0].workers | length >= 1" "$1" >/dev/null' _ "$TMP/rep.json"

nthreads=$(jq '.config.threads' "$TMP/rep.json")
if [ "$nthreads" -ge 2 ]; then
	run "$CP" stat --cfg "$TINY" -n 20 --no-overhead --ebpf none -e none --format json
	ok "a tiny fc runs on one worker: imbalance near 1 - 1/n" sh -c 'echo "$1" | jq -e "
		.layers[] | select(.kind == \"fc\") | .imbalance >= 0.4" >/dev/null' _ "$out"
	ok "a big conv splits evenly: imbalance low" sh -c 'jq -e "
		.layers[] | select(.name == \"large\") | .imbalance < 0.2" "$1" >/dev/null' _ "$TMP/rep.json"
	# sweep --threads: per-layer speedup, efficiency and a verdict for each layer
	export TMPDIR="$TMP/tmp"
	mkdir -p "$TMPDIR"
	run "$CP" sweep -q --cfg "$TINY" -n 3 --warmup 1 --no-overhead --ebpf none --no-record --threads 1,2 --format json
	ok "sweep --threads 1,2: every layer of the 2-thread combination has a verdict" sh -c 'echo "$1" | jq -e "
		(.combinations[1].layers | length) > 5 and
		all(.combinations[1].layers[]; (.verdict | IN(\"scales\", \"serial\", \"imbalance\", \"contention\", \"overhead\", \"not measurable\")) and
			(if .speedup == null then .verdict == \"not measurable\" and .efficiency == null
			else ((.speedup - (.efficiency * 2)) | fabs) < 1e-9 end)) and
		(.combinations[0].layers | length) == 0" >/dev/null' _ "$out"
	ok "the summary names the layers that lose the most" sh -c 'echo "$1" | jq -e "
		(.summary.losing_layers | length) == 3 and .summary.losing_layers[0].threads == 2 and
		.summary.losing_layers[0].lost_ms >= .summary.losing_layers[1].lost_ms" >/dev/null' _ "$out"
	run "$CP" sweep -q --cfg "$TINY" -n 3 --warmup 1 --no-overhead --ebpf none --no-record --threads 1,2
	ok "text: the per-layer table and the summary sentence" sh -c 'echo "$1" | grep -q "the 10 that lose the most time" && echo "$1" | tr "\n" " " | grep -q "Layers that lose the most at 2 threads"' _ "$out"
else
	skip "imbalance of a one-worker layer and of a big conv" "one worker on this machine"
	skip "sweep --threads verdicts" "one worker on this machine"
fi
done_testing
