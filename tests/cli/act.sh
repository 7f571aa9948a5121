#!/bin/sh
# plan --task FILE --act (cli/cmd_act.c, planner/agent.c): the plan-act
# loop end to end. A PDDL task of the cliffs domain in exact mode (no LLM:
# the PDDL environment is the real world); a text task acting in the
# command environment examples/envs/cliff_env with the scripted LLM, where
# the world model wrongly predicts that jumping from cell 1 is safe: the
# barrier refuses the jump (its k simulations mostly say "fell") and walks,
# the no-barrier loop jumps and falls; environment failures mid-run (exit
# 1, outcome error, the committed steps reported) and malformed "env"
# fields (exit 2 naming the field); an agent run against the noisy oracle
# recorded to a cassette and replayed offline, byte for byte.
set -u
plan="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
src="$(cd "$2" && pwd)"
envprog="$(dirname "$plan")/examples/envs/cliff_env"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
unset OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL ANTHROPIC_BASE_URL \
  PLAN_BASE_URL PLAN_MODEL PLAN_PROVIDER 2>/dev/null || true
[ -x "$envprog" ] || fail "no $envprog (built with the examples)"

expect() {
  code=$1; pat=$2; shift 2
  "$plan" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if grep -q -e "Sanitizer" -e "runtime error:" "$tmp/err"; then
    cat "$tmp/err" >&2; fail "plan $*: sanitizer report"
  fi
  [ "$rc" = "$code" ] || { cat "$tmp/out" "$tmp/err" >&2; fail "plan $* exited $rc, not $code"; }
  grep -q -- "$pat" "$tmp/out" "$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; fail "plan $*: no '$pat'"; }
}

# ---- help --------------------------------------------------------------
expect 0 "--policy P" --task "$src/data/tasks/cliffs.json" --help
grep -q -- "--commit-threshold" "$tmp/out" || fail "--help lacks the barrier options"

# ---- a PDDL task in exact mode -------------------------------------------
cp "$src/data/pddl/cliffs/domain.pddl" "$tmp/domain.pddl"
cat >"$tmp/p1.pddl" <<'P'
(define (problem cliffs-t1) (:domain cliffs)
  (:objects tower mill farm harbor well school red-crate)
  (:init (robot-at tower) (at red-crate tower)
         (trail tower mill) (trail mill tower)
         (chute mill farm) (chute mill well)
         (trail farm school) (trail school farm)
         (bridge mill harbor) (bridge harbor mill)
         (trail harbor school) (trail school harbor))
  (:goal (and (at red-crate school))))
P
cat >"$tmp/pddl.json" <<J
{"kind":"pddl","domain":"domain.pddl","problem":"p1.pddl",
 "pb_config":"$src/data/pddl/cliffs/cliffs.yaml","mode":"exact",
 "env":{"effects":{"slide":"irreversible","cross":"irreversible"},
        "default_effect":"reversible","snapshots":true,"reset":true}}
J
expect 0 '"outcome":"goal"' --task "$tmp/pddl.json" --act --trace "$tmp/pddl.jsonl"
grep -q '"dead_end_commits":0' "$tmp/out" || fail "exact mode: a dead-end commit"
grep -q '"irreversible_commits":1' "$tmp/out" || fail "exact mode: not one irreversible commit"
grep -q '"ev":"commit_check"' "$tmp/pddl.jsonl" || fail "no commit_check in the trace"
grep -q '"ev":"agent_result"' "$tmp/pddl.jsonl" || fail "no agent_result in the trace"
expect 0 '"outcome":"goal"' --task "$tmp/pddl.json" --act --approve solver
expect 0 '"outcome":"goal"' --task "$tmp/pddl.json" --act --policy koh
expect 2 'expected barrier, no-barrier, webdreamer or koh' \
  --task "$tmp/pddl.json" --act --policy reckless
expect 2 'expected tty, solver or none' --task "$tmp/pddl.json" --act --approve maybe

# ---- malformed env fields --------------------------------------------------
sed 's/"irreversible","cross"/"sometimes","cross"/' "$tmp/pddl.json" >"$tmp/bad1.json"
expect 2 'field "env.effects.slide"' --task "$tmp/bad1.json" --act
sed 's/"slide":"irreversible"/"fly":"irreversible"/' "$tmp/pddl.json" >"$tmp/bad2.json"
expect 2 'fly' --task "$tmp/bad2.json" --act
sed 's/"snapshots":true/"snapshots":"yes"/' "$tmp/pddl.json" >"$tmp/bad3.json"
expect 2 'field "env.snapshots"' --task "$tmp/bad3.json" --act

