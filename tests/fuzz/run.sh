#!/bin/sh
# Builds one libFuzzer target (clang, -fsanitize=fuzzer,address,undefined) and runs it for a
# given time on a copy of its seed corpus; prints the exec count and keeps any crash input.
#   tests/fuzz/run.sh csv|idx SECONDS [extra libFuzzer flags...]
# Output goes to tests/fuzz/out/ (ignored by git): the binary, the growing corpus, crashes,
# and the log.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 csv|idx SECONDS [libFuzzer flags...]" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/out"
mkdir -p "$out/corpus-$target" "$out/crashes-$target"

case "$target" in
  csv) sources="csv_cells.c csv_labels.c csv_load.c csv_reader.c dataset.c split.c stats.c" ;;
  idx) sources="idx.c idx_dataset.c dataset.c file.c stats.c" ;;
  *) echo "$0: unknown target $target (csv or idx)" >&2; exit 2 ;;
esac
srcs=""
for s in $sources; do srcs="$srcs $root/data/$s"; done

bin="$out/fuzz-$target"
# shellcheck disable=SC2086
clang -std=gnu17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" -o "$bin" "$here/fuzz-$target.c" $srcs -lz -lm

dict=""
[ -f "$here/$target.dict" ] && dict="-dict=$here/$target.dict"
log="$out/fuzz-$target.log"
# -max_len 64 KiB: CSV rows and IDX headers; -rss_limit/-malloc_limit catch huge allocations.
# shellcheck disable=SC2086
"$bin" "$out/corpus-$target" "$here/corpus/$target" $dict \
  -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=256 \
  -timeout=10 -artifact_prefix="$out/crashes-$target/" -print_final_stats=1 "$@" \
  >"$log" 2>&1 && status=0 || status=$?
grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" "$log" || true
if [ "$status" -ne 0 ]; then
  echo "$0: $target: the fuzzer stopped with status $status; see $log and $out/crashes-$target/" >&2
fi
exit "$status"
