#!/usr/bin/env bash
# `make check`: the rules a machine enforces (README "Tests, fuzzing, benchmarks"), in seconds and
# without building anything. Runs every check, prints what each found, and fails if any did:
#   format   every tracked .cpp/.hpp is formatted with clang-format 14 (`make format` fixes it)
#   deps     the include rules of STYLE.md §2 (tools/check_deps.py)
#   coawait  no braced initialiser in a co_await statement (tools/check_coawait.py; GCC 12)
#   layout   no source outside src/<area>/, tests/, bench/, fuzz/ (tools/check_layout.py)
#   tools    the checkers' own tests (tools/checks_test.py)
set -uo pipefail
cd "$(dirname "$0")/.."

clang_format=$(command -v clang-format-14 || true)

format() {
  if [[ -z "$clang_format" ]]; then
    echo "clang-format-14 is not installed (scripts/setup --check installs it)"
    return 1
  fi
  local out files
  out=$(git ls-files -z -- '*.cpp' '*.hpp' | xargs -0 -n 40 -P 2 "$clang_format" --dry-run -Werror \
        --ferror-limit=1 2>&1) && return 0
  files=$(grep -oE '^[^ :]+\.(cpp|hpp):[0-9]+:[0-9]+: error' <<<"$out" | cut -d: -f1 | sort -u)
  if [[ -z "$files" ]]; then
    echo "$out"
    return 1
  fi
  echo "not formatted with clang-format 14 (run \`make format\`, or clang-format-14 -i <file>):"
  sed 's/^/  /' <<<"$files"
  return 1
}

# The checks run side by side; each one's output is printed when all are done.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
names=()
start() {
  local name=$1
  shift
  names+=("$name")
  ( t0=$SECONDS
    if "$@" >"$tmp/$name.out" 2>&1; then echo ok >"$tmp/$name.rc"; else echo failed >"$tmp/$name.rc"; fi
    echo $((SECONDS - t0)) >"$tmp/$name.s" ) &
}
start format format
start deps tools/check_deps.py
start coawait tools/check_coawait.py
start layout tools/check_layout.py
start tools python3 -m unittest -q tools/checks_test.py
wait
status=0
for name in "${names[@]}"; do
  if [[ $(cat "$tmp/$name.rc") == ok ]]; then
    echo "check $name: ok ($(cat "$tmp/$name.s") s)"
  else
    echo "check $name: FAILED"
    sed 's/^/  /' "$tmp/$name.out"
    status=1
  fi
done
exit $status
