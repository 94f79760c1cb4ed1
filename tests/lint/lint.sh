#!/bin/sh
# convprof's layout and style rules (HACKING.md), one line per finding:
#   lint: FILE:LINE: RULE: WHAT
# Rules:
#   include  a folder includes its own folder and lower layers only:
#            cli -> reports -> study -> {core, ebpf, store, machine}
#            -> workloads -> util; include/convprof/ by anyone; profiler/hook/
#            (loaded into applications) only hook/, util/, include/convprof/;
#            bpf/ headers and the generated *.skel.h only from ebpf/
#   cycle    no two objects (build/**/*.o) that each use a symbol the other
#            defines, nor a longer loop of them
#   print    no printing to the terminal and no exit() outside profiler/cli/
#   length   no source file over 800 lines
#   function no function over 150 lines (opening to closing brace)
# Usage: tests/lint/lint.sh [TOP [BUILD]]  (defaults: the tree it lives in,
# TOP/build). The cycle rule needs the objects: run `make` first (`make lint`
# does). Exit status 0 when nothing was found, 1 otherwise.
#
# tests/lint/baseline lists known findings being fixed elsewhere, one
# "FILE RULE" per line: those are printed as "known:" and do not fail.
set -u
TOP=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${2:-$TOP/build}
cd "$TOP" || exit 1
base=$TOP/tests/lint/baseline
MAX_FILE=800
MAX_FUNC=150
found=$(mktemp "${TMPDIR:-/tmp}/convprof-lint.XXXXXX")
trap 'rm -f "$found" "$found".*' EXIT

