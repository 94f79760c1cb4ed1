# convprof list: events probed on this machine, models.
. "$(dirname "$0")/lib.sh"

run "$CP" list events --format json
ok "list events --format json is valid JSON" sh -c 'echo "$1" | jq -e . >/dev/null' _ "$out"
ok "task-clock is supported" sh -c 'echo "$1" | jq -e "(.events[] | select(.name == \"task-clock\") | .supported) == true" >/dev/null' _ "$out"
if [ -e /sys/bus/event_source/devices/cpu ] || [ -e /sys/bus/event_source/devices/cpu_core ]; then
	skip "cycles unsupported with a reason" "this machine exposes a hardware PMU"
	ok "backend is rdpmc or read" sh -c 'echo "$1" | jq -e ".backend == \"rdpmc\" or .backend == \"read\"" >/dev/null' _ "$out"
else
	ok "cycles is not supported, with a reason" sh -c \
		'echo "$1" | jq -e "(.events[] | select(.name == \"cycles\")) as \$e | \$e.supported == false and (\$e.reason | test(\"no hardware PMU\"))" >/dev/null' _ "$out"
	ok "backend is software" sh -c 'echo "$1" | jq -e ".backend == \"software\"" >/dev/null' _ "$out"
fi
ok "every unsupported event has a reason, none is 0" sh -c \
	'echo "$1" | jq -e "[.events[] | select(.supported == false and ((.reason // \"\") | length) == 0)] | length == 0" >/dev/null' _ "$out"

run "$CP" list
ok "text names the backend" sh -c 'echo "$1" | head -1 | grep -Eq "^backend: (rdpmc|read|software) \("' _ "$out"
ok "text shows not supported (reason), never a bare 0" sh -c '! echo "$1" | grep -E "^cycles" | grep -qv "not supported ("' _ "$out"

run "$CP" list events --all --format json
if why=$(echo "$out" | jq -er '.raw_events_reason'); then
	ok "--all says why there are no raw events" sh -c 'echo "$1" | grep -q "knows no core PMU of this CPU (cpu family"' _ "$why"
	skip "--all adds the CPU's raw events" "$why"
else
	ok "--all adds the CPU's raw events" sh -c 'echo "$1" | jq -e "[.events[] | select(.name | contains(\"::\"))] | length > 10" >/dev/null' _ "$out"
fi

run "$CP" list models --format json
ok "models: resnet50 and yolov3" sh -c 'echo "$1" | jq -e "[.models[].name] == [\"resnet50\",\"yolov3\"]" >/dev/null' _ "$out"
ok "models: size, conv layers, parameters, GFLOPs" sh -c 'echo "$1" | jq -e "[.models[] | [.default_size, .conv_layers, .params, (.gflops * 1000 | round)]] == [[\"224x224\", 53, 25557032, 8178], [\"608x608\", 75, 61949149, 140692]]" >/dev/null' _ "$out"
run "$CP" list models --format csv
ok "models CSV has a header" sh -c 'echo "$1" | head -1 | grep -q "^model,default_size,conv_layers,params,gflops,description$"' _ "$out"

expect_fail "unknown list" "unknown list 'widgets'" "$CP" list widgets
expect_fail "--all with models" "--all applies to events only" "$CP" list models --all

done_testing
