# convprof record: runs appended to the recording file, read back by
# report and diff; an interrupted or killed record never damages the runs
# before it; bad files are refused.
. "$(dirname "$0")/lib.sh"
TINY="$TOP/tests/data/tiny.cfg"
DB="$TMP/rec.db"
REC="$CP record -q -o $DB --cfg $TINY -n 3 --warmup 1 --no-overhead"

ok "record a first run (nchw)" $REC -l nchw
ok "record a second run (nhwc)" $REC -l nhwc
run "$CP" report -i "$DB" --list --format csv
ok "two runs in the file" sh -c '[ $(echo "$1" | tail -n +2 | wc -l) -eq 2 ]' _ "$out"
run "$CP" report -i "$DB" --run 1 --format json
ok "report reads run 1 back with the stat contract" sh -c 'echo "$1" | jq -e ".config.layout == \"nchw\" and (.layers | length) > 5 and .total.latency_ms > 0" >/dev/null' _ "$out"
"$CP" report -i "$DB" --run 1 --format json >"$TMP/run1.before"
"$CP" report -i "$DB" --run 2 --format csv >"$TMP/run2.before"

run "$CP" diff -i "$DB" 1 2
ok "diff names the layouts in its summary" sh -c 'echo "$1" | grep -q "nhwc vs nchw"' _ "$out"
ok "diff text: the table fits 200 columns" \
	sh -c 'echo "$1" | sed "1,/^\$/d" | awk "length(\$0) > 200 { bad = 1 } END { exit bad }"' _ "$out"
ok "diff text: one 'not compared' line per reason, not per event" \
	sh -c '[ $(echo "$1" | grep -c "^not compared: ") -le 3 ]' _ "$out"
ncsv=$("$CP" diff -i "$DB" 1 2 --format csv | head -1 | tr ',' '\n' | grep -c ' ratio$')
ntxt=$(echo "$out" | sed "1,/^\$/d" | head -1 | grep -o 'B/A' | wc -l)
ok "diff CSV keeps every event ($ncsv), text a few ($ntxt)" test "$ncsv" -ge "$ntxt"

# SIGINT during the measured iterations: a partial run, the others intact
$REC -s 64 --progress -n 100000 >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
for i in $(seq 100); do grep -q "measuring" "$TMP/int.err" 2>/dev/null && break; sleep 0.2; done
sleep 0.5
kill -INT $pid
wait $pid
ok "SIGINT: record exits 0 after writing what it measured" test $? -eq 0
run "$CP" report -i "$DB" --format json
ok "the interrupted run is stored, marked partial" sh -c 'echo "$1" | jq -e ".partial == true and .run == 3" >/dev/null' _ "$out"

# SIGKILL at any moment: the file stays valid and earlier runs unchanged
for delay in 0.3 1.0; do
	$REC -n 100000 >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -KILL $pid
	wait $pid 2>/dev/null
	# a killed process cannot remove oneDNN's JIT perf map convprof asked for
	rm -f "/tmp/perf-$pid.map"
done
if command -v sqlite3 >/dev/null; then
	run sqlite3 "$DB" "PRAGMA integrity_check"
	ok "after SIGKILL the file passes integrity_check" test "$out" = ok
else
	skip "integrity_check after SIGKILL" "sqlite3 not installed"
fi
"$CP" report -i "$DB" --run 1 --format json >"$TMP/run1.after"
"$CP" report -i "$DB" --run 2 --format csv >"$TMP/run2.after"
ok "run 1 reads back unchanged" cmp "$TMP/run1.before" "$TMP/run1.after"
ok "run 2 reads back unchanged" cmp "$TMP/run2.before" "$TMP/run2.after"

# bad recording files: one line, non-zero, never overwritten
echo "not a database" >"$TMP/text.db"
cp "$TMP/text.db" "$TMP/text.orig"
expect_fail "record refuses a file that is not a recording" "not a convprof recording" $CP record -q -o "$TMP/text.db" --cfg "$TINY" -n 1
ok "and leaves it as it was" cmp "$TMP/text.db" "$TMP/text.orig"
head -c 3000 "$DB" >"$TMP/cut.db"
expect_fail "record refuses a truncated recording" "truncated|corrupt" $CP record -q -o "$TMP/cut.db" --cfg "$TINY" -n 1
expect_fail "an unknown model writes nothing" "unknown model" $CP record -q -o "$TMP/new.db" nosuchmodel
ok "and leaves no half run behind" sh -c '! "$1" report -i "$2" --list 2>/dev/null | grep -q nosuchmodel' _ "$CP" "$TMP/new.db"

done_testing