# the sources the rules are about: the program, its libraries, the hook, the
# kernel side (not the generated vmlinux.h, not the tests)
srcs=$(ls profiler/*/*.[ch] workloads/*.[ch] reports/*.[ch] include/convprof/*.h \
	bpf/*.[ch] 2>/dev/null | grep -v '^bpf/vmlinux\.h$')

# --- include: the layer order ----------------------------------------------
# shellcheck disable=SC2086
awk '
function folder(path,   p, n) {
	n = split(path, p, "/")
	if (p[1] == "profiler" && n >= 3) return p[2]
	if (p[1] == "include") return p[2]
	return p[1]
}
function rank(f) {
	if (f == "cli") return 0
	if (f == "reports") return 1
	if (f == "study") return 2
	if (f == "core" || f == "ebpf" || f == "store" || f == "machine") return 3
	if (f == "workloads") return 4
	if (f == "util") return 5
	return -1
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	inc = $0
	sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
	from = folder(FILENAME)
	n = split(inc, q, "/")
	to = (n > 1) ? q[1] : ""
	bad = ""
	if (to == "") {
		if (!(from == "ebpf" && inc ~ /\.skel\.h$/) && from != "bpf")
			bad = "\"" inc "\" does not name its folder"
	} else if (to == "convprof") {
		bad = ""
	} else if (from == "convprof") {
		bad = "include/convprof/ includes only include/convprof/, not " to "/"
	} else if (from == "hook") {
		if (to != "hook" && to != "util")
			bad = "hook/ is loaded into applications: it includes only hook/, util/ and convprof/, not " to "/"
	} else if (to == "bpf") {
		if (from != "ebpf" && from != "bpf")
			bad = "only ebpf/ includes bpf/ headers, not " from "/"
	} else if (to == "hook") {
		if (from != "hook" && from != "core")
			bad = from "/ includes hook/, the library loaded into applications"
	} else if (from == "bpf") {
		bad = "bpf/ (kernel side) includes only bpf/, not " to "/"
	} else if (rank(to) < 0) {
		bad = "\"" inc "\": no such folder in the layer order"
	} else if (rank(to) < rank(from)) {
		bad = from "/ includes " to "/, a higher layer (order: cli, reports, study, core|ebpf|store|machine, workloads, util)"
	}
	if (bad != "")
		printf "lint: %s:%d: include: %s\n", FILENAME, FNR, bad
}' $srcs >>"$found"

# --- print: terminal output and exit() only in profiler/cli/ ----------------
# Comments and string literals are blanked first so help texts and comments
# that name these functions do not count.
for f in $srcs; do
	case "$f" in profiler/cli/*|bpf/*) continue ;; esac
	echo "$f"
done >"$found.print"
if [ -s "$found.print" ]; then
	# shellcheck disable=SC2046
	awk '
	FNR == 1 { incomment = 0 }
	{
		line = $0; out = ""
		while (line != "") {
			if (incomment) {
				i = index(line, "*/")
				if (i == 0) { line = ""; break }
				line = substr(line, i + 2); incomment = 0
				continue
			}
			c = substr(line, 1, 1)
			if (substr(line, 1, 2) == "/*") { incomment = 1; line = substr(line, 3); continue }
			if (substr(line, 1, 2) == "//") break
			if (c == "\"" || c == "'\''") {
				j = 2
				while (j <= length(line) && substr(line, j, 1) != c)
					j += (substr(line, j, 1) == "\\") ? 2 : 1
				out = out c c; line = substr(line, j + 1)
				continue
			}
			out = out c; line = substr(line, 2)
		}
		what = ""
		s = " " out
		if (match(s, /[^A-Za-z0-9_](printf|vprintf|puts|putchar|perror|cp_warn|cp_die_msg)[ \t]*\(/))
			what = substr(s, RSTART + 1, RLENGTH - 1)
		else if (match(s, /[^A-Za-z0-9_](fprintf|vfprintf|dprintf)[ \t]*\([ \t]*(stdout|stderr|1|2|STDOUT_FILENO|STDERR_FILENO)[ \t]*,/))
			what = substr(s, RSTART + 1, RLENGTH - 1)
		else if (match(s, /[^A-Za-z0-9_](fputs|fputc|putc|fwrite)[ \t]*\(.*(stdout|stderr)[ \t]*\)/))
			what = substr(s, RSTART + 1, RLENGTH - 1)
		else if (match(s, /[^A-Za-z0-9_>.]exit[ \t]*\(/))
			what = "exit("
		if (what != "") {
			sub(/[ \t]*\(.*$/, "", what)
			if (what == "exit")
				printf "lint: %s:%d: print: exit() outside profiler/cli/: return an error instead\n", FILENAME, FNR
			else
				printf "lint: %s:%d: print: %s() outside profiler/cli/: return an error (cp_error) or take a FILE * or a callback\n", FILENAME, FNR, what
		}
	}' $(cat "$found.print") >>"$found"
fi

# --- length and function: file and function sizes ---------------------------
# Functions are found in the tree's own style: the opening brace of a body
# alone at column 0, the closing one too.
# shellcheck disable=SC2086
awk -v maxfile="$MAX_FILE" -v maxfunc="$MAX_FUNC" '
function report_file() {
	if (prev != "" && lines > maxfile)
		printf "lint: %s:%d: length: %d lines, over %d: split it by concern\n", prev, lines, lines, maxfile
}
FNR == 1 { report_file(); prev = FILENAME; start = 0; decl = ""; decl_line = 0 }
{ lines = FNR }
/^[A-Za-z_]/ && !/^(struct|union|enum)[^(]*\{/ && start == 0 {
	if (index($0, "(")) {
		d = $0; sub(/\(.*$/, "", d); sub(/^.*[^A-Za-z0-9_]/, "", d)
		decl = d; decl_line = FNR
	}
}
/^\{/ && start == 0 { start = FNR; name = decl; name_line = decl_line ? decl_line : FNR }
/^\}/ && start > 0 {
	len = FNR - start + 1
	if (len > maxfunc)
		printf "lint: %s:%d: function: %s() is %d lines, over %d: split it into steps\n", FILENAME, name_line, name, len, maxfunc
	start = 0; decl = ""; decl_line = 0
}
END { report_file() }' $srcs >>"$found"

# --- cycle: objects that use each other -------------------------------------
# the source of build/<obj>.o (build/hook/ holds profiler/hook/'s objects)
src_of() {
	s=${1%.o}
	case "$s" in hook/*) s=profiler/$s ;; esac
	for ext in c S; do
		[ -f "$s.$ext" ] && { echo "$s.$ext"; return; }
	done
	echo "$s.c"
}
if [ -d "$BUILD" ]; then
	objs=$(find "$BUILD" -name '*.o' ! -path "$BUILD/tests/*" ! -path "$BUILD/bpf/*" | sort)
else
	objs=""
fi
if [ -z "$objs" ]; then
	echo "lint: $BUILD: cycle: no objects to check (run make first)" >>"$found"
else
	# one line per object and symbol: "D obj sym" (defines) or "U obj sym"
	# shellcheck disable=SC2086
	for o in $objs; do
		# an object left behind by a source that is gone is not the tree
		[ -f "$(src_of "${o#"$BUILD"/}")" ] || continue
		nm -P "$o" 2>/dev/null | awk -v o="${o#"$BUILD"/}" '
			$2 == "U" { print "U", o, $1; next }
			$2 ~ /^[TDBRVWCG]$/ { print "D", o, $1 }'
	done >"$found.nm"
	awk '
	$1 == "D" { def[$3] = $2; next }
	$1 == "U" { use[NR] = $2 " " $3 }
	END {
		for (i in use) {
			split(use[i], u, " ")
			if (!(u[2] in def) || def[u[2]] == u[1]) continue
			e = u[1] SUBSEP def[u[2]]
			if (!(e in edge)) edge[e] = u[2]
		}
		for (e in edge) {
			split(e, p, SUBSEP)
			r = p[2] SUBSEP p[1]
			if ((r in edge) && p[1] < p[2])
				printf "C %s %s %s %s\n", p[1], p[2], edge[e], edge[r]
			print "E", p[1], p[2] > "/dev/stderr"
		}
	}' "$found.nm" >"$found.pairs" 2>"$found.edges"
	while read -r _ a b sab sba; do
		sa=$(src_of "$a")
		# a use is shown at the first line of the source naming the
		# symbol outside a comment
		la=$(grep -nw -- "$sab" "$sa" 2>/dev/null |
			grep -v '^[0-9]*:[[:space:]]*\(/\*\|\*\|//\)' | head -1 | cut -d: -f1)
		echo "lint: $sa:${la:-1}: cycle: $a uses '$sab' from $b, and $b uses '$sba' from $a: move what both need into the lower one or a new file"
	done <"$found.pairs" >>"$found"
	# longer loops: tsort names the objects of one it finds
	awk '{ print $2, $3 }' "$found.edges" | tsort 2>&1 >/dev/null |
		sed -n 's/^tsort: -: input contains a loop:$/LOOP/p; s/^tsort: \([^ ]*\)$/\1/p' |
		awk 'function flush() { if (n > 2) { s = m[1]; for (i = 2; i <= n; i++) s = s " -> " m[i]; print s } n = 0 }
		     $0 == "LOOP" { flush(); next } { m[++n] = $0 } END { flush() }' |
		while read -r loop; do
			first=${loop%% *}
			echo "lint: $(src_of "$first"):1: cycle: loop $loop -> $first: move what they share into the lowest"
		done >>"$found"
fi

# --- report ------------------------------------------------------------------
status=0
while IFS= read -r l; do
	f=${l#lint: }; f=${f%%:*}
	r=$(echo "$l" | cut -d: -f4 | tr -d ' ')
	if [ -f "$base" ] && grep -qx "$f $r" "$base"; then
		echo "known: ${l#lint: }"
	else
		echo "$l"
		status=1
	fi
done <"$found"
exit $status
