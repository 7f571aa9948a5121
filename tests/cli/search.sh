#!/bin/sh
# plan --task for the searches (cli/cmd_search.c): --help, the pddl modes
# llm, hybrid and exact and the text kind with the scripted backend, every
# algorithm (greedy also without a value function), budgets and their exit
# status, options from the task file and flags winning over them, prompt
# overrides, malformed task files (exit 2 with the file and the field
# named), the JSONL trace, and a search
# recorded through a cassette and replayed without the script: the same
# trace byte for byte and the same plan.
set -u
plan="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
unset OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL ANTHROPIC_BASE_URL \
  PLAN_BASE_URL PLAN_MODEL PLAN_PROVIDER 2>/dev/null || true

# expect CODE PATTERN ARGS...: runs plan ARGS; checks the exit status and
# that stdout or stderr has PATTERN.
expect() {
  code=$1; pat=$2; shift 2
  "$plan" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if grep -q -e "Sanitizer" -e "runtime error:" "$tmp/err"; then
    cat "$tmp/err" >&2; fail "plan $*: sanitizer report"
  fi
  [ "$rc" = "$code" ] || { cat "$tmp/err" >&2; fail "plan $* exited $rc, not $code"; }
  grep -q -- "$pat" "$tmp/out" "$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; fail "plan $*: no '$pat'"; }
}

# Every line of FILE is a JSON object (jq or python3; skipped without).
check_jsonl() {
  if command -v jq >/dev/null 2>&1; then
    jq -e 'type == "object" and .v == 1 and (.ev | type == "string")' "$1" \
      >/dev/null || fail "$1 is not JSONL of trace events"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o, dict) and o["v"] == 1 and isinstance(o["ev"], str)' \
      "$1" || fail "$1 is not JSONL of trace events"
  else
    echo "note: no jq or python3: trace JSON not checked"
  fi
  head -n1 "$1" | grep -q '"ev":"start"' || fail "$1: first event is not start"
  tail -n1 "$1" | grep -q '"ev":"result"' || fail "$1: last event is not result"
}

# ---- Task files and scripts ---------------------------------------------
mkdir -p "$tmp/tasks/sub"
cp "$src/data/pddl/blocksworld/domain.pddl" "$tmp/tasks/sub/domain.pddl"
cat >"$tmp/tasks/sub/p1.pddl" <<'P'
(define (problem BW-rand-4) (:domain blocksworld-4ops)
(:objects a b c d)
(:init (handempty) (ontable a) (on b c) (ontable c) (ontable d)
 (clear a) (clear b) (clear d))
(:goal (and (on c b))))
P
cat >"$tmp/tasks/bw.json" <<'J'
{"kind":"pddl","domain":"sub/domain.pddl","problem":"sub/p1.pddl",
 "mode":"hybrid"}
J
# hybrid: proposals cycle over the plan's actions (the applicability
# filter drops the rest); values "likely"; the world model's guesses do not
# parse (the simulator decides anyway).
cat >"$tmp/hybrid.script" <<'J'
[{"match":"ROLE: propose","reply":["Action: (unstack b c)","Action: (put-down b)","Action: (pick-up c)","Action: (stack c b)"]},
 {"match":"ROLE: value","reply":"likely"},
 {"match":"ROLE: world","reply":"Resulting State: I am not sure."}]
