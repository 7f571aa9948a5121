#!/bin/sh
# plan gen-deadend (cli/cmd_gen.c, docs/deadend.md): --help, usage errors
# (exit 2 with the flag named), three instances into a temporary folder
# (the same files again for the same seed, one JSON line each with
# --json), an instance solved through a task file in solver mode and its
# plan accepted by plan validate, the shipped task file, and, with the
# mockllm test double, a hybrid best-first search against the oracle on
# the generated folder.
set -u
plan="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
src="$2"
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
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
  [ "$rc" = "$code" ] || { cat "$tmp/out" "$tmp/err" >&2; fail "plan $* exited $rc, not $code"; }
  grep -q -- "$pat" "$tmp/out" "$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; fail "plan $*: no '$pat'"; }
}

# ---- Help and usage errors ----------------------------------------------
expect 0 "--seed S" gen-deadend --help
expect 0 "gen-deadend" --help
expect 2 "are required" gen-deadend --n 3 --seed 1
expect 2 "are required" gen-deadend --seed 1 --out "$tmp/x"
expect 2 "--n wants an integer from 1" gen-deadend --n 0 --seed 1 --out "$tmp/x"
expect 2 "--n wants an integer" gen-deadend --n 3x --seed 1 --out "$tmp/x"
expect 2 "--seed wants an integer from 0" gen-deadend --n 1 --seed -4 --out "$tmp/x"
expect 2 "small, medium or mixed, not 'large'" gen-deadend --n 1 --seed 1 --size large --out "$tmp/x"
expect 2 "unknown option '--bogus'" gen-deadend --n 1 --seed 1 --bogus --out "$tmp/x"
expect 2 "--out needs a value" gen-deadend --n 1 --seed 1 --out
[ -e "$tmp/x" ] && fail "a usage error created the folder"
: >"$tmp/file"
expect 2 "cannot write $tmp/file/domain.pddl" gen-deadend --n 1 --seed 1 --out "$tmp/file"
expect 2 "cannot create" gen-deadend --n 1 --seed 1 --out "$tmp/no/such/dir"
expect 1 "no acceptable small map for instance 1" gen-deadend --n 1 --seed 1 --max-states 10 --out "$tmp/tiny"

# ---- Three instances ----------------------------------------------------
expect 0 "wrote 3 small instances (seed 5)" gen-deadend --n 3 --seed 5 --out "$tmp/g" --json
[ "$(wc -l <"$tmp/out")" -eq 3 ] || fail "--json: not one line per instance"
grep -q '"file":"instance-2.pddl","places":[0-9]*,"crates":1,' "$tmp/out" || fail "--json fields"
for k in 1 2 3; do
  [ -s "$tmp/g/instance-$k.pddl" ] || fail "instance-$k.pddl missing"
  grep -q "(define (problem cliffs-small-5-$k)" "$tmp/g/instance-$k.pddl" || fail "instance-$k: problem name"
done
[ -e "$tmp/g/instance-4.pddl" ] && fail "a fourth instance"
cmp -s "$tmp/g/domain.pddl" "$src/data/pddl/cliffs/domain.pddl" || fail "domain.pddl differs from data/pddl/cliffs"
expect 0 "medium" gen-deadend --n 2 --seed 5 --size medium --out "$tmp/m"
grep -q "(at blue-crate" "$tmp/m/instance-1.pddl" || fail "medium instances carry two crates"
expect 0 "wrote 3" gen-deadend --n 3 --seed 5 --out "$tmp/again"
for k in 1 2 3; do
  cmp -s "$tmp/g/instance-$k.pddl" "$tmp/again/instance-$k.pddl" || fail "seed 5: instance-$k differs between runs"
done
expect 0 "wrote 1" gen-deadend --n 1 --seed 6 --out "$tmp/other"
cmp -s "$tmp/g/instance-1.pddl" "$tmp/other/instance-1.pddl" && fail "seeds 5 and 6 gave the same instance"

# ---- Solve one, validate its plan -----------------------------------------
cat >"$tmp/g/task.json" <<'J'
{"kind":"pddl","domain":"domain.pddl","problem":"instance-2.pddl","mode":"solver"}
J
expect 0 '"valid":true' --task "$tmp/g/task.json"
opt=$(sed -n 's/.*optimal plan: \([0-9]*\) steps.*/\1/p' "$tmp/g/instance-2.pddl")
[ -n "$opt" ] || fail "instance-2: no optimal length in the header"
grep -q "\"cost\":$opt," "$tmp/out" || { cat "$tmp/out"; fail "A* cost differs from the header's $opt"; }
tr ',' '\n' <"$tmp/out" | sed -n 's/.*"\((.*)\)".*/\1/p' >"$tmp/plan.txt"
[ "$(wc -l <"$tmp/plan.txt")" -eq "$opt" ] || fail "the plan has not $opt steps"
expect 0 "Plan valid" validate "$tmp/g/domain.pddl" "$tmp/g/instance-2.pddl" "$tmp/plan.txt"
# The shipped task file (mode llm) with the solver.
expect 0 '"valid":true' --task "$src/data/tasks/cliffs.json" --mode solver

# ---- The oracle on the generated folder -------------------------------------
mock="${PLAN_MOCKLLM:-}"
if [ -z "$mock" ] || [ ! -x "$mock" ]; then
  echo "note: PLAN_MOCKLLM not set: the oracle search is skipped"
  exit 0
fi
"$mock" --brain oracle --domain "$tmp/g/domain.pddl" --problem-dir "$tmp/g" \
  --pb-config "$src/data/pddl/cliffs/cliffs.yaml" --noise none \
  --port 0 --port-file "$tmp/port" --quiet >/dev/null 2>"$tmp/mock.err" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
port=$(head -n1 "$tmp/port" 2>/dev/null)
[ -n "$port" ] || { cat "$tmp/mock.err"; fail "mockllm did not start"; }
cat >"$tmp/g/hybrid.json" <<J
{"kind":"pddl","domain":"domain.pddl","problem":"instance-1.pddl",
 "pb_config":"$src/data/pddl/cliffs/cliffs.yaml","mode":"hybrid",
 "algo":"best-first","provider":"openai","model":"oracle",
 "base_url":"http://127.0.0.1:$port/v1"}
J
expect 0 '"solved":true' --task "$tmp/g/hybrid.json" --quiet
grep -q '"valid":true' "$tmp/out" || fail "hybrid: plan not valid"
# Proposals in the domain's words were read back: every child came from
# one (the only unknown answers are "(nothing can be done)" in dead ends
# without an applicable action).
grep -q '"inapplicable":0,"requests":[0-9]*,"samples":[0-9]*,"truncated":0' "$tmp/out" \
  || { cat "$tmp/out"; fail "hybrid: proposer counters"; }
expect 0 '"solved":true' --task "$tmp/g/hybrid.json" --mode llm --quiet
echo "gen-deadend: usage errors, 3 instances, solver and oracle searches ok"
