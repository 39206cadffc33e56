#!/bin/sh
# backprop --help names the pages --page takes, the same ones the window has.
# Usage: test-help.sh path/to/backprop
set -u
bin=$1
echo "1..2"
out=$(env -u G_DEBUG "$bin" --help 2>&1)
status=$?
if [ $status -eq 0 ]; then echo "ok 1 - --help exits 0"; else
  echo "not ok 1 - --help exited $status"; fi
line=$(printf '%s\n' "$out" | grep -- 'Pages for --page:')
missing=""
for page in playground builder dashboard data; do
  printf '%s\n' "$line" | grep -qw "$page" || missing="$missing $page"
done
if [ -n "$line" ] && [ -z "$missing" ]; then
  echo "ok 2 - --help lists the pages: $line"
else
  echo "not ok 2 - --help does not list the pages (missing:$missing)"
  printf '%s\n' "$out" | sed 's/^/# /'
fi