# ---- a text task in the command environment ----------------------------
cat >"$tmp/rules.json" <<'R'
[
 {"match": "(?s)^\\[ROLE: propose\\].*\\[STATE\\]\\nYou stand on cell 1 ", "reply": ["Action: jump", "Action: step right"]},
 {"match": "(?s)^\\[ROLE: propose\\].*\\[STATE\\]\\nYou stand on cell 2 ", "reply": ["Action: jump", "Action: step left"]},
 {"match": "(?s)^\\[ROLE: propose\\].*\\[STATE\\]\\nYou stand on cell [045] ", "reply": "Action: step right"},
 {"match": "(?s)^\\[ROLE: propose\\]", "reply": "Action: look"},
 {"match": "(?s)^\\[ROLE: world\\].*\\[STATE\\]\\nYou stand on cell 1 .*\\[ACTION\\]\\njump", "reply": ["Resulting State: You stand on cell 3 (cells 0..6). The goal is cell 6; cell 3 is a cliff.", "Resulting State: You fell off the cliff at cell 3. Nothing more can be done.", "Resulting State: You fell off the cliff at cell 3. Nothing more can be done."]},
 {"match": "(?s)^\\[ROLE: world\\].*\\[STATE\\]\\nYou stand on cell 2 .*\\[ACTION\\]\\njump", "reply": "Resulting State: You stand on cell 4 (cells 0..6). The goal is cell 6; cell 3 is a cliff."},
 {"match": "(?s)^\\[ROLE: world\\].*\\[STATE\\]\\nYou stand on cell 1 .*\\[ACTION\\]\\nstep right", "reply": "Resulting State: You stand on cell 2 (cells 0..6). The goal is cell 6; cell 3 is a cliff."},
 {"match": "(?s)^\\[ROLE: world\\].*\\[STATE\\]\\nYou stand on cell 2 .*\\[ACTION\\]\\nstep left", "reply": "Resulting State: You stand on cell 1 (cells 0..6). The goal is cell 6; cell 3 is a cliff."},
 {"match": "(?s)^\\[ROLE: world\\].*\\[STATE\\]\\nYou stand on cell 4 .*\\[ACTION\\]\\nstep right", "reply": "Resulting State: You stand on cell 5 (cells 0..6). The goal is cell 6; cell 3 is a cliff."},
 {"match": "(?s)^\\[ROLE: world\\].*\\[STATE\\]\\nYou stand on cell 5 .*\\[ACTION\\]\\nstep right", "reply": "Resulting State: You stand on cell 6 (cells 0..6): the goal."},
 {"match": "(?s)^\\[ROLE: world\\]", "reply": "I cannot tell."},
 {"match": "(?s)^\\[ROLE: value\\].*\\[STATE\\]\\nYou fell", "reply": "impossible"},
 {"match": "(?s)^\\[ROLE: value\\].*\\[STATE\\]\\nYou stand on cell [3456]", "reply": "sure"},
 {"match": "(?s)^\\[ROLE: value\\]", "reply": "likely"},
 {"match": "(?s)^\\[ROLE: judge\\].*\\[STATE\\]\\nYou stand on cell 6", "reply": "Status: success"},
 {"match": "(?s)^\\[ROLE: judge\\].*\\[STATE\\]\\nYou fell", "reply": "Status: failure"},
 {"match": "(?s)^\\[ROLE: judge\\]", "reply": "Status: on track"}
]
R
mktask() { # FILE EXTRA-ARGS-JSON
  cat >"$1" <<J
{"kind":"text","description":"A walker on a line of cells. step left and step right move one cell; jump moves two cells to the right.",
 "initial_state":"You stand on cell 1 (cells 0..6). The goal is cell 6; cell 3 is a cliff.",
 "goal":"stand on cell 6","actions":["look","step left","step right","jump"],
 "env":{"command":["$envprog","--start","1"$2],"timeout_ms":5000}}
J
}
mktask "$tmp/cliff.json" ""
expect 0 '"outcome":"goal"' --task "$tmp/cliff.json" --act --provider scripted \
  --script "$tmp/rules.json" --trace "$tmp/cliff.jsonl"
grep -q '"refusals":1' "$tmp/out" || fail "the barrier did not refuse the jump from cell 1"
# The search predicted "cell 3" (wrong), two of the three simulations
# "fell": the votes disagree (and the modal state is worth nothing).
grep -q '"action":"jump".*"pass_agree":false.*"verdict":"the simulations disagree"' \
  "$tmp/cliff.jsonl" || fail "no refusal with its reason in the trace"
grep -q '"verdict":"commit"' "$tmp/cliff.jsonl" || fail "the safe jump was not committed"
expect 1 'fell off the cliff' --task "$tmp/cliff.json" --act --policy no-barrier \
  --provider scripted --script "$tmp/rules.json"
grep -q '"action":"jump","applied":true,"effect":"irreversible"' "$tmp/out" \
  || fail "no-barrier did not jump"
grep -q '"fidelity":{"jump":{"checked":1,"wrong":1}' "$tmp/out" \
  || fail "the wrong prediction of the jump is not in the fidelity record"

