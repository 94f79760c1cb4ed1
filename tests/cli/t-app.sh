# convprof stat|record -- <command>: a oneDNN application of known shapes
# (tests/app/prims.c: 3 convolutions, a reorder, a max pooling, N times),
# then PyTorch's ResNet-50 where Debian's python3-torch is installed.
. "$(dirname "$0")/lib.sh"
PRIMS="$TOP/build/tests/app-prims"
STAT="$CP stat -t 2 --ebpf none --format json"
jq_ok() {	# jq_ok DESCRIPTION FILE FILTER
	ok "$1" jq -e "$3" "$2"
}

[ -x "$PRIMS" ] || { echo "Bail out! build/tests/app-prims missing: make tests"; exit 1; }

$STAT -- "$PRIMS" 20 >"$TMP/s.json" 2>"$TMP/s.err"
ok "stat -- app-prims exits 0" test $? -eq 0
ok "the command's stderr stays its own" grep -q "^app-prims: 20 iterations, " "$TMP/s.err"
jq_ok "rows: the five primitives in execution order, named apart" "$TMP/s.json" \
	'[.layers[].name] == ["conv3x3/1 3>16 32x32 #1", "conv3x3/2 16>32 32x32 #1",
	  "conv1x1/1 32>32 16x16 #1", "reorder nchw>nhwc 32x16x16 #1", "maxpool2x2/2 32 16x16 #1"]'
jq_ok "kinds, layouts and implementations" "$TMP/s.json" \
	'[.layers[].kind] == ["conv","conv","conv","reorder","pool"] and
	 [.layers[].layout] == ["nchw","nchw","nchw","nchw","nhwc"] and
	 [.layers[].wei_fmt][0:3] == ["oihw","oihw","oihw"] and .layers[3].dst_fmt == "nhwc" and
	 all(.layers[]; (.impl | length) > 0)'
jq_ok "FLOPs exact (2 x multiply-adds)" "$TMP/s.json" \
	'[.layers[].flops] == [884736, 2359296, 524288, 0, 0]'
jq_ok "the period is found: 20 periods, 3 warm-up dropped, 17 measured" "$TMP/s.json" \
	'.grouping == "sequence" and .periods == 20 and .warmup == 3 and .iterations == 17'
jq_ok "JSON: model, command, exit" "$TMP/s.json" \
	'.model == "app-prims" and .command[1] == "20" and .exit.status == 0 and .partial == false'
jq_ok "rows + (other) add up to the period's time" "$TMP/s.json" \
	'(([.layers[].time_ms] | add) - .total.layers_ms | fabs) < 1e-6 and
	 ((.total.layers_ms + .total.other_ms) - .total.latency_ms | fabs) < 0.05 * .total.latency_ms and
	 .other.time_ms >= 0'
jq_ok "per-worker busy time from ITT tasks, on the planned cpus" "$TMP/s.json" \
	'(.threads | length) == 2 and all(.threads[]; .busy_ms > 0 and .cpus_actual == (.cpu | tostring))'
jq_ok "worker 0's busy time is its own part of the regions (GOMP_parallel stamped): under each row's time" "$TMP/s.json" \
	'all(.layers[]; .workers[0].busy_ms <= .time_ms)'
jq_ok "per-worker task-clock over the command (schedstat at exit)" "$TMP/s.json" \
	'all(.threads[]; .cpu_ms > 0)'

# primitives re-created before each execution (PyTorch's way), with a
# cache of one entry: freed implementations' addresses are taken again by
# other shapes, and the rows are still the five
ONEDNN_PRIMITIVE_CACHE_CAPACITY=1 $STAT -- "$PRIMS" 20 recreate >"$TMP/r.json" 2>/dev/null
ok "stat -- app-prims recreate exits 0" test $? -eq 0
jq_ok "re-created primitives: the same five rows, FLOPs exact" "$TMP/r.json" \
	'[.layers[].name] == ["conv3x3/1 3>16 32x32 #1", "conv3x3/2 16>32 32x32 #1",
	  "conv1x1/1 32>32 16x16 #1", "reorder nchw>nhwc 32x16x16 #1", "maxpool2x2/2 32 16x16 #1"] and
	 [.layers[].flops] == [884736, 2359296, 524288, 0, 0] and .periods == 20'

