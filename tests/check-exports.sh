#!/bin/sh
# Fails if libplan defines a global symbol without the plan_ prefix. For the
# shared library that is the exported API (hidden visibility keeps the rest
# in); for the static archive it is every non-static function or variable,
# which must carry the plan_ (public) or plan__ (internal) prefix. Names
# starting with __ come from the toolchain (e.g. ASan's __odr_asan.*).
lib="$1"
case "$lib" in
  *.so*) syms=$(nm -D --defined-only "$lib") ;;
  *) syms=$(nm -g --defined-only "$lib" 2>/dev/null) ;;
esac
bad=$(printf '%s\n' "$syms" | awk 'NF == 3 && $2 ~ /^[TDBRVW]$/ {print $3}' |
      grep -v '^plan_' | grep -v '^__' | sort -u)
if [ -n "$bad" ]; then
  echo "symbols without the plan_ prefix in $lib:"
  echo "$bad"
  exit 1
fi
echo "exports ok: $(printf '%s\n' "$syms" | grep -c ' T plan_[a-z]') public functions"
