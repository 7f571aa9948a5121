#!/bin/sh
# Record through the real HTTP backend against mockllm (loopback test
# double), including a 429 that the scheduler retries, then stop the server
# and replay: the output must be byte-identical (latency aside), the replay
# must make no network call, and the cassette must not contain the API key.
set -u
plan="$1"
mock="${PLAN_MOCKLLM:?PLAN_MOCKLLM is set by ctest}"
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$mock" --port 0 --port-file "$tmp/port" --latency-ms 20 --quiet >/dev/null &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
port=$(head -n1 "$tmp/port")
[ -n "$port" ] || fail "mockllm did not start"
url="http://127.0.0.1:$port/v1"
key="sk-testkey-0123456789abcdefghijklmnop"

prompt="[[fault:429,first=1,retry_after_ms=50]] Propose the next action."
OPENAI_API_KEY="$key" "$plan" ask --base-url "$url" --model mock --samples 5 \
  --temperature 0.7 --cassette "$tmp/c.jsonl" --cassette-mode record \
  "$prompt" >"$tmp/rec" 2>"$tmp/err" || { cat "$tmp/err"; fail "record"; }
grep -q '"attempts":2' "$tmp/rec" || fail "the 429 was retried while recording"
grep -q "$key" "$tmp/c.jsonl" && fail "the API key reached the cassette"
grep -q '"http_status":429' "$tmp/c.jsonl" || fail "the 429 was recorded"

kill "$pid"; wait "$pid" 2>/dev/null; pid=""

# Replay with the server gone (any network call would fail to connect).
"$plan" ask --base-url "$url" --model mock --samples 5 --temperature 0.7 \
  --cassette "$tmp/c.jsonl" "$prompt" >"$tmp/rep" 2>"$tmp/err" || { cat "$tmp/err"; fail "replay"; }
sed 's/"latency_ms":[0-9.e+-]*,//' "$tmp/rec" >"$tmp/a"
sed 's/"latency_ms":[0-9.e+-]*,//' "$tmp/rep" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { diff "$tmp/a" "$tmp/b"; fail "replay differs from the recording"; }

# Re-recording new requests only (record-new) keeps the old entries.
lines=$(wc -l <"$tmp/c.jsonl")
"$plan" ask --base-url "$url" --model mock --samples 5 --temperature 0.7 \
  --cassette "$tmp/c.jsonl" --cassette-mode record-new "$prompt" >/dev/null 2>&1 \
  || fail "record-new of known requests needs no server"
[ "$(wc -l <"$tmp/c.jsonl")" -eq "$lines" ] || fail "record-new changed a complete cassette"
echo "cassette through mockllm: recorded, replayed offline, identical"