J
# llm: the model proposes the right action for each state and predicts
# the right states.
cat >"$tmp/llm.script" <<'J'
[{"match":"ROLE: propose[\\s\\S]*\\[STATE\\]\\n[^\\n]*\\(on b c\\)","reply":"Action: (unstack b c)"},
 {"match":"ROLE: propose[\\s\\S]*\\[STATE\\]\\n[^\\n]*\\(holding b\\)","reply":"Action: (put-down b)"},
 {"match":"ROLE: propose[\\s\\S]*\\[STATE\\]\\n[^\\n]*\\(holding c\\)","reply":"Action: (stack c b)"},
 {"match":"ROLE: propose","reply":"Action: (pick-up c)"},
 {"match":"ROLE: value","reply":"It looks fine. likely"},
 {"match":"ROLE: world[\\s\\S]*\\[ACTION\\]\\n\\(unstack b c\\)","reply":"Resulting State: (clear a), (clear c), (clear d), (holding b), (ontable a), (ontable c) and (ontable d)."},
 {"match":"ROLE: world[\\s\\S]*\\[ACTION\\]\\n\\(put-down b\\)","reply":"Resulting State: (clear a), (clear b), (clear c), (clear d), (handempty), (ontable a), (ontable b), (ontable c) and (ontable d)."},
 {"match":"ROLE: world[\\s\\S]*\\[ACTION\\]\\n\\(pick-up c\\)","reply":"Resulting State: (clear a), (clear b), (clear d), (holding c), (ontable a), (ontable b) and (ontable d)."},
 {"match":"ROLE: world[\\s\\S]*\\[ACTION\\]\\n\\(stack c b\\)","reply":"Resulting State: (clear a), (clear c), (clear d), (handempty), (on c b), (ontable a), (ontable b) and (ontable d)."}]
J
# llm with a lying world model: it claims the goal right away.
cat >"$tmp/liar.script" <<'J'
[{"match":"ROLE: propose","reply":"Action: (pick-up c)"},
 {"match":"ROLE: value","reply":"sure"},
 {"match":"ROLE: world","reply":"Resulting State: (clear a), (clear c), (clear d), (handempty), (on c b), (ontable a), (ontable b) and (ontable d)."}]
J
cat >"$tmp/tasks/tea.json" <<'J'
{"kind":"text","description":"A small kitchen with a kettle and a cup.",
 "initial_state":"The kettle is cold. The cup is empty.",
 "goal":"The cup holds hot tea.",
 "actions":["boil the kettle","pour water into the cup","add a tea bag"],
 "max_depth":6,"value_samples":2}
J
cat >"$tmp/text.script" <<'J'
[{"match":"ROLE: propose[\\s\\S]*\\[STATE\\]\\n[^\\[]*cold","reply":"Action: boil the kettle"},
 {"match":"ROLE: propose[\\s\\S]*\\[STATE\\]\\n[^\\[]*cup is empty","reply":"Action: pour water into the cup"},
 {"match":"ROLE: propose","reply":"Action: add a tea bag"},
 {"match":"ROLE: world[\\s\\S]*\\[ACTION\\]\\nboil","reply":"Resulting State: The kettle is hot. The cup is empty."},
 {"match":"ROLE: world[\\s\\S]*\\[ACTION\\]\\npour","reply":"Resulting State: The kettle is hot. The cup holds hot water."},
 {"match":"ROLE: world[\\s\\S]*\\[ACTION\\]\\nadd","reply":"Resulting State: The kettle is hot. The cup holds hot tea."},
 {"match":"ROLE: judge[\\s\\S]*\\[STATE\\]\\n[^\\[]*hot tea","reply":"Status: success"},
 {"match":"ROLE: judge","reply":"Status: on track"},
 {"match":"ROLE: value[\\s\\S]*\\[STATE\\]\\n[^\\[]*hot water","reply":"sure"},
 {"match":"ROLE: value","reply":"likely"}]
J
bw="$tmp/tasks/bw.json"
tea="$tmp/tasks/tea.json"

# ---- Help -----------------------------------------------------------------
expect 0 "best-first" --task --help
grep -q -- "--budget-calls" "$tmp/out" || fail "--task --help: budgets"
grep -q -- "--prompts DIR" "$tmp/out" || fail "--task --help: --prompts"
grep -q -- "--no-value" "$tmp/out" || fail "--task --help: --no-value"
grep -q -- "--cassette-mode" "$tmp/out" || fail "--task --help: llmconf flags"
grep -q -- "--heuristic H .*lmcut" "$tmp/out" || fail "--task --help: solver options kept"
expect 0 "--beam-width" --task "$tea" --help
expect 0 "--iterations" --task "$bw" --help

