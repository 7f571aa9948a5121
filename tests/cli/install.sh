#!/bin/sh
# Installs the build into a temporary prefix, then builds examples/ask.c
# and examples/search.c against it twice: through CMake's find_package(plan)
# and through pkg-config's plan.pc, and examples/act.c through
# find_package (it drives the build tree's examples/envs/cliff_env). Every
# program must run.
set -eu
plan="$1"; src="$2"
build=$(dirname "$plan")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
test -f "$tmp/prefix/include/plan.h"
test -f "$tmp/prefix/include/plan_backend.h"
test ! -e "$tmp/prefix/include/core.h"
libdir=$(ls -d "$tmp"/prefix/lib*/ | head -n1)
test -f "$libdir/pkgconfig/plan.pc"
test -f "$libdir/cmake/plan/planConfig.cmake"

# 1. CMake find_package.
mkdir -p "$tmp/app"
cp "$src/examples/ask.c" "$src/examples/search.c" "$src/examples/act.c" \
  "$tmp/app/"
cat > "$tmp/app/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(app C)
find_package(plan 0.1 REQUIRED)
add_executable(app ask.c)
target_link_libraries(app PRIVATE plan::plan)
add_executable(app_search search.c)
target_link_libraries(app_search PRIVATE plan::plan)
add_executable(app_act act.c)
target_link_libraries(app_act PRIVATE plan::plan)
CM
cmake -S "$tmp/app" -B "$tmp/app/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/app/build" >/dev/null
"$tmp/app/build/app" >/dev/null
"$tmp/app/build/app_search" >/dev/null
"$tmp/app/build/app_act" "$build/examples/envs/cliff_env" >/dev/null

# 2. pkg-config.
PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --exists plan
cc -std=c11 -o "$tmp/app2" "$src/examples/ask.c" \
  $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs plan)
"$tmp/app2" >/dev/null
cc -std=c11 -o "$tmp/app3" "$src/examples/search.c" \
  $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs plan)
"$tmp/app3" >/dev/null
echo "install: find_package and pkg-config builds work"
