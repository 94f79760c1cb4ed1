# eBPF in stat: pinning proof, first-touch faults per tensor, in-kernel
# sampling that follows time, honest 'unavailable' without privileges, and
# nothing left loaded afterwards.
. "$(dirname "$0")/lib.sh"
TINY="$TOP/tests/data/tiny.cfg"
UNEQUAL="$TOP/tests/data/unequal.cfg"

if [ "$(id -u)" != 0 ]; then
	skip "eBPF checks" "not root: eBPF needs root or CAP_BPF + CAP_PERFMON"
	done_testing
	exit
fi

J="$TMP/tiny.json"
"$CP" stat --cfg "$TINY" -n 10 --warmup 2 --format json >"$J" 2>"$TMP/err"
ok "stat with every eBPF part runs" jq -e '.iterations == 10' "$J"
ok "every eBPF column is counted or says why not" jq -e '
	[.events[] | select(.source == "ebpf")] as $e | ($e | length) >= 17 and
	all($e[]; .supported or (.reason | startswith("unavailable: ")))' "$J"

# part_why PART: empty when the part loaded, else its reason (for a skip)
part_why() {
	jq -r --arg p "$1:" '[.events[] | select(.source == "ebpf" and (.name | startswith($p)) and (.supported | not)) | .reason][0] // empty' "$J"
}

why=$(part_why sched)
if [ -z "$why" ]; then
	ok "pinned: 0 migrations in every layer (sched:migrations)" jq -e 'all(.layers[], .other; .counts["sched:migrations"] == 0)' "$J"
else
	skip "pinned: 0 migrations in every layer" "$why"
fi
why=$(part_why faults)
if [ -z "$why" ]; then
	ok "first iteration: faults land on the tensors it touched first" jq -e '
		.total.counts as $t | ($t["faults:first:src"] + $t["faults:first:dst"] + $t["faults:first:scratchpad"] + $t["faults:first:weights"]) > 0' "$J"
	ok "steady state: (near) no faults per inference" jq -e '.total.counts["faults:total"] < 1' "$J"
	ok "fault columns say which huge-page mode they were counted under" jq -e '
		[.events[] | select(.name == "faults:total")][0].note | test("transparent huge pages: ")' "$J"
else
	skip "first-touch and steady-state faults" "$why"
fi

# sampling: per-layer samples add up, and follow time on unequal layers
U="$TMP/unequal.json"
"$CP" stat --cfg "$UNEQUAL" -n 60 --warmup 2 -e none --ebpf sample --no-overhead --format json >"$U" 2>"$TMP/err"
ev=$(jq -r '[.events[] | select(.name | startswith("sample:")) | .name][0]' "$U")
why=$(jq -r '[.events[] | select(.name | startswith("sample:")) | select(.supported | not) | .reason][0] // empty' "$U")
if [ -n "$why" ]; then
	skip "sampling follows time" "$why"
else
	ok "samples: layers plus (other) add up to the workers' total" jq -e --arg e "$ev" '
		(([.layers[].counts[$e]] | add) + .other.counts[$e]) as $s | ($s - .total.counts[$e] | fabs) <= 1e-6 * .total.counts[$e] + 1e-9' "$U"
	# Spearman rank correlation of samples and time over the conv layers
	rho=$(jq -r --arg e "$ev" '[.layers[] | select(.kind == "conv") | [.time_ms, .counts[$e]]] | .[] | @tsv' "$U" | awk '
		{ t[NR] = $1; s[NR] = $2 }
		END {
			n = NR
			for (i = 1; i <= n; i++) { rt[i] = 1; rs[i] = 1
				for (j = 1; j <= n; j++) { if (t[j] < t[i]) rt[i]++; if (s[j] < s[i]) rs[i]++ } }
			for (i = 1; i <= n; i++) d += (rt[i] - rs[i]) ^ 2
			printf "%.3f\n", 1 - 6 * d / (n * (n * n - 1))
		}')
	ok "sample shares follow time shares (Spearman $rho > 0.8)" awk -v r="$rho" 'BEGIN { exit !(r > 0.8) }'
fi

# without privileges: every part unavailable with a reason, the run goes on
if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$CP" 2>/dev/null &&
   setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$TINY" 2>/dev/null; then
	(cd "$TMP" && setpriv --reuid=65534 --regid=65534 --clear-groups "$CP" stat --cfg "$TINY" -n 2 --format json) >"$TMP/unpriv.json" 2>"$TMP/unpriv.err"
	ok "unprivileged: the run still succeeds" jq -e '.iterations == 2' "$TMP/unpriv.json"
	ok "unprivileged: every eBPF part says unavailable with a reason" jq -e '
		[.events[] | select(.source == "ebpf")] as $e | ($e | length) > 0 and
		all($e[]; .supported == false and (.reason | startswith("unavailable: ")))' "$TMP/unpriv.json"
	ok "unprivileged: no eBPF count appears anywhere" jq -e '
		all(.layers[], .other, .total; .counts | keys | all(contains(":") | not))' "$TMP/unpriv.json"
else
	skip "unprivileged eBPF checks" "setpriv missing or the build is not readable by uid 65534"
fi

# nothing stays loaded: BPF programs before and after a run interrupted by SIGINT
if command -v bpftool >/dev/null; then
	before=$(bpftool prog show 2>/dev/null | grep -c '^[0-9]')
	"$CP" stat resnet50 -s 64 -n 100000 --no-overhead --progress >/dev/null 2>"$TMP/int.err" &
	pid=$!
	for i in $(seq 100); do grep -q "measuring" "$TMP/int.err" 2>/dev/null && break; sleep 0.2; done
	during=$(bpftool prog show 2>/dev/null | grep -c '^[0-9]')
	kill -INT $pid
	wait $pid
	st=$?
	ok "SIGINT ends the eBPF run cleanly (status $st)" test "$st" -eq 0
	after=$before
	for i in $(seq 50); do
		after=$(bpftool prog show 2>/dev/null | grep -c '^[0-9]')
		[ "$after" -le "$before" ] && break
		sleep 0.1
	done
	ok "programs were loaded during the run ($during > $before)" test "$during" -gt "$before"
	ok "and none is left afterwards ($after <= $before)" test "$after" -le "$before"
else
	skip "BPF programs released" "bpftool not installed"
fi

done_testing