# ---- Malformed task files and options (exit 2, file and field named) -----
printf '{"kind":"pddl",' >"$tmp/broken.json"
expect 2 "broken.json" --task "$tmp/broken.json"
echo '{"kind":"pddl","mode":"hybrid"}' >"$tmp/nodom.json"
expect 2 'needs "domain" and "problem"' --task "$tmp/nodom.json" --script "$tmp/hybrid.script"
echo '{"kind":"pddl","domain":"sub/domain.pddl","problem":"sub/p1.pddl","mode":"hybrid","max_nodes":"many"}' >"$tmp/tasks/badnum.json"
expect 2 'badnum.json: field "max_nodes": expected a non-negative integer' --task "$tmp/tasks/badnum.json"
echo '{"kind":"pddl","domain":"sub/domain.pddl","problem":"sub/p1.pddl","mode":"hybrid","max_node":5}' >"$tmp/tasks/typo.json"
expect 2 'typo.json: unknown field "max_node"' --task "$tmp/tasks/typo.json"
echo '{"kind":"pddl","domain":"sub/domain.pddl","problem":"sub/p1.pddl","mode":"hybrid","branching":0}' >"$tmp/tasks/zero.json"
expect 2 'field "branching"' --task "$tmp/tasks/zero.json"
echo '{"kind":"pddl","domain":"sub/nosuch.pddl","problem":"sub/p1.pddl","mode":"exact"}' >"$tmp/tasks/nofile.json"
expect 2 "nosuch.pddl" --task "$tmp/tasks/nofile.json"
echo '{"kind":"pddl","domain":"sub/domain.pddl","problem":"sub/p1.pddl","mode":"dreamy"}' >"$tmp/tasks/mode.json"
expect 2 "unknown mode 'dreamy'" --task "$tmp/tasks/mode.json"
echo '{"kind":"pddl","domain":"sub/domain.pddl","problem":"sub/p1.pddl","mode":7}' >"$tmp/tasks/mode7.json"
expect 2 'field "mode": expected a string' --task "$tmp/tasks/mode7.json"
echo '{"kind":"poem"}' >"$tmp/kind.json"
expect 2 "task kind 'poem' is not supported" --task "$tmp/kind.json"
echo '{"kind":"text","initial_state":"x"}' >"$tmp/nogoal.json"
expect 2 'nogoal.json: field "goal": expected a non-empty string' --task "$tmp/nogoal.json" --script "$tmp/text.script"
echo '{"kind":"text","goal":"g","initial_state":"x","actions":["a",3]}' >"$tmp/badacts.json"
expect 2 'field "actions": item 2' --task "$tmp/badacts.json" --script "$tmp/text.script"
echo '{"kind":"text","goal":"g","initial_state":"x","actions":"a"}' >"$tmp/badacts2.json"
expect 2 'field "actions": expected an array of strings' --task "$tmp/badacts2.json" --script "$tmp/text.script"
echo '{"kind":"text","goal":"g","initial_state":"x","logprobs":"yes"}' >"$tmp/badbool.json"
expect 2 'field "logprobs": expected true or false' --task "$tmp/badbool.json" --script "$tmp/text.script"
expect 2 "a text task has no mode 'exact'" --task "$tea" --mode exact --script "$tmp/text.script"
expect 2 "unknown algo 'astar'" --task "$bw" --algo astar --script "$tmp/hybrid.script"
expect 2 "unknown option '--bogus'" --task "$bw" --bogus
expect 2 "--max-nodes needs a value" --task "$bw" --max-nodes
expect 2 "--max-nodes: expected an integer" --task "$bw" --max-nodes lots
expect 2 "--prune-below: expected a number 0..1" --task "$bw" --prune-below 3
expect 2 "--rubric: expected sure, status or LO:HI" --task "$bw" --rubric stars --script "$tmp/hybrid.script"
expect 2 "--heuristic applies to pddl tasks only" --task "$tea" --heuristic hff --script "$tmp/text.script"
expect 2 "no model" --task "$bw"
expect 2 "pb_config" --task "$bw" --pb-config "$tmp/none.yaml" --script "$tmp/hybrid.script"
mkdir -p "$tmp/badprompts"
printf '[ROLE: value]\n{{stat}} {{goal}}\n' >"$tmp/badprompts/pddl-value.txt"
expect 2 "unknown placeholder {{stat}}" --task "$bw" --prompts "$tmp/badprompts" --script "$tmp/hybrid.script"

