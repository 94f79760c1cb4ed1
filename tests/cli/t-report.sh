# report, diff and flamegraph on a fixed recording (tests/unit/fixture.h,
# written by `test-store --write-fixture`): golden outputs, and files that
# are not intact recordings refused with one line.
#
# After an intended change of output: CP_UPDATE_GOLDEN=1 sh tests/cli/t-report.sh
# rewrites tests/golden/*; review the diff before committing it.
. "$(dirname "$0")/lib.sh"

GOLDEN="$TOP/tests/golden"
WRITER="$TOP/build/tests/test-store"

if [ ! -x "$WRITER" ]; then
	skip "report tests" "build/tests/test-store not built (run make check)"
	done_testing
	exit
fi
cd "$TMP" || exit 1
ok "write the fixture recording" "$WRITER" --write-fixture fixture.db
DB=fixture.db


# --- report ---
golden report.txt "$CP" report -i $DB --run 1
golden report.csv "$CP" report -i $DB --run 1 --format csv
golden report.json "$CP" report -i $DB --run 1 --format json
golden report-top.txt "$CP" report -i $DB --run 2 --sort time --top 3
golden report-index.txt "$CP" report -i $DB --run 1 --sort index
golden report-by-layout.txt "$CP" report -i $DB --run 1 --by layout
golden report-by-kind.csv "$CP" report -i $DB --run 3 --by kind --format csv
golden report-per-thread.csv "$CP" report -i $DB --run 1 --per-thread --format csv
golden report-list.txt "$CP" report -i $DB --list
golden report.folded "$CP" report -i $DB --run 1 --format folded
golden report-faults.folded "$CP" report -i $DB --run 3 --format folded --weight page-faults

run "$CP" report -i $DB --run 1 --top 0
ok "--top 0: every layer and no '... more' line" \
	sh -c 'printf "%s\n" "$1" | grep -c "^[0-6]  " | grep -qx 7 && ! printf "%s\n" "$1" | grep -q "more layers"' _ "$out"
run "$CP" report -i $DB --run 1 --top 2
ok "--top 2: the two hottest, then one line for the 5 others" \
	sh -c 'printf "%s\n" "$1" | grep -q "^1  conv1 " && printf "%s\n" "$1" | grep -qx "\.\.\. 5 more layers, 28\.9% of the time ('"'"'--top 0'"'"' shows all)"' _ "$out"
run "$CP" report -i $DB
ok "the latest run is the default (run 5, partial)" \
	sh -c 'printf "%s\n" "$1" | grep -q "^run: 5 of" && printf "%s\n" "$1" | grep -q PARTIAL' _ "$out"
