#!/bin/sh
# `plan eval planbench` and `plan eval merge` through the command line:
# dispatch and usage errors, then (when ../shared/data/planbench exists)
# a sharded run merged in reverse order must print exactly the JSON summary
# of a single run, and the details file must be written.
set -eu
plan="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; src="$2"
data="$src/../shared/data/planbench"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect CODE PATTERN CMD...: exit code and a line of stderr.
expect() {
  code=$1; pat=$2; shift 2
  set +e
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  set -e
  [ "$rc" = "$code" ] || { cat "$tmp/err" >&2; fail "$* exited $rc, not $code"; }
  grep -q -- "$pat" "$tmp/err" "$tmp/out" || { cat "$tmp/err" >&2; fail "$*: no '$pat'"; }
}

expect 2 "usage: plan eval" "$plan" eval
expect 0 "planbench" "$plan" eval --help
expect 2 "unknown benchmark 'nosuch'" "$plan" eval nosuch x.json
expect 0 "--shard K/N" "$plan" eval planbench --help
expect 0 "usage: plan eval merge" "$plan" eval merge --help
expect 2 "no results files" "$plan" eval planbench
expect 2 "expected K/N" "$plan" eval planbench --shard 0/4 r.json
expect 2 "expected K/N" "$plan" eval planbench --shard 5/4 r.json
expect 2 "expected K/N" "$plan" eval planbench --shard 1/x r.json
expect 2 "expected K/N" "$plan" eval planbench --shard 1/4/2 r.json
expect 2 "needs --out" "$plan" eval planbench --shard 1/4 r.json
expect 2 "unknown extractor" "$plan" eval planbench --extractor gpt r.json
expect 2 "unknown option" "$plan" eval planbench --frobnicate r.json
expect 2 "not a PlanBench data folder" "$plan" eval planbench --data "$tmp" r.json
echo '{"format":"nope"}' >"$tmp/bad.json"
expect 1 "not a details file" "$plan" eval merge "$tmp/bad.json"

if [ ! -d "$data/results" ]; then
  echo "no PlanBench data at $data: data checks skipped"
  exit 0
fi
r1="$data/results/blocksworld_3/gpt-4_chat/task_1_plan_generation.json"
r2="$data/results/mystery_blocksworld_3/o1-preview_chat/task_1_plan_generation_zero_shot.json"
expect 1 "no file\|cannot read\|No such" "$plan" eval planbench --data "$data" "$tmp/none.json"

"$plan" eval planbench --data "$data" "$r1" "$r2" --json >"$tmp/whole.json"
grep -q '"verdict_disagreements":0' "$tmp/whole.json" || fail "verdict disagreements"
grep -q '"instances":200' "$tmp/whole.json" || fail "instance count"
for k in 1 2 3; do
  "$plan" eval planbench --data "$data" "$r1" "$r2" --shard "$k/3" \
    --out "$tmp/part$k.json" >/dev/null 2>&1
done
"$plan" eval merge "$tmp/part3.json" "$tmp/part1.json" "$tmp/part2.json" \
  --json >"$tmp/merged.json"
cmp "$tmp/whole.json" "$tmp/merged.json" || fail "merged summary differs"
expect 1 "a shard is missing" "$plan" eval merge "$tmp/part1.json" "$tmp/part2.json"
expect 1 "more than one part" "$plan" eval merge "$tmp/part1.json" \
  "$tmp/part1.json" "$tmp/part2.json" "$tmp/part3.json"

# Human output, the details file and the hint pointing at it; the default
# data folder is found from the source tree.
(cd "$tmp" && "$plan" eval planbench "$r1" >"$tmp/table.txt" 2>"$tmp/hint.txt")
grep -q "blocksworld_3/gpt-4_chat/task_1_plan_generation" "$tmp/table.txt" || fail "table"
grep -q -- "--details FILE" "$tmp/hint.txt" || fail "details hint"
"$plan" eval planbench --data "$data" "$r1" --details "$tmp/d.json" >/dev/null 2>&1
grep -q '"format": "plan-eval-planbench"' "$tmp/d.json" || fail "details file"
grep -q '"recorded_plan_check"' "$tmp/d.json" || fail "details content"
# Live runs against a scripted model: shards merge like replays, and the
# replies are kept in the details.
cat >"$tmp/script.json" <<'JS'
[{"match":"the red block is on top of the orange block\\.\\n\\nWhat is the plan",
  "reply":"pick up the red block\nstack the red block on top of the orange block"},
 {"match":".*", "reply":"1. Unstack the red block from on top of the blue block"}]
JS
r3="$data/results/blocksworld_3/o1-preview_chat/task_1_plan_generation_zero_shot.json"
live="--live --provider scripted --script $tmp/script.json --model toy"
expect 2 "need --live" "$plan" eval planbench --data "$data" "$r3" --model toy
"$plan" eval planbench --data "$data" "$r3" $live --json >"$tmp/lw.json" 2>/dev/null
grep -q '"correct":2,' "$tmp/lw.json" || { cat "$tmp/lw.json"; fail "live correct"; }
grep -q '"name":"blocksworld_3/toy/task_1_plan_generation_zero_shot"' \
  "$tmp/lw.json" || fail "live name"
"$plan" eval planbench --data "$data" "$r3" $live --shard 2/2 --out "$tmp/l2.json" >/dev/null 2>&1
"$plan" eval planbench --data "$data" "$r3" $live --shard 1/2 --out "$tmp/l1.json" >/dev/null 2>&1
"$plan" eval merge "$tmp/l2.json" "$tmp/l1.json" --json >"$tmp/lm.json"
cmp "$tmp/lw.json" "$tmp/lm.json" || fail "live merge differs"
grep -q '"llm_raw_response": "pick up the red block' "$tmp/l1.json" "$tmp/l2.json" \
  || fail "live replies in details"
echo "ok"
