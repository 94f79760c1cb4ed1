# convprof compare: runs recorded here, and a copy of the recording whose
# machine rows say another host, side by side; each figure held to the
# ceilings of the machine that ran it.
. "$(dirname "$0")/lib.sh"
TINY="$TOP/tests/data/tiny.cfg"
cd "$TMP" || exit 1

ok "record a run here" $CP record -q -o here.db --cfg "$TINY" -t 1 -n 3 --warmup 1 --no-overhead
ok "and this machine's ceilings beside it" \
	sh -c '"$1" machine --quick -t 1 --no-cache -o here.db >/dev/null' _ "$CP"

# "another machine": the same recording, its machine rows and ceilings
# renamed, the run twice as fast
cp here.db other.db
ok "make the copy another host (sqlite3 UPDATE)" sqlite3 other.db "
	UPDATE machine SET cpu_model = 'Intel(R) Xeon(R) Platinum 8480+', cores = 56,
		pus = 112, hostname = 'spr-1', l3 = 110100480;
	UPDATE runs SET latency_ms = latency_ms / 2, throughput_ips = throughput_ips * 2;
	UPDATE ceilings SET json = json_set(json, '\$.cpu.model', 'Intel(R) Xeon(R) Platinum 8480+',
		'\$.cpu.vendor', 'GenuineIntel', '\$.cpu.family', 6, '\$.cpu.model_number', 143,
		'\$.cpu.stepping', 8, '\$.cpu.cores', 56, '\$.cpu.pus', 112,
		'\$.caches[#-1].size_bytes', 110100480, '\$.caches[#-1].count', 1,
		'\$.key', 'GenuineIntel Intel(R) Xeon(R) Platinum 8480+ family 6 model 143 stepping 8, 56 cores, 112 PUs')"
# a third whose ceilings are of a machine other than its run's
cp other.db stale.db
sqlite3 stale.db "UPDATE machine SET hostname = 'spr-2', cores = 48"

run "$CP" compare here.db other.db stale.db --format json
echo "$out" >c.json
ok "compare: three runs, three machines" jq -e '(.runs | length) == 3 and (.machines | length) == 3' c.json
ok "the other host is named with its CPU" \
	jq -e '.machines[1].cpu_model == "Intel(R) Xeon(R) Platinum 8480+" and .machines[1].cores == 56 and .machines[1].hostname == "spr-1"' c.json
ok "each run is held to its own machine's ceilings, from its own file" \
	jq -e '.machines[0].ceilings[0].peak_source | test("from .here.db.")' c.json
ok "twice the img/s on the same peak: twice the img/s per peak TOPS and per GB/s" \
	jq -e '(.runs[1].ips_per_peak_tops / .runs[0].ips_per_peak_tops - 2 | fabs) < 1e-6 and
		(.runs[1].ips_per_gbs / .runs[0].ips_per_gbs - 2 | fabs) < 1e-6' c.json
ok "per MiB of LLC uses each machine's own last level (105 MiB there)" \
	jq -e '.machines[1].llc_mib == 105 and .runs[0].ips_per_llc_mib > 0 and
		((.runs[1].ips_per_llc_mib / .runs[0].ips_per_llc_mib) - 2 * .machines[0].llc_mib / 105 | fabs) < 1e-6' c.json
ok "per core divides by the workers" jq -e '(.runs[0].ips_per_core - .runs[0].ips | fabs) < 1e-9' c.json
ok "ceilings of another machine are not used: null, with the reason" \
	jq -e '.runs[2].ips_per_peak_tops == null and .runs[2].ips_per_gbs == null and
		(.machines[2].note | test("recorded on .*48 cores.*ceilings measured on .*56 cores"))' c.json
run "$CP" compare here.db other.db stale.db
ok "text: the runs table, then the machines and their sources" \
	sh -c 'printf "%s\n" "$1" | grep -q "img/s per TOPS" && printf "%s\n" "$1" | grep -q "^machine 2: first seen in .other.db." &&
		printf "%s\n" "$1" | grep -q "no ceilings: the run was recorded on"' _ "$out"
run "$CP" compare other.db:1 here.db:latest --format csv
ok "FILE:ID: one run each; CSV has a header and two rows" \
	sh -c '[ $(printf "%s\n" "$1" | wc -l) -eq 3 ] && printf "%s\n" "$1" | head -1 | grep -q "^file,run,machine,model"' _ "$out"

expect_fail "compare needs a file" "expected one or more recording files" "$CP" compare
expect_fail "a missing file: one line" "nosuch.db" "$CP" compare here.db nosuch.db
expect_fail "a missing run: one line" "no run 9" "$CP" compare here.db:9
expect_fail "a bad run id: one line" "bad run id" "$CP" compare here.db:x
done_testing