run "$CP" report -i $DB --run 1 --format json
ok "report JSON parses, with 7 layers, the event not counted and its reason" \
	sh -c 'printf "%s" "$1" | jq -e ".run == 1 and (.layers | length) == 7 and
		(.events[] | select(.name == \"cycles\") | .supported == false and (.reason | length) > 0)
		and .machine.cores == 2 and (.layers[0].counts | has(\"cycles\") | not)" >/dev/null' _ "$out"
run "$CP" report -i $DB --run 1 --by stage --format json
ok "grouped JSON: 4 stages, their layers add up to 7" \
	sh -c 'printf "%s" "$1" | jq -e ".grouped_by == \"stage\" and (.layers | length) == 4 and
		([.layers[].counts.layers] | add) == 7" >/dev/null' _ "$out"
run "$CP" report -i $DB --run 1 --format folded
ok "folded: frames, a space, an integer; no empty frame" \
	sh -c 'printf "%s\n" "$1" | grep -vqE "^[^; ][^;]*(;[^;]+)* [0-9]+$" && exit 1
		! printf "%s\n" "$1" | grep -q ";;"' _ "$out"
ok "folded time adds up to the rounded layer times (10375 us)" \
	sh -c '[ "$(printf "%s\n" "$1" | awk "{ s += \$NF } END { print s }")" = 10375 ]' _ "$out"

expect_fail "unknown run id" "no run 9 in 'fixture.db' \(it holds runs 1 to 5\)" \
	"$CP" report -i $DB --run 9
expect_fail "bad run id" "bad run id" "$CP" report -i $DB --run x
expect_fail "unknown sort key" "unknown sort key 'tme'" "$CP" report -i $DB --sort tme
expect_fail "sort by an event that was not counted" "not counted" \
	"$CP" report -i $DB --sort cycles
expect_fail "unknown weight event" "no such event \(did you mean 'page-faults'\?\)" \
	"$CP" report -i $DB --format folded --weight page-fault
expect_fail "weight by an event that was not counted" "cycles.*not counted \(no hardware PMU" \
	"$CP" report -i $DB --format folded --weight cycles
expect_fail "--weight without folded" "--weight applies to --format folded" \
	"$CP" report -i $DB --weight page-faults
expect_fail "--by with folded" "apply to the table formats" \
	"$CP" report -i $DB --format folded --by kind
expect_fail "unknown --by" "by" "$CP" report -i $DB --by colour

# --- files that are not intact recordings ---
expect_fail "no convprof.db here: say how to make one" "no 'convprof.db' here; record a run" \
	"$CP" report
expect_fail "missing file" "cannot open 'absent.db': No such file" "$CP" report -i absent.db
printf 'layer,time\nconv1,4.5\n' >text.db
expect_fail "a text file" "'text.db' is not a convprof recording \(not an SQLite database\)" \
	"$CP" report -i text.db
: >empty.db
expect_fail "an empty file" "not a convprof recording \(an empty file\)" "$CP" report -i empty.db
if command -v sqlite3 >/dev/null; then
	sqlite3 other.db "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
	expect_fail "another program's SQLite database" "another program" "$CP" report -i other.db
	cp $DB newer.db && sqlite3 newer.db "PRAGMA user_version = 7"
	expect_fail "a newer schema version" "newer convprof \(schema version 7" \
		"$CP" report -i newer.db
	expect_fail "diff of a newer schema" "newer convprof" "$CP" diff newer.db $DB
else
	skip "foreign and newer SQLite files" "sqlite3 not installed"
fi
size=$(stat -c %s $DB)
head -c $((size / 2)) $DB >trunc.db
expect_fail "a truncated file" "'trunc.db' is truncated" "$CP" report -i trunc.db
head -c 50 $DB >trunc2.db
expect_fail "a file cut inside the header" "truncated" "$CP" report -i trunc2.db
cp $DB garbled.db
# garble a page that holds data (the layers table's root), not free space
page=$(sqlite3 $DB "SELECT rootpage FROM sqlite_master WHERE name = 'layers'")
psize=$(sqlite3 $DB "PRAGMA page_size")
head -c 2000 /dev/zero | tr '\0' 'Z' |
	dd of=garbled.db bs=1 seek=$(( (page - 1) * psize )) conv=notrunc 2>/dev/null
expect_fail "a file garbled in the middle" "'garbled.db' is corrupt" "$CP" report -i garbled.db --run 1
expect_fail "flamegraph of a garbled file" "corrupt" "$CP" flamegraph -i garbled.db -o g.svg
ok "and no SVG is left" test ! -e g.svg

# --- diff ---
golden diff-layout.txt "$CP" diff -i $DB 1 2
golden diff-fusion.csv "$CP" diff -i $DB 1 3 --format csv
golden diff-layout.json "$CP" diff -i $DB 1 2 --format json
golden diff-events.txt "$CP" diff -i $DB 1 3 -e page-faults,task-clock
run "$CP" diff -i $DB 1 2 -e none
ok "diff -e none: time only, and a line saying what is left out" \
	sh -c 'printf "%s\n" "$1" | grep -q "^layer  *kind  *ms A  *ms B  *delta  *B/A *$" &&
		printf "%s\n" "$1" | grep -q "^events: time only (0 of 2 counted in both"' _ "$out"
expect_fail "diff -e of an event not counted in both" "'cycles' was not counted in both runs \\(both counted: task-clock, page-faults\\)" \
	"$CP" diff -i $DB 1 2 -e cycles
run "$CP" diff -i $DB 1 2
ok "diff summary names the layouts" \
	sh -c 'printf "%s\n" "$1" | head -1 | grep -qx "nhwc vs nchw: 1.06x faster, 2 of 3 conv layers faster"' _ "$out"
run "$CP" diff -i $DB 1 3
ok "a layer of one run only is listed as such" \
	sh -c 'printf "%s\n" "$1" | grep -q "^bn1 .*only in fusion off$"' _ "$out"
run "$CP" diff $DB:1 $DB:2 --sort ratio --format json
ok "FILE:ID operands, sorted by ratio: halved layers first" \
	sh -c 'printf "%s" "$1" | jq -e ".layers[0].time_ms.ratio == 0.5 and .summary.speedup > 1" >/dev/null' _ "$out"
expect_fail "diff refuses other models" "different models" "$CP" diff -i $DB 1 4
expect_fail "diff refuses other image sizes" "different image sizes" "$CP" diff -i $DB 1 5
expect_fail "diff needs two runs" "expected two runs" "$CP" diff -i $DB 1
expect_fail "diff of a missing run" "no run 8" "$CP" diff -i $DB 1 8
expect_fail "diff of an unknown sort key" "unknown sort key 'bogus'" \
	"$CP" diff -i $DB 1 2 --sort bogus

# --- flamegraph ---
xml_ok() {	# xml_ok FILE: well-formed XML (xmllint, libxml2-utils)
	if command -v xmllint >/dev/null; then
		xmllint --noout "$1"
	else
		grep -q "</svg>" "$1"
	fi
}
[ -n "$(command -v xmllint)" ] || skip "SVG validated by xmllint" "xmllint not installed (libxml2-utils)"

ok "flamegraph writes an SVG" "$CP" flamegraph -i $DB --run 1 -o run1.svg
ok "it is well-formed XML" xml_ok run1.svg
for l in input_reorder conv1 pool1 res2a_branch2a res2a_branch2b res2a_add fc "(other)"; do
	ok "it names layer $l" grep -qF "<title>$l" run1.svg
done
ok "a title per frame with value and share" \
	grep -qF "conv1 [conv nchw jit:avx512_core] — 4500 us (43.37%)" run1.svg
ok "markup in frame names is escaped" grep -qF "operator&lt;&lt; &lt;&amp;&quot;x&quot;&gt; bad" run1.svg
ok "a legend of kinds" sh -c 'grep -q "class=\"legend\"" run1.svg && grep -q ">conv</text>" run1.svg'
ok "colour by layout" "$CP" flamegraph -i $DB --run 2 --color layout -o layout.svg
ok "with a legend of layouts" grep -q ">nhwc</text>" layout.svg
ok "weighted by an event" "$CP" flamegraph -i $DB --run 1 --weight page-faults -o faults.svg
ok "it says so" grep -qF "weight: page-faults, total 287" faults.svg
ok "differential flamegraph" "$CP" flamegraph -i $DB --diff 1 3 -o diff.svg
ok "it is well-formed XML" xml_ok diff.svg
ok "bn1, only in B, is full red" grep -q "<title>bn1 .*not in A</title><rect [^>]*fill=\"#ff3c3c\"" diff.svg
ok "conv1 unchanged is grey" grep -q "<title>conv1 .*change +0.0%</title><rect [^>]*fill=\"#dcdcdc\"" diff.svg
run "$CP" flamegraph -i $DB --run 1 -o -
ok "-o - writes the SVG to stdout" sh -c 'printf "%s\n" "$1" | tail -1 | grep -qx "</svg>"' _ "$out"
expect_fail "flamegraph --diff refuses other sizes" "different image sizes" \
	"$CP" flamegraph -i $DB --diff 1 5 -o bad.svg
expect_fail "flamegraph with an unknown event" "no such event" \
	"$CP" flamegraph -i $DB --weight nope -o bad.svg
expect_fail "flamegraph into a missing directory" "cannot write 'no/such/dir/x.svg'" \
	"$CP" flamegraph -i $DB -o no/such/dir/x.svg
ok "no SVG and no temporary file left" sh -c '! ls bad.svg* 2>/dev/null | grep -q .'
cp run1.svg keep.svg
expect_fail "a failed run" "no run 9" "$CP" flamegraph -i $DB --run 9 -o keep.svg
ok "leaves an existing SVG as it was" cmp -s run1.svg keep.svg

# every kind of output path: written, never replaced by a regular file
mkfifo fifo
cat fifo >from-fifo & reader=$!
ok "flamegraph -o FIFO with a reader" "$CP" flamegraph -i $DB --run 1 -o fifo
wait $reader
ok "the reader got the SVG" xml_ok from-fifo
ok "the FIFO is still a FIFO" test -p fifo
ok "and no temporary file beside it" sh -c '[ -z "$(ls -A | grep "^\.fifo")" ]'
ln -s run1.svg link.svg
ok "flamegraph -o SYMLINK" "$CP" flamegraph -i $DB --run 2 --color layout -o link.svg
ok "the link is still a link" test -L link.svg
ok "its target has the new SVG" grep -q ">nhwc</text>" run1.svg
ok "flamegraph -o /dev/null" "$CP" flamegraph -i $DB --run 1 -o /dev/null
ok "/dev/null is still a device" test -c /dev/null
run sh -c '"$0" flamegraph -i "$1" --run 1 -o /dev/stdout | tail -1' "$CP" $DB
ok "-o /dev/stdout writes to stdout" test "$out" = "</svg>"
if [ -w /dev/full ]; then
	expect_fail "flamegraph -o /dev/full" "cannot write '/dev/full': No space left" \
		"$CP" flamegraph -i $DB --run 1 -o /dev/full
	ok "/dev/full is still a device" test -c /dev/full
fi

if [ -w /dev/full ]; then
	for c in "report -i $DB" "report -i $DB --format folded" "report -i $DB --format html" "diff -i $DB 1 2" "diff -i $DB 1 2 --format html" "compare $DB" "flamegraph -i $DB -o -"; do
		run sh -c "\"\$0\" $c >/dev/full" "$CP"
		n=$((n + 1))
		if [ "$status" -eq 1 ] && [ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] &&
		   printf '%s' "$err" | grep -q "write error"; then
			echo "ok $n - $c to a full disk: one line, status 1"
		else
			echo "not ok $n - $c to a full disk: status $status: $err"
			failed=$((failed + 1))
		fi
	done
else
	skip "output to a full disk" "no /dev/full"
fi

# optional: the SVG renders (rsvg-convert or headless chromium)
if command -v rsvg-convert >/dev/null; then
	ok "rsvg-convert renders the SVG" sh -c 'rsvg-convert run1.svg -o run1.png && [ -s run1.png ]'
elif command -v chromium >/dev/null; then
	ok "chromium renders the SVG" sh -c 'timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--screenshot=run1.png --window-size=1200,300 "file://$PWD/run1.svg" >/dev/null 2>&1 && [ -s run1.png ]'
else
	skip "the SVG renders to PNG" "neither rsvg-convert nor chromium installed"
fi

done_testing
