# convprof mem: the memory study against published shapes and its contract.
. "$(dirname "$0")/lib.sh"

jqok() {	# jqok DESCRIPTION FILTER: the filter holds on the last run's stdout
	ok "$1" jq -e "$2" "$TMP/run.out"
}

run "$CP" mem resnet50 -p int8 --format json
ok "resnet50 --format json exits 0" test "$status" -eq 0
jqok "the JSON contract's fields" \
	'has("model") and has("size") and has("batch") and has("precision") and has("params")
	 and has("weight_bytes") and has("flops") and has("max_in_out_bytes")
	 and has("peak_live_bytes") and has("layers")'
jqok "every layer has the contract's fields" \
	'[.layers[] | has("index") and has("name") and has("kind") and has("flops")
	  and has("params") and has("weight_bytes") and has("in_bytes") and has("out_bytes")
	  and has("fits")] | all'
jqok "fits is L2, L3 or DRAM" '[.layers[].fits | IN("L2", "L3", "DRAM")] | all'
jqok "resnet50: 224x224, 76 layers, int8" '.model == "resnet50" and .size == "224x224" and (.layers | length) == 76 and .precision == "int8" and .batch == 1'
jqok "resnet50: 25,557,032 parameters, as many int8 weight bytes" '.params == 25557032 and .weight_bytes == 25557032'
jqok "resnet50: 2 x 4,089,184,256 FLOPs" '.flops == 8178368512'
jqok "resnet50: largest activation 112x112x64 = 802,816 bytes" '.max_activation_bytes == 802816 and .max_activation_layer == "conv1"'
jqok "resnet50: peak live >= largest in+out >= largest activation" \
	'.peak_live_bytes >= .max_in_out_bytes and .max_in_out_bytes >= .max_activation_bytes'
jqok "fits follows the working set and this machine's caches" \
	'(.l2_bytes // 0) as $l2 | (.l3_bytes // 0) as $l3 |
	 [.layers[] | (.weight_bytes + .in_bytes + .out_bytes) as $ws |
	  .fits == (if $l2 > 0 and $ws <= $l2 then "L2" elif $l3 > 0 and $ws <= $l3 then "L3" else "DRAM" end)] | all'
cp "$TMP/run.out" "$TMP/int8.json"

run "$CP" mem resnet50 -p f32 --format json
cp "$TMP/run.out" "$TMP/f32.json"
run "$CP" mem resnet50 -p bf16 --format json
ok "f32 bytes are 4x int8, bf16 2x, layer by layer" sh -c '
	jq -n --slurpfile a "$1" --slurpfile b "$2" --slurpfile c "$3" -e "
	  \$a[0] as \$a | \$b[0] as \$b | \$c[0] as \$c |
	  [range(0; \$a.layers | length) as \$i |
	   (\$a.layers[\$i]) as \$x | (\$b.layers[\$i]) as \$y | (\$c.layers[\$i]) as \$z |
	   \$y.in_bytes == 4 * \$x.in_bytes and \$y.out_bytes == 4 * \$x.out_bytes and
	   \$y.weight_bytes == 4 * \$x.weight_bytes and \$z.out_bytes == 2 * \$x.out_bytes] | all
	  and \$b.peak_live_bytes == 4 * \$a.peak_live_bytes and \$b.flops == \$a.flops" >/dev/null' \
	_ "$TMP/int8.json" "$TMP/f32.json" "$TMP/run.out"

run "$CP" mem resnet50 -p int8 -b 4 --format json
ok "batch 4: activations x4, weights and parameters not" sh -c '
	jq -n --slurpfile a "$1" --slurpfile b "$2" -e "
	  \$a[0] as \$a | \$b[0] as \$b |
	  \$b.batch == 4 and \$b.weight_bytes == \$a.weight_bytes and \$b.params == \$a.params and
	  \$b.max_in_out_bytes == 4 * \$a.max_in_out_bytes and \$b.flops == 4 * \$a.flops" >/dev/null' \
	_ "$TMP/int8.json" "$TMP/run.out"

run "$CP" mem yolov3 -p int8 -s 416,608,1440 --format json
ok "several sizes exit 0" test "$status" -eq 0
jqok "several sizes: a results array in order" '[.results[].size] == ["416x416", "608x608", "1440x1440"]'
jqok "yolov3: 107 layers, 61,949,149 parameters at every size" \
	'[.results[] | (.layers | length) == 107 and .params == 61949149] | all'
