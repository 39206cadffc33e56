#!/bin/sh
# backprop-train --data ... --describe: exit statuses and messages, as a TAP test.
# usage: cli-describe.sh BACKPROP_TRAIN FILES_DIR
set -u
bin=$1
files=$2
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; sed 's/^/# /' "$out" "$err"; }
run() { "$bin" "$@" >"$out" 2>"$err"; echo $?; }

echo "1..11"

status=$(run --data "$files/bad.csv" --describe)
if [ "$status" = 2 ] && [ "$(cat "$err")" = "$files/bad.csv:4:2: not a number: 'abc'" ] \
   && [ ! -s "$out" ]; then
  ok "bad.csv: exit 2 and FILE:LINE:COLUMN on stderr"
else
  not_ok "bad.csv: exit 2 and FILE:LINE:COLUMN on stderr (status $status)"
fi

# --describe takes no value: "--describe FILE" describes FILE, with the same message.
status=$(run --describe "$files/bad.csv")
if [ "$status" = 2 ] && [ "$(cat "$err")" = "$files/bad.csv:4:2: not a number: 'abc'" ]; then
  ok "--describe FILE: the same FILE:LINE:COLUMN as --data FILE --describe"
else
  not_ok "--describe FILE: the same FILE:LINE:COLUMN as --data FILE --describe (status $status)"
fi

status=$(run "$files/bad.csv")
if [ "$status" = 2 ] && grep -qxF "backprop-train: $files/bad.csv is a dataset, not an experiment file: train on it with --data $files/bad.csv" "$err"; then
  ok "a CSV where the experiment goes: says to use --data"
else
  not_ok "a CSV where the experiment goes: says to use --data (status $status)"
fi

status=$(run --describe "$files/picture.png")
if [ "$status" = 2 ] \
   && [ "$(cat "$err")" = "$files/picture.png does not look like a CSV text file (binary data at byte 6)" ]; then
  ok "a PNG: not a CSV text file, and where the binary data is"
else
  not_ok "a PNG: not a CSV text file, and where the binary data is (status $status)"
fi

status=$(run --data "$files/bad-truncated.idx" --idx-labels "$files/tiny-labels-idx1-ubyte" \
  --describe)
if [ "$status" = 2 ] && grep -qF "bad-truncated.idx: byte 23: truncated" "$err"; then
  ok "truncated IDX: exit 2 and FILE: byte OFFSET"
else
  not_ok "truncated IDX: exit 2 and FILE: byte OFFSET (status $status)"
fi

status=$(run --data iris --describe)
if [ "$status" = 0 ] && grep -qx "rows:      150" "$out" \
   && grep -q "task:      classification, 3 classes" "$out" \
   && grep -qE "^ +2 virginica +50 +33.3%" "$out" && [ ! -s "$err" ]; then
  ok "iris --describe: exit 0, 150 rows, 3 classes of 50"
else
  not_ok "iris --describe: exit 0, 150 rows, 3 classes of 50 (status $status)"
fi

status=$(run --data "$files/regression.csv" --describe)
if [ "$status" = 0 ] && grep -q "task:      regression, 1 target" "$out" \
   && grep -qE "^y +-1.25 +3.5 " "$out"; then
  ok "regression CSV: the target's range"
else
  not_ok "regression CSV: the target's range (status $status)"
fi

status=$(run --data "$files/droppable.csv" --drop-bad-rows --describe)
if [ "$status" = 0 ] && grep -qx "rows:      2" "$out" \
   && grep -qF "dropped 3 rows with bad cells; the first: $files/droppable.csv:3:1: missing value" \
     "$err"; then
  ok "--drop-bad-rows says how many"
else
  not_ok "--drop-bad-rows says how many (status $status)"
fi

status=$(run --help)
if [ "$status" = 0 ] && grep -qE "^  fashion-mnist-test " "$out" \
   && grep -qE "^  spiral " "$out"; then
  ok "--help lists the built-in names"
else
  not_ok "--help lists the built-in names (status $status)"
fi

status=$(run --data iris --no-such-option)
if [ "$status" = 2 ] && grep -qF "unknown option --no-such-option" "$err"; then
  ok "unknown option: exit 2"
else
  not_ok "unknown option: exit 2 (status $status)"
fi

status=$(run --data no-such-dataset --describe)
if [ "$status" = 2 ] && grep -qxF "no-such-dataset: no such file, and not a built-in dataset name" \
     "$err"; then
  ok "unknown source: exit 2"
else
  not_ok "unknown source: exit 2 (status $status)"
fi
exit $fail
