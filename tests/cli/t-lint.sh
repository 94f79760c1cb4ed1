#!/bin/sh
# tests/lint/lint.sh: passes on the tree as it is, and fails with the rule's
# message on one planted violation of each rule (in a copy of the tree).
. "$(dirname "$0")/lib.sh"

LINT="$TOP/tests/lint/lint.sh"
SRC="$TMP/pristine"

if ! command -v nm >/dev/null 2>&1 || ! command -v tsort >/dev/null 2>&1; then
	skip "lint" "nm or tsort missing"
	done_testing
	exit
fi
if [ -z "$(find "$TOP/build" -name '*.o' ! -path '*/tests/*' 2>/dev/null | head -1)" ]; then
	skip "lint" "no objects in build/ (run make)"
	done_testing
	exit
fi

# the sources, the lint and the objects: what lint reads
mkdir -p "$SRC/tests"
(cd "$TOP" && cp -R profiler workloads reports include bpf "$SRC/" &&
	cp -R tests/lint "$SRC/tests/" &&
	find build -name '*.o' ! -path 'build/tests/*' ! -path 'build/bpf/*' |
		while read -r o; do
			mkdir -p "$SRC/$(dirname "$o")" && cp "$o" "$SRC/$o"
		done)

fresh() {	# fresh: a new copy of the tree in $T
	T="$TMP/tree"
	rm -rf "$T"
	cp -R "$SRC" "$T"
}

# planted DESCRIPTION PATTERN: lint on $T fails, and says PATTERN
planted() {
	run sh "$T/tests/lint/lint.sh" "$T"
	n=$((n + 1))
	if [ "$status" -eq 1 ] && printf '%s\n' "$out" | grep -Eq -- "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
		echo "#   status $status, wanted /$2/ in:"
		printf '%s\n' "$out" | sed 's/^/#     /' | head -10
	fi
}

fresh
run sh "$LINT" "$T"
n=$((n + 1))
if [ "$status" -eq 0 ] && ! printf '%s\n' "$out" | grep -q '^lint:'; then
	echo "ok $n - the tree as it is passes"
else
	echo "not ok $n - the tree as it is passes"
	failed=$((failed + 1))
	printf '%s\n' "$out" | sed 's/^/#   /' | head -20
fi

# a known finding (tests/lint/baseline) is shown but does not fail
n=$((n + 1))
if printf '%s\n' "$out" | grep -q '^known: ' || [ "$(grep -cv '^#' "$T/tests/lint/baseline")" -eq 0 ]; then
	echo "ok $n - baseline findings are shown as known"
else
	echo "not ok $n - baseline findings are shown as known"
	failed=$((failed + 1))
fi

# (a) layers: util/ is the lowest layer; hook/ may not reach into core/
fresh
printf '#include "cli/builtin.h"\n' >>"$T/profiler/util/util.c"
line=$(wc -l <"$T/profiler/util/util.c")
planted "include of a higher layer" \
	"^lint: profiler/util/util.c:$line: include: util/ includes cli/, a higher layer"
fresh
printf '#include "core/runner.h"\n' >>"$T/profiler/hook/itt.c"
planted "hook/ includes only hook/, util/, convprof/" \
	"^lint: profiler/hook/itt.c:[0-9]+: include: hook/ is loaded into applications"
fresh
printf '#include "net.h"\n' >>"$T/workloads/model.c"
planted "an include names its folder" \
	"^lint: workloads/model.c:[0-9]+: include: \"net.h\" does not name its folder"

# (b) a cycle: two objects that use each other
fresh
printf 'int lint_b(void);\nint lint_a(void)\n{\n\treturn lint_b();\n}\n' >"$T/workloads/zz-a.c"
printf 'int lint_a(void);\nint lint_b(void)\n{\n\treturn lint_a() + 1;\n}\n' >"$T/workloads/zz-b.c"
if cc -c -o "$T/build/workloads/zz-a.o" "$T/workloads/zz-a.c" &&
   cc -c -o "$T/build/workloads/zz-b.o" "$T/workloads/zz-b.c"; then
	planted "objects that use each other" \
		"^lint: workloads/zz-a.c:1: cycle: workloads/zz-a.o uses 'lint_b' from workloads/zz-b.o, and workloads/zz-b.o uses 'lint_a' from workloads/zz-a.o"
	# three in a loop: a -> b -> c -> a
	printf 'int lint_c(void);\nint lint_b(void)\n{\n\treturn lint_c();\n}\n' >"$T/workloads/zz-b.c"
	printf 'int lint_a(void);\nint lint_c(void)\n{\n\treturn lint_a();\n}\n' >"$T/workloads/zz-c.c"
	cc -c -o "$T/build/workloads/zz-b.o" "$T/workloads/zz-b.c"
	cc -c -o "$T/build/workloads/zz-c.o" "$T/workloads/zz-c.c"
	planted "a longer loop of objects" \
		"^lint: workloads/zz-[abc].c:1: cycle: loop workloads/zz-[abc].o -> .* -> .* ->"
	# an object whose source is gone does not count
	rm "$T/workloads/zz-a.c"
	run sh "$T/tests/lint/lint.sh" "$T"
	ok "a stale object is not part of the tree" test "$status" -eq 0
else
	skip "objects that use each other" "no C compiler"
fi

# (c) printing and exit() only in profiler/cli/
fresh
printf 'void lint_planted(void)\n{\n\tprintf("planted\\n");\n}\n' >>"$T/profiler/store/store.c"
line=$(($(wc -l <"$T/profiler/store/store.c") - 1))
planted "printf outside cli" \
	"^lint: profiler/store/store.c:$line: print: printf\(\) outside profiler/cli/"
fresh
printf 'void lint_planted(void)\n{\n\tfputs("x", stderr);\n\texit(1);\n}\n' >>"$T/reports/table.c"
planted "fputs to stderr outside cli" "^lint: reports/table.c:[0-9]+: print: fputs\(\) outside"
planted "exit() outside cli" "^lint: reports/table.c:[0-9]+: print: exit\(\) outside profiler/cli/"
fresh
# a FILE * the caller gave, and the words in comments or strings, are fine
printf '/* printf(x) */\nvoid lint_planted(FILE *f)\n{\n\tfprintf(f, "exit(1)");\n}\n' >>"$T/reports/table.c"
run sh "$T/tests/lint/lint.sh" "$T"
ok "printing to a FILE * given, and names in comments and strings, pass" test "$status" -eq 0

# (d) a file over 800 lines
fresh
awk 'BEGIN { for (i = 0; i < 801; i++) print "/* line */" }' >"$T/workloads/zz-long.c"
planted "a file over 800 lines" \
	"^lint: workloads/zz-long.c:801: length: 801 lines, over 800"

# (e) a function over 150 lines
fresh
awk 'BEGIN { print "static int lint_long(int x)"; print "{"
	for (i = 0; i < 149; i++) print "\tx++;"
	print "\treturn x;"; print "}" }' >"$T/workloads/zz-func.c"
planted "a function over 150 lines" \
	"^lint: workloads/zz-func.c:1: function: lint_long\(\) is 152 lines, over 150"

done_testing
