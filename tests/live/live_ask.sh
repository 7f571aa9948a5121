#!/bin/sh
# Live test against real APIs (label `live`). Runs only when
# PLAN_LIVE_TESTS=1; otherwise it reports "skipped" (exit 77). Uses
# OPENAI_API_KEY / ANTHROPIC_API_KEY (and PLAN_LIVE_OPENAI_MODEL,
# PLAN_LIVE_ANTHROPIC_MODEL, OPENAI_BASE_URL when set). Each provider whose
# key is missing is skipped.
set -u
plan="$1"
if [ "${PLAN_LIVE_TESTS:-0}" != "1" ]; then
  echo "live tests skipped (set PLAN_LIVE_TESTS=1 to run them)"
  exit 77
fi
ran=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${OPENAI_API_KEY:-}" ]; then
  m="${PLAN_LIVE_OPENAI_MODEL:-gpt-4o-mini}"
  "$plan" ask --provider openai --model "$m" --max-tokens 20 --temperature 0 \
    "Reply with the single word: pong" >"$tmp/o" 2>"$tmp/e" || { cat "$tmp/e"; exit 1; }
  grep -qi pong "$tmp/o" || { echo "openai: unexpected reply"; cat "$tmp/o"; exit 1; }
  "$plan" ask --provider openai --model "$m" --max-tokens 5 --samples 3 \
    "Say a number" >"$tmp/o" 2>"$tmp/e" || { cat "$tmp/e"; exit 1; }
  [ "$(wc -l <"$tmp/o")" -eq 3 ] || exit 1
  grep -q "$OPENAI_API_KEY" "$tmp/o" "$tmp/e" && { echo "key leaked"; exit 1; }
  ran=1
fi
if [ -n "${ANTHROPIC_API_KEY:-}" ]; then
  m="${PLAN_LIVE_ANTHROPIC_MODEL:-claude-3-5-haiku-latest}"
  "$plan" ask --provider anthropic --model "$m" --max-tokens 20 --temperature 0 \
    "Reply with the single word: pong" >"$tmp/o" 2>"$tmp/e" || { cat "$tmp/e"; exit 1; }
  grep -qi pong "$tmp/o" || { echo "anthropic: unexpected reply"; cat "$tmp/o"; exit 1; }
  grep -q "$ANTHROPIC_API_KEY" "$tmp/o" "$tmp/e" && { echo "key leaked"; exit 1; }
  ran=1
fi
[ $ran -eq 1 ] || { echo "no API key set: nothing to test"; exit 77; }
echo "live: ok"