# oneDNN out of LD_PRELOAD's reach (app-prims bypass calls libdnnl's own
# dnnl_primitive_execute, as a statically linked oneDNN is called): the
# rows come from oneDNN's ITT tasks, by kind and position
$STAT -- "$PRIMS" 20 bypass >"$TMP/b.json" 2>"$TMP/b.err"
ok "stat -- app-prims bypass exits 0" test $? -eq 0
jq_ok "ITT only: the five rows by kind and position, the period found" "$TMP/b.json" \
	'[.layers[].name] == ["conv #1", "conv #2", "conv #3", "reorder #1", "pool #1"] and
	 all(.layers[]; .impl == "(seen by ITT only)" and .time_ms > 0) and
	 .grouping == "sequence" and .periods == 20'
jq_ok "... busy time per worker, and the note says why there are no shapes" "$TMP/b.json" \
	'all(.layers[]; .workers[0].busy_ms > 0) and (.note | test("LD_PRELOAD cannot reach"))'
$CP stat -t 2 --ebpf none -- "$PRIMS" 20 bypass 2>/dev/null | grep -q "^backend: hook (oneDNN's ITT tasks only"
ok "... and the text's backend line says so" test $? -eq 0

# -e: each worker counts on itself at every ITT task (read(2) for software events)
$STAT -e task-clock,page-faults,cycles -- "$PRIMS" 20 >"$TMP/e.json" 2>"$TMP/e.err"
ok "stat -e -- app-prims exits 0" test $? -eq 0
jq_ok "-e task-clock: counted per row and worker, rows add up to the total" "$TMP/e.json" \
	'(.events[] | select(.name == "task-clock") | .supported) and
	 all(.layers[]; .counts["task-clock"] > 0) and
	 (([.layers[].counts["task-clock"]] | add) - .total.counts["task-clock"] | fabs) < 1e-3 * .total.counts["task-clock"]'
# worker 0's busy time leaves out its barrier wait (GOMP_parallel), its task-clock does not
jq_ok "task-clock per period: at least half the workers' busy time, at most their wall time in the rows" "$TMP/e.json" \
	'(.total.counts["task-clock"] / 1e6) as $tc | ([.threads[].busy_ms] | add) as $b |
	 $tc > 0.5 * $b and $tc < 1.1 * 2 * .total.layers_ms + 0.005'
jq_ok "... and under the workers' CPU time over the whole command" "$TMP/e.json" \
	'(.total.counts["task-clock"] / 1e6 * .periods) < ([.threads[].cpu_ms] | add)'
if [ -d /sys/bus/event_source/devices/cpu ]; then
	jq_ok "-e cycles: counted where there is a PMU" "$TMP/e.json" \
		'(.events[] | select(.name == "cycles") | .supported) and .total.counts.cycles > 0'
else
	jq_ok "-e cycles without a PMU: not supported (reason), never 0" "$TMP/e.json" \
		'(.events[] | select(.name == "cycles") | .supported == false and (.reason | length) > 0) and
		 .total.counts.cycles == null'
fi
$CP stat -e task-clock --per-thread -t 2 --ebpf none -- "$PRIMS" 10 >"$TMP/e.txt" 2>/dev/null
ok "-e task-clock --per-thread: a count per worker row" sh -c \
	'grep -A2 "conv3x3/1" "$1" | grep -q "worker 1 .*[0-9K]$"' _ "$TMP/e.txt"
expect_fail "-e an unknown event: one line, exit 1" "unknown event" $CP stat -e no-such-event-xyz -- "$PRIMS" 2

$STAT --warmup 5 -- "$PRIMS" 12 >"$TMP/w.json" 2>/dev/null
jq_ok "--warmup 5 of 12 periods: 7 measured" "$TMP/w.json" '.warmup == 5 and .iterations == 7'

$CP stat --ebpf none --format json --pin none -t 1 -- "$PRIMS" 5 >"$TMP/n1.json" 2>/dev/null
jq_ok "--pin none -t 1: one worker, not pinned" "$TMP/n1.json" \
	'(.threads | length) == 1 and .threads[0].cpu == null and .config.pin == "none"'
OMP_NUM_THREADS=1 $CP stat --ebpf none --format json --pin none -- "$PRIMS" 5 >"$TMP/n2.json" 2>/dev/null
jq_ok "--pin none leaves the command's OMP_NUM_THREADS alone" "$TMP/n2.json" '(.threads | length) == 1'
OMP_NUM_THREADS=1 $STAT -- "$PRIMS" 5 >"$TMP/n3.json" 2>/dev/null
jq_ok "-t 2 overrides it" "$TMP/n3.json" '(.threads | length) == 2'

