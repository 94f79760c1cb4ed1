# Every command has a man page, it lints clean, and documents every long
# option its --help prints.
. "$(dirname "$0")/lib.sh"

cmds=$("$CP" --help | sed -n 's/^   \([a-z][a-z-]*\) .*/\1/p')
ok "the command list is not empty" test -n "$cmds"

if command -v mandoc >/dev/null; then
	for page in "$TOP"/man/*.1; do
		run mandoc -T lint -W warning "$page"
		ok "$(basename "$page") lints clean" test -z "$out$err"
	done
else
	skip "man pages lint clean" "mandoc not installed"
fi

for c in $cmds; do
	page="$TOP/man/convprof-$c.1"
	ok "convprof-$c.1 exists" test -f "$page"
	[ -f "$page" ] || continue
	# mandoc renders \- as -, so compare against the rendered page
	if command -v mandoc >/dev/null; then
		text=$(mandoc -T ascii "$page" | col -b)
	else
		text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$page")
	fi
	for opt in $("$CP" $c --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		ok "convprof-$c.1 documents $opt" sh -c 'printf "%s" "$1" | grep -qe "$2"' _ "$text" "$opt"
	done
	ok "convprof.1 names $c" grep -q "^\.B $c\$" "$TOP/man/convprof.1"
done

if command -v man >/dev/null; then
	run man -l "$TOP/man/convprof.1"
	ok "man -l man/convprof.1 renders" sh -c '[ "$1" -eq 0 ] && echo "$2" | grep -q "profile the convolution layers"' _ "$status" "$out"
else
	skip "man -l renders convprof.1" "man-db not installed"
fi

done_testing