jqok "yolov3: darknet's 65.864 and 140.692 BFLOPs" \
	'(.results[0].flops / 1e6 | round) == 65864 and (.results[1].flops / 1e6 | round) == 140692'
jqok "yolov3 608 int8: largest in+out 608x608x32 + 304x304x64" \
	'.results[1].max_in_out_bytes == (608*608*32 + 304*304*64)'
jqok "yolov3 1440 int8: largest in+out 1440x1440x32 + 720x720x64" \
	'.results[2].max_in_out_bytes == (1440*1440*32 + 720*720*64)'
jqok "yolov3: the yolo outputs at 416 are 13, 26, 52" \
	'[.results[0].layers[] | select(.kind == "yolo") | .out_shape[1]] == [13, 26, 52]'
jqok "yolov3: stages backbone and the three heads" \
	'[.results[0].layers[].stage] | unique == ["backbone", "head_large", "head_medium", "head_small"]'

run "$CP" mem yolov3 -s 416,608
ok "text: one table per size" sh -c '[ "$(printf "%s\n" "$1" | grep -c "^yolov3 at ")" -eq 2 ]' _ "$out"
ok "text: the summary compares with this machine's caches" sh -c \
	'printf "%s\n" "$1" | grep -Eq "^  largest in\+out +[0-9.]+ [KMG]iB at conv_1: (fits L[23]|exceeds L[23]) \("' _ "$out"
ok "text: peak live and weights" sh -c \
	'printf "%s\n" "$1" | grep -q "^  peak live " && printf "%s\n" "$1" | grep -q "^  parameters  *61,949,149, "' _ "$out"

run "$CP" mem yolov3 -s 416,608 --format csv
ok "csv: a header and one row per layer and size" sh -c \
	'[ "$(printf "%s\n" "$1" | head -1 | cut -d, -f1-5)" = "size,index,name,stage,kind" ] &&
	 [ "$(printf "%s\n" "$1" | wc -l)" -eq 215 ]' _ "$out"

cat >"$TMP/tiny.cfg" <<'EOF'
[net]
width=64
height=64
channels=3

[convolutional]
name=stem
filters=16
size=3
stride=2
pad=1
activation=leaky

[maxpool]
size=2
stride=2
EOF
run "$CP" mem --cfg "$TMP/tiny.cfg" --format json
jqok "--cfg: a file's model" '.model == "tiny" and .size == "64x64" and .layers[0].name == "stem" and .layers[1].name == "maxpool_1"'
jqok "--cfg: f32 bytes of a 16x32x32 output" '.layers[0].out_bytes == 16*32*32*4 and .layers[0].in_bytes == 3*64*64*4'
run "$CP" mem "$TMP/tiny.cfg" -s 32x48 --format json
jqok "a cfg path as the operand, WxH size" '.size == "32x48" and .layers[1].out_shape == [16, 12, 8]'

printf '[net]\nwidth=64\nheight=64\n\n[convolutional]\nfilters=8\nactivaton=relu\n' >"$TMP/bad.cfg"
expect_fail "malformed cfg: file and line" "bad.cfg:7: unknown key 'activaton' .*did you mean 'activation'" \
	"$CP" mem --cfg "$TMP/bad.cfg"
expect_fail "unknown model: the closest built-in" "unknown model 'yolo3' \(did you mean 'yolov3'\?\)" \
	"$CP" mem yolo3
expect_fail "600 for yolov3: a multiple of 32" "size 600x600 does not fit yolov3: use a multiple of 32" \
	"$CP" mem yolov3 --size 600
expect_fail "one bad size among several prints nothing" "does not fit yolov3" \
	"$CP" mem yolov3 --size 416,600 --format json
ok "... and nothing on stdout" test -z "$out"
expect_fail "batch 0" "batch" "$CP" mem resnet50 -b 0
expect_fail "bad size syntax" "bad size '4x'" "$CP" mem resnet50 -s 224,4x
expect_fail "bad precision" "precision" "$CP" mem resnet50 -p fp16
expect_fail "missing model" "missing model" "$CP" mem
expect_fail "model and --cfg" "not both" "$CP" mem resnet50 --cfg "$TMP/tiny.cfg"
expect_fail "missing cfg file" "cannot open '/nonexistent.cfg'" "$CP" mem /nonexistent.cfg

done_testing