# ---- exact mode: no LLM ---------------------------------------------------
expect 0 '"valid":true' --task "$src/data/tasks/blocksworld.json" --mode exact
grep -q '"mode":"exact"' "$tmp/out" || fail "exact: mode"
grep -q '"llm_calls":0' "$tmp/out" || fail "exact: no LLM calls"
grep -q "ignoring the solver's \"algo\": \"astar\"" "$tmp/err" || fail "exact: solver algo note"
expect 1 '"stop":"nodes"' --task "$src/data/tasks/blocksworld.json" --mode exact --max-nodes 100
grep -q '"error":"not solved: the node budget ran out' "$tmp/out" || fail "exact: reason"
grep -q '"plan":\["' "$tmp/out" || fail "exact: the best plan so far is printed"
# The solver mode is still there.
expect 0 '"optimal":true' --task "$src/data/tasks/blocksworld.json"

# ---- hybrid, every algorithm, the trace ----------------------------------
for algo in best-first dfs beam mcts greedy; do
  expect 0 '"solved":true' --task "$bw" --script "$tmp/hybrid.script" \
    --algo "$algo" --trace "$tmp/h-$algo.jsonl"
  grep -q "\"algo\":\"$algo\"" "$tmp/out" || fail "hybrid $algo: algo"
  grep -q '"valid":true' "$tmp/out" || fail "hybrid $algo: valid"
  grep -q '"plan":\["(unstack b c)","(put-down b)","(pick-up c)","(stack c b)"\]' \
    "$tmp/out" || fail "hybrid $algo: plan"
  check_jsonl "$tmp/h-$algo.jsonl"
done
grep -q "solved in 4 steps, valid by the validator" "$tmp/err" || fail "summary"
grep -q '"inapplicable":[1-9]' "$tmp/out" || fail "hybrid: inapplicable proposals counted"
grep -q '"ev":"llm_call"' "$tmp/h-best-first.jsonl" || fail "trace: llm_call"
grep -q '"ev":"wm_check"' "$tmp/h-best-first.jsonl" || fail "trace: wm_check"
# greedy without a value function (the LLM alone): no value call at all.
expect 0 '"solved":true' --task "$bw" --script "$tmp/hybrid.script" \
  --algo greedy --no-value --trace "$tmp/h-novalue.jsonl"
grep -q "greedy search without a value function" "$tmp/err" || fail "--no-value: banner"
grep -q '"evaluator":{' "$tmp/out" && fail "--no-value: value calls made"
grep -q '"llm_calls":8,' "$tmp/out" || fail "--no-value: 4 proposals + 4 predictions"
grep -q '"evaluator":null' "$tmp/h-novalue.jsonl" || fail "--no-value: trace start"
grep -q '"ev":"value"' "$tmp/h-novalue.jsonl" && fail "--no-value: value events"
check_jsonl "$tmp/h-novalue.jsonl"
expect 2 "--value-samples sets the value function, which --no-value turns off" \
  --task "$bw" --script "$tmp/hybrid.script" --no-value --value-samples 3
echo '{"kind":"pddl","domain":"sub/domain.pddl","problem":"sub/p1.pddl","mode":"hybrid","no_value":true}' >"$tmp/tasks/novalue.json"
expect 0 "without a value function" --task "$tmp/tasks/novalue.json" --script "$tmp/hybrid.script" --algo greedy

# ---- llm mode --------------------------------------------------------------
expect 0 '"valid":true' --task "$bw" --mode llm --script "$tmp/llm.script" --verbose
grep -q "plan: round 1: expanding 1 state" "$tmp/err" || fail "llm: --verbose progress"
grep -q '"world_model":{"checked":4' "$tmp/out" || fail "llm: world model checked"
grep -q "unstack .*error rate 0.0%" "$tmp/err" || fail "llm: error rate per schema"
# A world model that lies: solved by its account, rejected by the validator.
expect 1 "the validator rejects the plan" --task "$bw" --mode llm --script "$tmp/liar.script"
grep -q '"solved":true' "$tmp/out" || fail "liar: solved by the search"
grep -q '"valid":false' "$tmp/out" || fail "liar: not valid"
grep -q "pick-up .*1 inapplicable" "$tmp/err" || fail "liar: its predictions for an inapplicable action counted"