# convprof's own OpenMP runtime binds convprof under OMP_PROC_BIND: the command must not inherit that
OMP_PROC_BIND=close OMP_PLACES='{0},{1}' $STAT -- "$PRIMS" 5 >"$TMP/b.json" 2>"$TMP/b.err"
ok "a narrowed affinity of convprof does not reach the command's places" sh -c \
	'! grep -q "places reduced" "$2" && jq -e "[.threads[].cpus_actual] | sort == [\"0\", \"1\"]" "$1" >/dev/null' \
	_ "$TMP/b.json" "$TMP/b.err"

$STAT -- "$PRIMS" 1 >"$TMP/p.json" 2>/dev/null
jq_ok "no period (one pass): one row per primitive with its calls" "$TMP/p.json" \
	'.grouping == "primitive" and (.layers | length) == 5 and ([.layers[].calls] | add) == 5'

expect_fail "command not found: one line" "'no-such-command-xyz': command not found" \
	"$CP" stat -- no-such-command-xyz
ok "command not found: exit 127, as a shell" test "$status" -eq 127
expect_fail "a command without oneDNN says so" \
	"no oneDNN primitive ran: .*is it linked to libdnnl.so.2\\?" "$CP" stat -- true
expect_fail "-- without a command" "'--' must be followed by a command" "$CP" stat --
expect_fail "model options do not apply to a command" "'--size' describes a built-in model" \
	"$CP" stat -s 224 -- "$PRIMS"
expect_fail "a model and a command" "give a model or -- <command>, not both" \
	"$CP" stat resnet50 -- "$PRIMS"

run $STAT -- "$PRIMS" 20 crash
ok "a crashing command: convprof exits 128 + SIGSEGV" test "$status" -eq 139
ok "... and says how it ended" sh -c 'echo "$1" | grep -q "killed by signal 11.*partial"' _ "$err"
ok "... what ran before the crash is reported, partial" sh -c \
	'echo "$1" | jq -e ".partial == true and .exit.signal == 11 and .periods == 10 and (.layers | length) == 5" >/dev/null' _ "$out"
ok "... the task-clock it could not read at exit is absent, not 0" sh -c \
	'echo "$1" | jq -e "all(.threads[]; has(\"cpu_ms\") | not)" >/dev/null' _ "$out"
run $STAT -- "$PRIMS" 6 exit3
ok "a command exiting 3: convprof exits 3, partial, status recorded" sh -c \
	'[ "$2" -eq 3 ] && echo "$1" | jq -e ".partial == true and .exit.status == 3" >/dev/null' _ "$out" "$status"

# SIGINT sent to convprof goes to the command
$STAT -- "$PRIMS" 100000000 >"$TMP/int.json" 2>"$TMP/int.err" &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
st=$?
ok "SIGINT is passed to the command: killed by signal 2, partial results" sh -c \
	'[ "$2" -eq 130 ] && jq -e ".exit.signal == 2 and .partial == true" "$1" >/dev/null' _ "$TMP/int.json" "$st"
ok "no process of the command is left" sh -c '! pgrep -f "$1 100000000" >/dev/null' _ "$PRIMS"

# the command gets exactly one fd from convprof: the record
ls -l /proc/self/fd >"$TMP/fds.base" 2>/dev/null
$CP stat --ebpf none -- ls -l /proc/self/fd >"$TMP/fds" 2>/dev/null
ok "the command inherits the fds it would have, and the record only" sh -c \
	'[ $(grep -c . "$1") -eq $(($(grep -c . "$2") + 1)) ] && [ $(grep -c "memfd:convprof-hook" "$1") -eq 1 ]' _ "$TMP/fds" "$TMP/fds.base"

# a second process running oneDNN: not recorded, and said
$STAT -- sh -c '"$1" 5 && "$1" 7' _ "$PRIMS" >"$TMP/two.json" 2>/dev/null
jq_ok "a command starting two oneDNN processes: the first is profiled, the note says so" "$TMP/two.json" \
	'.periods == 5 and (.note | test("only the first process that ran oneDNN is profiled \\(1 more"))'

# the hook fails open: loaded without convprof's record, the program runs as always
ok "the hook without a record stays out of the way" sh -c \
	'LD_PRELOAD="$1" "$2" 3 2>&1 | grep -q "^app-prims: 3 iterations"' _ "$TOP/build/libconvprof-hook.so" "$PRIMS"
