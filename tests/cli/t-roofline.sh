# convprof roofline: a recorded run against measured ceilings.
. "$(dirname "$0")/lib.sh"
TINY="$TOP/tests/data/tiny.cfg"
DB="$TMP/r.db"
CACHE="$TMP/machine.json"

"$CP" record -q -o "$DB" --cfg "$TINY" -n 3 --ebpf none
ok "no ceilings and --no-measure: one line, exit 1" sh -c '
	"$1" roofline -i "$2" --cache "$3" --no-measure -o none >/dev/null 2>"$4/e"; s=$?
	[ $s -eq 1 ] && [ $(wc -l <"$4/e") -eq 1 ] && grep -q "convprof machine" "$4/e"' _ "$CP" "$DB" "$CACHE" "$TMP"

ok "convprof machine --quick keeps its ceilings in the recording" "$CP" machine --quick --cache "$CACHE" -o "$DB" --format json
run "$CP" roofline -i "$DB" --cache "$TMP/none.json" --no-measure -o "$TMP/roof.svg" --format json
ok "roofline finds the ceilings in the recording" test "$status" -eq 0
ok "JSON: ceilings, layers, efficiency" sh -c 'echo "$1" | jq -e "has(\"ceilings\") and has(\"layers\") and has(\"efficiency\") and .ceilings.peak_gflops > 0 and .ceilings.bw_gbs > 0" >/dev/null' _ "$out"
ok "every conv and fc layer has a point" sh -c '[ "$(echo "$1" | jq "[.layers[] | select(.kind == \"conv\" or .kind == \"fc\")] | length")" -eq "$("$2" report -i "$3" --format json | jq "[.layers[] | select(.kind == \"conv\" or .kind == \"fc\")] | length")" ]' _ "$out" "$CP" "$DB"
ok "verdicts are the documented ones" sh -c 'echo "$1" | jq -e "all(.layers[]; .verdict | IN(\"compute-bound\", \"bandwidth-bound\", \"neither: latency/overhead\", \"reference kernel\", \"not measured\"))" >/dev/null' _ "$out"
ok "attainable is min(peak, bw x ai)" sh -c 'echo "$1" | jq -e ".ceilings as \$c | all(.layers[] | select(.ai != null); ((.attainable_gflops - ([\$c.peak_gflops, \$c.bw_gbs * .ai] | min)) | fabs) < 1e-6 * .attainable_gflops)" >/dev/null' _ "$out"
ok "MAC utilisation is achieved over peak" sh -c 'echo "$1" | jq -e ".efficiency | ((.mac_utilization - .gops / .peak_gops) | fabs) < 1e-9" >/dev/null' _ "$out"
if command -v xmllint >/dev/null; then
	ok "the chart is valid XML" xmllint --noout "$TMP/roof.svg"
else
	skip "the chart is valid XML" "xmllint not installed"
fi
ok "the chart names the ceilings" grep -q "GFLOP/s" "$TMP/roof.svg"
mkfifo "$TMP/roof.fifo"
cat "$TMP/roof.fifo" >"$TMP/from-fifo.svg" & reader=$!
ok "roofline -o FIFO with a reader" "$CP" roofline -i "$DB" --cache "$TMP/none.json" --no-measure -o "$TMP/roof.fifo"
wait $reader
ok "the reader got the chart and the FIFO stays" sh -c 'grep -q "</svg>" "$1/from-fifo.svg" && test -p "$1/roof.fifo"' _ "$TMP"

run "$CP" roofline -i "$DB" --cache "$CACHE" -o none
ok "text: one row per conv layer and the efficiency" sh -c 'echo "$1" | grep -q "MAC utilisation" && echo "$1" | grep -q " block.conv1 "' _ "$out"

if command -v sqlite3 >/dev/null; then
	cp "$DB" "$TMP/other.db"
	sqlite3 "$TMP/other.db" "UPDATE machine SET cpu_model = 'Imaginary CPU 9000'"
	expect_fail "a run from another machine is refused" "recorded on Imaginary CPU 9000" \
		"$CP" roofline -i "$TMP/other.db" --cache "$CACHE" --no-measure -o none
else
	skip "a run from another machine is refused" "sqlite3 not installed"
fi
expect_fail "a missing recording" "cannot open|does not exist|No such file" "$CP" roofline -i "$TMP/nope.db" -o none
expect_fail "a bad run id" "bad run id" "$CP" roofline -i "$DB" --run x -o none
ok "no chart left behind by a failure" test ! -e "$TMP/nope.svg"

done_testing