# The program dies after its 6th request: an error, the steps before kept.
mktask "$tmp/crash.json" ',"--fail-after","6"'
expect 1 '"outcome":"error"' --task "$tmp/crash.json" --act --provider scripted \
  --script "$tmp/rules.json"
grep -q '"action":"step right"' "$tmp/out" || fail "the committed step was lost"
grep -q 'cliff_env' "$tmp/out" || fail "the error does not name the environment"
# It stops answering: the timeout ends the run.
mktask "$tmp/hang.json" ',"--hang-after","3"'
sed 's/"timeout_ms":5000/"timeout_ms":300/' "$tmp/hang.json" >"$tmp/hang2.json"
expect 1 '"outcome":"error"' --task "$tmp/hang2.json" --act --provider scripted \
  --script "$tmp/rules.json"
# Garbage instead of JSON.
mktask "$tmp/garbage.json" ',"--garbage-after","2"'
expect 1 '"outcome":"error"' --task "$tmp/garbage.json" --act --provider scripted \
  --script "$tmp/rules.json"
# No such program; a text task without a command.
sed "s|$envprog|$tmp/no-such-env|" "$tmp/cliff.json" >"$tmp/missing.json"
expect 2 'no-such-env' --task "$tmp/missing.json" --act --provider scripted \
  --script "$tmp/rules.json"
printf '{"kind":"text","initial_state":"a","goal":"b"}\n' >"$tmp/noenv.json"
expect 2 'needs "env":{"command"' --task "$tmp/noenv.json" --act --provider scripted \
  --script "$tmp/rules.json"
# ---- record an agent run against the noisy oracle, replay it offline ------
# (mockllm is a test double; ctest sets PLAN_MOCKLLM). The replay makes no
# network call, and the trace (every search, check and commit) and the
# result are the same byte for byte, wall time aside.
if [ -n "${PLAN_MOCKLLM:-}" ]; then
  "$PLAN_MOCKLLM" --port 0 --port-file "$tmp/oport" --quiet \
    --domain "$src/data/pddl/cliffs/domain.pddl" \
    --problem-dir "$src/data/pddl/cliffs/instances" \
    --pb-config "$src/data/pddl/cliffs/cliffs.yaml" --noise middle --seed 1 \
    >/dev/null &
  opid=$!
  i=0
  while [ ! -s "$tmp/oport" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
  oport=$(head -n1 "$tmp/oport")
  [ -n "$oport" ] || { kill $opid; fail "mockllm did not start"; }
  "$plan" --task "$src/data/tasks/cliffs.json" --act --model oracle \
    --base-url "http://127.0.0.1:$oport/v1" --value-samples 10 --seed 1 \
    --cassette "$tmp/act.cassette" --cassette-mode record \
    --trace "$tmp/rec.jsonl" >"$tmp/rec.out" 2>"$tmp/err"
  rc=$?
  kill $opid; wait $opid 2>/dev/null
  [ $rc -le 1 ] || { cat "$tmp/err"; fail "recording the agent run exited $rc"; }
  "$plan" --task "$src/data/tasks/cliffs.json" --act --model oracle \
    --base-url "http://127.0.0.1:$oport/v1" --value-samples 10 --seed 1 \
    --cassette "$tmp/act.cassette" --trace "$tmp/rep.jsonl" \
    >"$tmp/rep.out" 2>"$tmp/err"
  [ $? = $rc ] || { cat "$tmp/err"; fail "the replay ended differently"; }
  cmp -s "$tmp/rec.jsonl" "$tmp/rep.jsonl" || fail "the replayed trace differs"
  sed 's/"wall_s":[0-9.e+-]*//' "$tmp/rec.out" >"$tmp/a"
  sed 's/"wall_s":[0-9.e+-]*//' "$tmp/rep.out" >"$tmp/b"
  cmp -s "$tmp/a" "$tmp/b" || fail "the replayed result differs"
  grep -q '"ev":"commit_check"' "$tmp/rep.jsonl" || fail "no barrier check replayed"
  # --budget-calls bounds the whole run (each step keeps its own 200):
  # replayed from the cassette, the run stops early with outcome "budget".
  "$plan" --task "$src/data/tasks/cliffs.json" --act --model oracle \
    --base-url "http://127.0.0.1:$oport/v1" --value-samples 10 --seed 1 \
    --cassette "$tmp/act.cassette" --budget-calls 60 >"$tmp/out" 2>"$tmp/err"
  [ $? = 1 ] || { cat "$tmp/err"; fail "a run over its budget did not exit 1"; }
  grep -q '"outcome":"budget"' "$tmp/out" || { cat "$tmp/out"; fail "no budget outcome"; }
else
  echo "note: PLAN_MOCKLLM not set: agent record/replay not checked"
fi
echo "act.sh: all passed"