# ---- text tasks ------------------------------------------------------------
expect 0 '"final_state":"The kettle is hot. The cup holds hot tea."' \
  --task "$tea" --script "$tmp/text.script"
grep -q '"plan":\["boil the kettle","pour water into the cup","add a tea bag"\]' \
  "$tmp/out" || fail "text: plan"
grep -q '"valid"' "$tmp/out" && fail "text: no validator verdict"
# Options from the task file, flags win: max_depth 6 from the task, but
# --max-depth 2 cuts the plan.
expect 1 '"stop":"depth"' --task "$tea" --script "$tmp/text.script" --max-depth 2
grep -q '"steps":2' "$tmp/out" || fail "text: best partial plan"

# ---- budgets and failures -------------------------------------------------
expect 1 '"stop":"calls"' --task "$bw" --script "$tmp/hybrid.script" --budget-calls 3
grep -q "LLM-call budget ran out" "$tmp/err" || fail "calls budget words"
echo '[{"error":"http_500"}]' >"$tmp/err500.script"
expect 1 "LLM calls failed; the last: " --task "$bw" --script "$tmp/err500.script" --max-attempts 1
# The task file sets the algorithm and a budget; the flag wins for algo.
echo '{"kind":"pddl","domain":"sub/domain.pddl","problem":"sub/p1.pddl","mode":"hybrid","algo":"beam","budget_calls":200}' >"$tmp/tasks/opts.json"
expect 0 '"algo":"dfs"' --task "$tmp/tasks/opts.json" --script "$tmp/hybrid.script" --algo dfs
expect 0 '"algo":"beam"' --task "$tmp/tasks/opts.json" --script "$tmp/hybrid.script"

# ---- prompt overrides ------------------------------------------------------
mkdir -p "$tmp/prompts"
printf '[ROLE: value]\nCUSTOM-VALUE {{state}} {{goal}}\n' >"$tmp/prompts/pddl-value.txt"
cat >"$tmp/custom.script" <<'J'
[{"match":"ROLE: propose","reply":["Action: (unstack b c)","Action: (put-down b)","Action: (pick-up c)","Action: (stack c b)"]},
 {"match":"CUSTOM-VALUE","reply":"sure"},
 {"match":"ROLE: value","reply":"no verdict here"},
 {"match":"ROLE: world","reply":"?"}]
J
expect 0 '"missing":0' --task "$bw" --script "$tmp/custom.script" --prompts "$tmp/prompts"
expect 0 '"solved":true' --task "$bw" --script "$tmp/custom.script"
grep -q '"missing":0' "$tmp/out" && fail "without the override the values are missing"

# ---- record, then replay without the script: same trace, same plan -------
expect 0 '"solved":true' --task "$bw" --mode llm --script "$tmp/llm.script" \
  --cassette "$tmp/c.jsonl" --cassette-mode record --trace "$tmp/rec.jsonl" --seed 7
sed 's/"wall_s":[0-9.e+-]*//' "$tmp/out" >"$tmp/rec.out"
test -s "$tmp/c.jsonl" || fail "cassette written"
(cd "$tmp/tasks" && "$plan" --task bw.json --mode llm --cassette "$tmp/c.jsonl" \
  --trace "$tmp/rep.jsonl" --seed 7 >"$tmp/out" 2>"$tmp/err") \
  || { cat "$tmp/err"; fail "replay"; }
sed 's/"wall_s":[0-9.e+-]*//' "$tmp/out" >"$tmp/rep.out"
cmp -s "$tmp/rec.jsonl" "$tmp/rep.jsonl" || fail "replayed trace differs"
cmp -s "$tmp/rec.out" "$tmp/rep.out" || { diff "$tmp/rec.out" "$tmp/rep.out"; fail "replayed result differs"; }
check_jsonl "$tmp/rep.jsonl"
# Another seed is another request: a miss, named.
expect 1 "cassette miss" --task "$bw" --mode llm --cassette "$tmp/c.jsonl" --seed 8
echo "search: all checks passed"
