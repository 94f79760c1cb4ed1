# The fuzz harnesses built without libFuzzer (make tests): every seed and
# every input that ever crashed one (tests/fuzz/crashes/<target>/) runs
# again and must not crash. `make fuzz` does the fuzzing itself.
. "$(dirname "$0")/lib.sh"

for src in "$TOP"/tests/fuzz/fuzz-*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz-}
	bin="$TOP/build/fuzz/replay-$t"
	if [ ! -x "$bin" ]; then
		skip "replay $t" "build/fuzz/replay-$t not built (run make tests)"
		continue
	fi
	set --
	for d in corpus crashes; do
		[ -d "$TOP/tests/fuzz/$d/$t" ] && set -- "$@" "$TOP/tests/fuzz/$d/$t"
	done
	ok "seeds of $t are there" test -n "$(ls "$TOP/tests/fuzz/corpus/$t" 2>/dev/null)"
	ok "replay $t: seeds and past crashes" "$bin" "$@"
done
done_testing
