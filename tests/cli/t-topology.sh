# convprof topology on this machine and on synthetic ones.
. "$(dirname "$0")/lib.sh"

run "$CP" topology --format json
ok "topology --format json is valid JSON" sh -c 'echo "$1" | jq -e . >/dev/null' _ "$out"
nproc=$(nproc)
ok "reports this machine's $nproc PUs" sh -c 'echo "$1" | jq -e ".pus == $2" >/dev/null' _ "$out" "$nproc"
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
[ "$nodes" -gt 0 ] || nodes=1
ok "reports $nodes NUMA node(s)" sh -c 'echo "$1" | jq -e ".numa_nodes == $2" >/dev/null' _ "$out" "$nodes"
for level in 1 2 3; do
	f=/sys/devices/system/cpu/cpu0/cache
	want=
	for idx in "$f"/index*; do
		[ "$(cat $idx/level)" = "$level" ] && [ "$(cat $idx/type)" != Instruction ] &&
			want=$(numfmt --from=iec "$(cat $idx/size)" 2>/dev/null)
	done
	if [ -n "$want" ]; then
		ok "L$level size matches sysfs ($want bytes)" sh -c \
			'echo "$1" | jq -e "[.caches[] | select(.level == $2 and .type != \"instruction\") | .size_bytes] | index($3) != null" >/dev/null' _ "$out" "$level" "$want"
	else
		skip "L$level size matches sysfs" "no L$level cache in sysfs"
	fi
done
ok "default plan: compact, one worker per core" sh -c \
	'echo "$1" | jq -e ".plan.policy == \"compact\" and .plan.threads == .cores and (.plan.cpus | length) == .cores" >/dev/null' _ "$out"

S="package:2 l3:1(size=16MB) core:4 l2:1(size=1MB) pu:2"
run "$CP" topology --synthetic "$S" --pin scatter -t 4 --format json
ok "synthetic scatter 4: one per package, spread" sh -c 'echo "$1" | jq -e ".plan.cpus == [0,4,8,12]" >/dev/null' _ "$out"
run "$CP" topology --synthetic "$S" --pin compact -t 3 --format csv
ok "compact CSV: header and 3 rows" sh -c '[ "$(echo "$1" | head -1)" = "worker,pu,core,L2,L3,package,numa_node" ] && [ $(echo "$1" | wc -l) -eq 4 ]' _ "$out"
run "$CP" topology --synthetic "package:2 numa:2 core:8 pu:2" --pin numa --node 3 --format json
ok "numa on node 3 uses only node 3's PUs" sh -c 'echo "$1" | jq -e ".plan.node == 3 and (.plan.cpus | all(. >= 48 and . <= 63)) and .numa_nodes == 4" >/dev/null' _ "$out"
run "$CP" topology --synthetic "$S" --pin none -t 5
ok "none: not bound" sh -c 'echo "$1" | grep -q "not bound"' _ "$out"

expect_fail "more workers than PUs" "17 workers do not fit on the 16 PUs" "$CP" topology --synthetic "$S" -t 17
expect_fail "a cpu that does not exist" "cpu 99 does not exist" "$CP" topology --pin 0,99
expect_fail "a node that does not exist" "NUMA node 7 does not exist" "$CP" topology --pin numa --node 7
expect_fail "a bad synthetic description" "invalid synthetic topology" "$CP" topology --synthetic "banana:3"
expect_fail "a missing XML file" "cannot read topology" "$CP" topology --topology "$TMP/none.xml"
expect_fail "--node without --pin numa" "--node applies to --pin numa" "$CP" topology --node 0

if command -v lstopo-no-graphics >/dev/null; then
	lstopo-no-graphics --of xml "$TMP/m.xml" 2>/dev/null
	run "$CP" topology --topology "$TMP/m.xml" --format json
	ok "an XML export gives the same PU count" sh -c 'echo "$1" | jq -e ".pus == $2" >/dev/null' _ "$out" "$nproc"
else
	skip "topology from an XML export" "lstopo-no-graphics (hwloc) not installed"
fi

done_testing