ok "... also as oneDNN's ITT collector" sh -c \
	'LD_PRELOAD="$1" INTEL_LIBITTNOTIFY64="$1" INTEL_ITTNOTIFY_GROUPS=all "$2" 3 2>&1 | grep -q "^app-prims: 3 iterations"' \
	_ "$TOP/build/libconvprof-hook.so" "$PRIMS"
ok "a record fd that is not a record is ignored" sh -c \
	'LD_PRELOAD="$1" CONVPROF_HOOK_FD=0 "$2" 3 </dev/null 2>&1 | grep -q "^app-prims: 3 iterations"' \
	_ "$TOP/build/libconvprof-hook.so" "$PRIMS"

# an unprivileged user: eBPF says why not, the rest runs
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
   setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$PRIMS" 2>/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		$CP stat -t 2 --format json -- "$PRIMS" 5 >"$TMP/np.json" 2>/dev/null
	jq_ok "unprivileged: rows measured, eBPF parts unavailable with the reason" "$TMP/np.json" \
		'(.layers | length) == 5 and any(.events[]; .supported == false and (.reason | startswith("unavailable: ")))'
else
	skip "unprivileged user" "needs root, setpriv and a tree 'nobody' can read"
fi

# eBPF follows the command: the parts load for its pid before it runs its first primitive
bpf_ids() {	# the BPF programs and links convprof $1 holds now (from its fdinfo), polled up to 5 s
	local i ids=""
	for i in $(seq 1 50); do
		ids=$(cat /proc/"$1"/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*/prog /p; s/^link_id:[[:space:]]*/link /p' |
			sort -u | tr '\n' ' ')
		[ -n "$ids" ] && break
		sleep 0.1
	done
	echo "$ids"
}
bpf_gone() {	# every one of "prog N link M ..." is gone (the kernel frees them a little later), up to 3 s
	local i kind id left
	for i in $(seq 1 30); do
		left=0
		set -- $1
		while [ $# -ge 2 ]; do
			bpftool "$1" show id "$2" >/dev/null 2>&1 && left=$((left + 1))
			shift 2
		done
		[ "$left" -eq 0 ] && return 0
		set -- "$ids"
		sleep 0.1
	done
	return 1
}
bpf_case() {	# bpf_case DESCRIPTION SIGNAL|- STATUS ARGS...: convprof in the background leaves nothing
	local desc=$1 sig=$2 want=$3 pid st
	shift 3
	$CP stat -t 2 --ebpf all -- "$PRIMS" "$@" >/dev/null 2>&1 &
	pid=$!
	ids=$(bpf_ids $pid)
	[ "$sig" != - ] && sleep 0.5 && kill -"$sig" $pid
	wait $pid
	st=$?
	gone=$(bpf_gone "$ids" && echo ok)
	child=$(pgrep -f "$PRIMS $1" || true)
	ok "$desc: exit $st, its $(($(echo $ids | wc -w) / 2)) BPF programs and links gone, no child left" \
		test -n "$ids" -a "$gone" = ok -a -z "$child" -a "$st" -eq "$want"
}
if [ "$(id -u)" = 0 ] && command -v bpftool >/dev/null && bpftool prog list >/dev/null 2>&1; then
	$CP stat -t 2 --pin compact --ebpf sched,faults,sample --format json -- "$PRIMS" 50 \
		>"$TMP/eb.json" 2>"$TMP/eb.err"
	ok "stat --ebpf -- app-prims exits 0" test $? -eq 0
	if jq -e '.events[] | select(.name == "sched:switches") | .supported' "$TMP/eb.json" >/dev/null; then
		jq_ok "eBPF columns of the command: sched, faults:total, samples, per row" "$TMP/eb.json" \
			'all(.layers[]; .counts["sched:switches"] != null and .counts["faults:total"] != null) and
			 (.total.counts | has("sample:cpu-clock") and has("sched:migrations"))'
		jq_ok "--pin compact: 0 migrations per worker over the command (the pinning proof)" "$TMP/eb.json" \
			'(.threads | length) == 2 and all(.threads[]; .migrations == 0) and .total.counts["sched:migrations"] == 0'
		jq_ok "what a command cannot tell apart is said, never 0 (faults:first:*, tensors)" "$TMP/eb.json" \
			'all(.events[] | select(.name | test("^faults:(first:|weights)")); .supported == false and (.reason | test("unavailable")))'
	else
		skip "eBPF columns of the command" "the sched part did not load: $(jq -r '.events[] | select(.name == "sched:switches") | .reason' "$TMP/eb.json")"
	fi
	SDB="$TMP/sample.db"
	$CP record -q -t 2 --ebpf sample -o "$SDB" -- "$PRIMS" 5000 2>/dev/null
	run $CP report -i "$SDB" --format folded
	ok "the command's sampled stacks are named after it exited (its maps, copied by the hook)" sh -c \
		'echo "$1" | grep -q "^app-prims;.*\(libdnnl\|dnnl_\|GOMP_parallel\|libgomp\)"' _ "$out"

	bpf_case "a normal exit" - 0 40000
	bpf_case "a command that exits 3" - 3 40000 exit3
	bpf_case "a command that crashes" - 139 80000 crash
	bpf_case "SIGINT of convprof" INT 130 100000000
	bpf_case "SIGTERM of convprof" TERM 143 100000000
	ls -l /proc/self/fd >/dev/null
	$CP stat --ebpf sched -- ls -l /proc/self/fd >"$TMP/fdsb" 2>/dev/null
	ok "with eBPF the command gets the record and the two shared maps (bpf-map), no more" sh -c \
		'[ "$(grep -c "anon_inode:bpf-map" "$1")" -eq 2 ] && ! grep -q "bpf-prog\|bpf-link\|bpf_link" "$1"' _ "$TMP/fdsb"
else
	skip "eBPF following the command" "needs root and bpftool"
fi

# the record of a run, read back by report
DB="$TMP/app.db"
ok "record -- app-prims" $CP record -q -t 2 -o "$DB" -- "$PRIMS" 20
run "$CP" report -i "$DB" --format json
ok "report reads the command, grouping, rows and FLOPs back" sh -c \
	'echo "$1" | jq -e ".command[1] == \"20\" and .grouping == \"sequence\" and .periods == 20 and ([.layers[].flops] | add) == 3768320" >/dev/null' _ "$out"
ok "record -- a command without a period" $CP record -q -t 2 -o "$DB" -- "$PRIMS" 1
run "$CP" report -i "$DB" --format json
ok "report: the calls of grouping primitive come back" sh -c \
	'echo "$1" | jq -e ".grouping == \"primitive\" and ([.layers[].calls] | add) == 5" >/dev/null' _ "$out"
run "$CP" diff -i "$DB" 1 2
ok "diff compares two command runs" test "$status" -eq 0
DB2="$TMP/app-tl.db"
ok "record --timeline -- app-prims" $CP record -q -t 2 --timeline -o "$DB2" -- "$PRIMS" 20
run "$CP" report -i "$DB2" --format html -o "$TMP/app.html"
ok "the HTML report's title names the command, not a model's size" sh -c \
	'[ "$1" -eq 0 ] && grep -q "<title>convprof: command .*app-prims 20" "$2" && ! grep -q "0x0" "$2"' _ "$status" "$TMP/app.html"
run "$CP" report -i "$DB2" --format chrome -o "$TMP/app-trace.json"
ok "the Chrome trace's process is named by the command" sh -c \
	'jq -e "[.traceEvents[] | select(.name == \"process_name\") | .args.name][0] | test(\"command .*app-prims 20\")" "$1" >/dev/null' _ "$TMP/app-trace.json"
jq_ok "... and its slices are the calling thread's executions of 3 periods, 5 a period" "$TMP/app-trace.json" \
	'[.traceEvents[] | select(.ph == "X")] | length == 15 and all(.[]; .tid == 1 and .dur > 0)'
run "$CP" report -i "$DB2" --list
ok "report --list: a command run has no size, batch or fusion of its own" sh -c \
	'echo "$1" | grep -qE "^ +1 +[0-9TZ:-]+ +app-prims +- +- +f32 +- "' _ "$out"
run $CP record -q -t 2 -o "$DB" -- "$PRIMS" 20 crash
ok "record -- a crashing command: exits 139 after storing what ran" test "$status" -eq 139
run "$CP" report -i "$DB" --format json
ok "... stored as partial, with the signal" sh -c \
	'echo "$1" | jq -e ".run == 3 and .partial == true and .exit.signal == 11 and .periods == 10" >/dev/null' _ "$out"

# PyTorch (Debian python3-torch links the shared libdnnl.so.2)
PY=/usr/bin/python3
if ! $PY -c 'import torch, torchvision' 2>/dev/null; then
	skip "PyTorch ResNet-50" "python3-torch and python3-torchvision are not installed"
else
	$STAT --warmup 1 -- $PY "$TOP/tests/app/resnet50.py" 3 >"$TMP/r.json" 2>"$TMP/r.err"
	ok "stat -- python3 resnet50.py exits 0" test $? -eq 0
	jq_ok "ResNet-50 eager NCHW: 53 conv rows + 158 reorders per forward, period found" "$TMP/r.json" \
		'.grouping == "sequence" and .periods >= 3 and
		 ([.layers[] | select(.kind == "conv")] | length) == 53 and
		 ([.layers[] | select(.kind == "reorder")] | length) == 158'
	jq_ok "conv rows carry impl, layout and FLOPs (8.18 GFLOP in all)" "$TMP/r.json" \
		'all(.layers[] | select(.kind == "conv"); (.impl | length) > 0 and (.layout | length) > 0 and .flops > 0) and
		 ([.layers[] | select(.kind == "conv") | .flops] | add) as $f | $f > 8.1e9 and $f < 8.3e9'
	jq_ok "NCHW: each conv's weights are reordered (53 rows named as weights, oihw>...)" "$TMP/r.json" \
		'([.layers[] | select(.kind == "reorder" and .layout == "oihw")] | length) == 53 and
		 any(.layers[]; .name == "reorder oihw>OIhw16i16o 64x64x1x1 #1")'
	jq_ok "(other): PyTorch's own kernels (BN, ReLU, add, pooling) take time" "$TMP/r.json" \
		'.other.time_ms > 0'
	$STAT --warmup 1 -- $PY "$TOP/tests/app/resnet50.py" 3 channels_last >"$TMP/c.json" 2>/dev/null
	jq_ok "channels_last: 53 conv rows + 53 reorders" "$TMP/c.json" \
		'([.layers[] | select(.kind == "conv")] | length) == 53 and
		 ([.layers[] | select(.kind == "reorder")] | length) == 53 and
		 all(.layers[] | select(.kind == "reorder"); .layout == "ohwi")'
	$CP stat -t 2 --pin compact --ebpf sched -e task-clock --warmup 1 --format json -- \
		$PY "$TOP/tests/app/resnet50.py" 3 >"$TMP/re.json" 2>/dev/null
	jq_ok "ResNet-50, 2 threads, -e task-clock: counted in every conv row, rows add up" "$TMP/re.json" \
		'all(.layers[] | select(.kind == "conv"); .counts["task-clock"] > 0) and
		 (([.layers[].counts["task-clock"]] | add) - .total.counts["task-clock"] | fabs) < 1e-3 * .total.counts["task-clock"]'
	if jq -e '.events[] | select(.name == "sched:migrations") | .supported' "$TMP/re.json" >/dev/null; then
		jq_ok "ResNet-50 --pin compact: 0 migrations per worker (eBPF sched on the command)" "$TMP/re.json" \
			'(.threads | length) == 2 and all(.threads[]; .migrations == 0)'
	else
		skip "ResNet-50 migrations" "the sched part did not load here"
	fi
	if [ "$(id -u)" = 0 ]; then
		$CP record -q -t 2 --ebpf sample -o "$TMP/ts.db" -- $PY "$TOP/tests/app/resnet50.py" 3 2>/dev/null
		run $CP report -i "$TMP/ts.db" --format folded
		ok "ResNet-50 --ebpf sample: frames by symbol, C++ names demangled (c10::..., at::...)" sh -c \
			'echo "$1" | grep -q "[a-z0-9]::[A-Za-z_0-9:]*(" && ! echo "$1" | grep -q ";_Z"' _ "$out"
	else
		skip "ResNet-50 sampled frames" "needs root for eBPF"
	fi
	RDB="$TMP/torch.db"
	$CP record -q -t 2 --ebpf none --warmup 1 -o "$RDB" -- $PY "$TOP/tests/app/resnet50.py" 3 2>/dev/null
	$CP record -q -t 2 --ebpf none --warmup 1 -o "$RDB" -- $PY "$TOP/tests/app/resnet50.py" 3 channels_last 2>/dev/null
	run "$CP" diff -i "$RDB" 1 2
	ok "diff channels_last vs default: 105 fewer reorders, and the speed" sh -c \
		'echo "$1" | head -1 | grep -Eq "^channels_last vs run 1: 105 fewer reorders, [0-9.]+x (faster|slower)|as fast"' _ "$out"
fi
done_testing
