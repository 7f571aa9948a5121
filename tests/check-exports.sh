#!/bin/sh
# Fails if the shared library exports a symbol without the plan_ prefix.
lib="$1"
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' |
      grep -v '^plan_' | grep -v '^_' )
if [ -n "$bad" ]; then
  echo "symbols without the plan_ prefix:"; echo "$bad"; exit 1
fi
echo "exports ok: $(nm -D --defined-only "$lib" | grep -c ' T plan_') functions"
