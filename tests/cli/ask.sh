#!/bin/sh
# plan ask: help, usage errors, the scripted provider, JSON lines for
# samples, configuration errors, and record/replay through a cassette with
# byte-identical output.
set -u
plan="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
unset OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL PLAN_BASE_URL PLAN_MODEL PLAN_PROVIDER 2>/dev/null || true

"$plan" --version | grep -q '^plan 0\.1\.0$' || fail "--version"
"$plan" --help | grep -q 'ask' || fail "--help lists ask"
"$plan" ask --help | grep -q 'samples' || fail "ask --help"
"$plan" ask >/dev/null 2>&1; [ $? -eq 2 ] || fail "no prompt exits 2"
"$plan" ask --bogus x 2>"$tmp/err"; [ $? -eq 2 ] || fail "bad flag exits 2"
grep -q "unknown option '--bogus'" "$tmp/err" || fail "bad flag message"
"$plan" ask --temperature 9 x 2>"$tmp/err"; [ $? -eq 2 ] || fail "bad temperature"
grep -q -- "--temperature: expected a number 0..2" "$tmp/err" || fail "temperature message"
"$plan" nosuchcommand 2>/dev/null; [ $? -eq 2 ] || fail "unknown command"

# No key, no base URL: a clear message naming the variable.
"$plan" ask --model m "hi" 2>"$tmp/err"; [ $? -eq 2 ] || fail "no key exits 2"
grep -q "OPENAI_API_KEY" "$tmp/err" || fail "no key message"
"$plan" ask "hi" 2>"$tmp/err"; [ $? -eq 2 ] || fail "no model exits 2"
grep -q "PLAN_MODEL" "$tmp/err" || fail "no model message"
ANTHROPIC_API_KEY=sk-ant-test-0000000000000000 "$plan" ask --model m --base-url ftp://x "hi" 2>"$tmp/err"
[ $? -eq 2 ] || fail "bad base url exits 2"
grep -q "sk-ant-test" "$tmp/err" && fail "key leaked into an error"

cat > "$tmp/script.json" <<'J'
[{"match": "capital of France", "reply": "Paris"},
 {"match": "colour", "reply": ["red", "green", "blue"]},
 {"match": "fail", "error": "http_401"},
 {"reply": "echo: {prompt}"}]
J
out=$("$plan" ask --provider scripted --script "$tmp/script.json" "What is the capital of France?" 2>/dev/null)
[ "$out" = "Paris" ] || fail "scripted reply: '$out'"
PLAN_PROVIDER=scripted "$plan" ask --script "$tmp/script.json" "hello there" >"$tmp/out" 2>/dev/null
[ "$(cat "$tmp/out")" = "echo: hello there" ] || fail "env provider"
echo "from stdin" | "$plan" ask --script "$tmp/script.json" - >"$tmp/out" 2>/dev/null
[ "$(cat "$tmp/out")" = "echo: from stdin" ] || fail "stdin prompt"

"$plan" ask --script "$tmp/script.json" --samples 3 "a colour" >"$tmp/samples" 2>/dev/null || fail "samples"
[ "$(wc -l <"$tmp/samples")" -eq 3 ] || fail "3 JSON lines"
grep -q '"sample":2' "$tmp/samples" || fail "sample index"
grep -q '"text":"blue"' "$tmp/samples" || fail "third sample text"
grep -q '"latency_ms"' "$tmp/samples" || fail "latency"
grep -q '"usage"' "$tmp/samples" || fail "usage"

"$plan" ask --script "$tmp/script.json" "please fail" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "HTTP 401 exits 1"
grep -q "HTTP 401" "$tmp/err" || fail "401 message"

# Record through a cassette, then replay without the script: identical.
"$plan" ask --script "$tmp/script.json" --samples 4 --cassette "$tmp/c.jsonl" \
  --cassette-mode record "name a colour" >"$tmp/rec" 2>/dev/null || fail "record"
test -s "$tmp/c.jsonl" || fail "cassette written"
"$plan" ask --provider openai --cassette "$tmp/c.jsonl" --samples 4 "name a colour" \
  >"$tmp/rep" 2>"$tmp/err" || { cat "$tmp/err"; fail "replay"; }
sed 's/"latency_ms":[0-9.e+-]*,//' "$tmp/rec" >"$tmp/rec2"
sed 's/"latency_ms":[0-9.e+-]*,//' "$tmp/rep" >"$tmp/rep2"
cmp -s "$tmp/rec2" "$tmp/rep2" || { diff "$tmp/rec2" "$tmp/rep2"; fail "replay differs"; }
# A prompt that was never recorded is a hard miss naming the key.
"$plan" ask --provider openai --cassette "$tmp/c.jsonl" "something else" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "miss exits 1"
grep -q "nearest" "$tmp/err" || { cat "$tmp/err"; fail "miss names the nearest key"; }
echo "ask: all checks passed"
