# report --format html and diff --format html on the fixed recording: one
# self-contained file, loaded in a real browser (Debian's chromium,
# headless): the DOM has the JSON report's rows and numbers, the inline
# script sorts, names from the recording stay text, and a screenshot is
# taken (tests/out/report-html.png, to look at).
. "$(dirname "$0")/lib.sh"

WRITER="$TOP/build/tests/test-store"
if [ ! -x "$WRITER" ]; then
	skip "html tests" "build/tests/test-store not built (run make check)"
	done_testing
	exit
fi
cd "$TMP" || exit 1
ok "write the fixture recording" "$WRITER" --write-fixture fixture.db
DB=fixture.db

ok "report --format html -o writes the page" "$CP" report -i $DB --run 1 --format html -o r.html
ok "it is one HTML document" sh -c 'head -1 r.html | grep -qx "<!DOCTYPE html>" && tail -1 r.html | grep -qx "</html>"'
# nothing fetched: no external script, style, image or font; the only URL
# is the SVG namespace, which names and loads nothing
ok "self-contained: no src=, href=, <link, @import or url()" \
	sh -c '! grep -Eiq "(src|href)=|<link|@import|url\(" r.html'
ok "no network address but the SVG namespace" \
	sh -c '! grep -Eo "(https?|ftp)://[^\" ]*" r.html | grep -vqx "http://www.w3.org/2000/svg"'
ok "readable without JavaScript: the layer table is in the file (7 rows)" \
	sh -c '[ $(sed -n "/<table id=\"layers\"/,/<\/tbody>/p" r.html | grep -c "^<tr") -eq 7 ]'
ok "the flame graph is inline" grep -q '<svg xmlns="http://www.w3.org/2000/svg"' r.html
ok "without measured ceilings the roofline says why" grep -q "roofline: unknown (" r.html
"$CP" report -i $DB --run 1 --format json >r.json
"$CP" report -i $DB --run 1 --format html >stdout.html
ok "without -o the page goes to standard output, the same page" cmp -s r.html stdout.html

expect_fail "-o without --format html" "-o applies to --format html" \
	"$CP" report -i $DB --run 1 -o x.txt
expect_fail "html takes no --top" "do not apply to html" \
	"$CP" report -i $DB --run 1 --format html --top 3
expect_fail "an unwritable -o: one line" "cannot write '$TMP/no/such/dir/r.html'" \
	"$CP" report -i $DB --run 1 --format html -o "$TMP/no/such/dir/r.html"
ok "and no file half-written" sh -c '! ls "$TMP"/no 2>/dev/null'

# names from a recording are text, never markup
cp $DB evil.db
sqlite3 evil.db "UPDATE layers SET name='<b id=\"evil\">x</b>&amp;' WHERE run_id=1 AND name='fc'" 2>/dev/null
"$CP" report -i evil.db --run 1 --format html -o evil.html
"$CP" report -i evil.db --run 1 --format json >evil.json
ok "a layer name with markup is escaped in the file" \
	grep -qF '&lt;b id=&quot;evil&quot;&gt;x&lt;/b&gt;&amp;amp;' evil.html

ok "diff --format html -o writes the page" "$CP" diff -i $DB 1 3 --format html -o d.html
ok "the diff page has every layer of both runs (8) and the differential flame graph" \
	sh -c '[ $(sed -n "/<table id=\"layers\"/,/<\/tbody>/p" d.html | grep -c "^<tr") -eq 8 ] &&
		grep -q "Differential flame graph" d.html && grep -q "only in fusion off\|fusion off</td>" d.html'

BROWSER=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$BROWSER" ]; then
	skip "the page in a browser" "chromium is not installed (make deps installs it)"
	done_testing
	exit
fi
if ! command -v python3 >/dev/null; then
	skip "the page in a browser" "python3 is not installed (it reads the DOM)"
	done_testing
	exit
fi
# headless, a profile of its own, nothing but the file
browse() {
	timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$TMP/chromium" --window-size=1400,2400 "$@" 2>/dev/null
}
DOMCHECK="$TOP/tests/cli/html-dom.py"
browse --dump-dom "file://$TMP/r.html" >dom.html
ok "chromium loads the page and its script runs" grep -q '<html lang="en" class="js">' dom.html
ok "DOM: 7 layer rows, each time and the total equal to the JSON report" \
	python3 "$DOMCHECK" dom.html r.json
browse --dump-dom "file://$TMP/r.html#sort=time_ms" >sorted.html
ok "the script sorts: #sort=time_ms puts the hottest layer, conv1, first" \
	python3 "$DOMCHECK" sorted.html r.json conv1
browse --dump-dom "file://$TMP/evil.html" >evil-dom.html
ok "DOM: the layer named with markup reads as its text, no element made" \
	python3 "$DOMCHECK" evil-dom.html evil.json
browse --dump-dom "file://$TMP/d.html" >d-dom.html
ok "the diff page loads" grep -q '<table id="layers" class="sortable">' d-dom.html
mkdir -p "$TOP/tests/out"
browse --screenshot="$TMP/report-html.png" "file://$TMP/r.html" >/dev/null
ok "a screenshot of the page (tests/out/report-html.png)" \
	sh -c 'head -c 8 "$1" | od -An -tx1 | grep -q "89 50 4e 47" && [ $(stat -c %s "$1") -gt 20000 ] &&
		cp "$1" "$2"' _ "$TMP/report-html.png" "$TOP/tests/out/report-html.png"
done_testing
