# Dispatch, help, errors and output errors of the convprof front end.
. "$(dirname "$0")/lib.sh"

run "$CP" --version
ok "--version prints the version" test "$status" -eq 0 -a -n "$(echo "$out" | grep -E '^convprof version [0-9]')"

run "$CP" --help
ok "--help lists every command" sh -c 'for c in list topology; do echo "$1" | grep -q "^   $c " || exit 1; done' _ "$out"

expect_fail "no command is a usage error" "usage: convprof" "$CP"
expect_fail "unknown command hints the closest" "'topolgy' is not a convprof command; did you mean 'topology'\?" "$CP" topolgy
expect_fail "unknown command without a close one" "'frobnicate' is not a convprof command" "$CP" frobnicate
expect_fail "unknown global option" "unknown option '--bogus'" "$CP" --bogus
expect_fail "unknown option hints the closest" "unknown option '--formt'; did you mean '--format'\?" "$CP" topology --formt json
expect_fail "unknown short switch" "unknown switch '-Z'" "$CP" topology -Z
expect_fail "bad option value" "option '--format': unknown value 'xml'" "$CP" topology --format xml
expect_fail "non-numeric thread count" "option '--threads': expects a whole number, not 'two'" "$CP" topology -t two
expect_fail "missing option value" "option '--pin': requires a value" "$CP" topology --pin
expect_fail "unexpected operand" "unexpected argument 'extra'" "$CP" topology extra

run "$CP" topology --bogus
ok "usage errors exit 2" test "$status" -eq 2

for c in list topology; do
	run "$CP" help $c
	h1=$out s1=$status
	run "$CP" $c --help
	ok "'help $c' and '$c --help' agree" test "$s1" -eq 0 -a "$status" -eq 0 -a "$h1" = "$out"
	run "$CP" $c -h
	ok "'$c -h' is the short usage" sh -c 'echo "$1" | grep -q "^usage: convprof '$c'" && [ $(echo "$1" | wc -l) -lt $(echo "$2" | wc -l) ]' _ "$out" "$h1"
done

# output errors: a full disk is reported and fails
if [ -w /dev/full ]; then
	run sh -c "'$CP' topology >/dev/full"
	ok "write error on a full disk exits 1" test "$status" -eq 1
	ok "and says so" sh -c 'echo "$1" | grep -q "write error on standard output: No space left on device"' _ "$err"
else
	skip "write error on a full disk" "no /dev/full here"
fi

# a reader that goes away early must not turn into an error message
run sh -c "'$CP' list events --all | head -1"
ok "a closed pipe prints no error" test -z "$err"

# make install honours PREFIX and DESTDIR: the binary and every man page
if command -v make >/dev/null; then
	make -C "$TOP" --no-print-directory -s install DESTDIR="$TMP/root" PREFIX=/opt/cp >/dev/null 2>&1
	ok "make install puts the binary under DESTDIR/PREFIX" test -x "$TMP/root/opt/cp/bin/convprof"
	ok "and one man page per command" sh -c 'for c in $("$1" --help | sed -n "s/^   \([a-z][a-z-]*\) .*/\1/p"); do
		[ -f "$2/opt/cp/share/man/man1/convprof-$c.1" ] || exit 1; done; [ -f "$2/opt/cp/share/man/man1/convprof.1" ]' _ "$CP" "$TMP/root"
	ok "the installed binary runs" "$TMP/root/opt/cp/bin/convprof" --version
else
	skip "make install" "make not installed"
fi

done_testing
