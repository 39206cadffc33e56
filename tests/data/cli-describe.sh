#!/bin/sh
# backprop-train --data ... --describe: exit statuses and messages, as a TAP test.
# usage: cli-describe.sh BACKPROP_TRAIN FILES_DIR
set -u
bin=$1
files=$2
. "$(dirname "$0")/../tap.sh"

echo "1..20"

# A bad cell: FILE:LINE:COLUMN: why on the first line, then how to load the file anyway.
hint="backprop-train: rows with a missing, NaN, Inf or non-numeric cell or the wrong number of fields are refused; --drop-bad-rows leaves them out and lists their lines (as the window's Data page does)"
status=$(run --data "$files/bad.csv" --describe)
if [ "$status" = 2 ] && [ "$(sed -n 1p "$err")" = "$files/bad.csv:4:2: not a number: 'abc'" ] \
   && [ "$(sed -n 2p "$err")" = "$hint" ] && [ "$(wc -l < "$err")" = 2 ] && [ ! -s "$out" ]; then
  ok "bad.csv: exit 2, FILE:LINE:COLUMN and --drop-bad-rows on stderr"
else
  not_ok "bad.csv: exit 2, FILE:LINE:COLUMN and --drop-bad-rows on stderr (status $status)"
fi

# --describe takes no value: "--describe FILE" describes FILE, with the same message.
status=$(run --describe "$files/bad.csv")
if [ "$status" = 2 ] && [ "$(sed -n 1p "$err")" = "$files/bad.csv:4:2: not a number: 'abc'" ]; then
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
   && grep -qxF "$files/droppable.csv: 3 bad rows left out (lines 3, 4 and 5); the first: $files/droppable.csv:3:1: missing value" \
     "$err"; then
  ok "--drop-bad-rows says how many"
else
  not_ok "--drop-bad-rows says how many (status $status)"
fi

# bad-rows.csv: a missing cell (line 4, the header being lines 1-2), NaN (6), a word (9),
# inf (12), a missing label (21), -inf (22); the window's note uses the same line numbers.
status=$(run --data "$files/bad-rows.csv" --describe)
if [ "$status" = 2 ] && [ "$(sed -n 1p "$err")" = "$files/bad-rows.csv:4:2: missing value" ] \
   && [ "$(sed -n 2p "$err")" = "$hint" ] && [ ! -s "$out" ]; then
  ok "bad-rows.csv: refused at line 4, column 2, naming --drop-bad-rows"
else
  not_ok "bad-rows.csv: refused at line 4, column 2, naming --drop-bad-rows (status $status)"
fi

status=$(run --data "$files/bad-rows.csv" --drop-bad-rows --describe)
if [ "$status" = 0 ] && grep -qx "rows:      14" "$out" \
   && [ "$(cat "$err")" = "$files/bad-rows.csv: 6 bad rows left out (lines 4, 6, 9, 12, 21 and 1 more); the first: $files/bad-rows.csv:4:2: missing value" ]; then
  ok "bad-rows.csv --drop-bad-rows: 14 rows, 6 left out and their lines"
else
  not_ok "bad-rows.csv --drop-bad-rows: 14 rows, 6 left out and their lines (status $status)"
fi

# The split training will use, and the window's, in rows (Iris: 3 classes of 50).
status=$(run --data iris --describe)
if [ "$status" = 0 ] \
   && grep -qxF "split:     backprop-train: 120 training, 30 validation, 0 test rows (80/20/0 %, seed 1)" "$out" \
   && grep -qxF "           the window:     90 training, 30 validation, 30 test rows (60/20/20 %, seed 1)" "$out"; then
  ok "--describe: backprop-train's split and the window's"
else
  not_ok "--describe: backprop-train's split and the window's (status $status)"
fi

# --describe shows the split these options give, not the default one: Iris with a tenth for
# testing is 105/30/15, stratified (35/10/5 of each class of 50).
status=$(run --data iris --describe --test-ratio 0.1 --seed 7)
if [ "$status" = 0 ] \
   && grep -qxF "split:     backprop-train: 105 training, 30 validation, 15 test rows (70/20/10 %, seed 7)" "$out" \
   && grep -qxF "           (stratified by class; backprop-train's as set by --test-ratio 0.1 --seed 7)" "$out"; then
  ok "--describe --test-ratio 0.1 --seed 7: the split training would make"
else
  not_ok "--describe --test-ratio 0.1 --seed 7: the split training would make (status $status)"
fi

status=$(run --data iris --describe --val-ratio 0.6 --test-ratio 0.5)
if [ "$status" = 2 ] && [ ! -s "$out" ] \
   && [ "$(cat "$err")" = "backprop-train: split ratios must be in [0, 1) and add up to less than 1 (val 0.6, test 0.5)" ]; then
  ok "--describe with ratios adding up past 1: exit 2, as training would"
else
  not_ok "--describe with ratios adding up past 1: exit 2, as training would (status $status)"
fi

# ragged-rows.csv: 5 columns; line 7 has 3 fields, line 9 a NaN, line 10 six fields. A ragged
# row is a bad row like the others: refused naming its line and --drop-bad-rows ...
status=$(run --data "$files/ragged-rows.csv" --describe)
if [ "$status" = 2 ] && [ "$(sed -n 1p "$err")" = "$files/ragged-rows.csv:7: 3 fields, expected 5 (as in the header)" ] \
   && [ "$(sed -n 2p "$err")" = "$hint" ] && [ "$(wc -l < "$err")" = 2 ] && [ ! -s "$out" ]; then
  ok "ragged row: refused at line 7, naming --drop-bad-rows"
else
  not_ok "ragged row: refused at line 7, naming --drop-bad-rows (status $status)"
fi

# ... and with --drop-bad-rows left out and listed in the window's sentence.
status=$(run --data "$files/ragged-rows.csv" --describe --drop-bad-rows)
if [ "$status" = 0 ] && grep -qx "rows:      8" "$out" \
   && [ "$(cat "$err")" = "$files/ragged-rows.csv: 3 bad rows left out (lines 7, 9 and 10), 2 of them with the wrong number of fields; the first: $files/ragged-rows.csv:7: 3 fields, expected 5 (as in the header)" ]; then
  ok "ragged rows --drop-bad-rows: 8 rows, lines 7, 9 and 10 left out"
else
  not_ok "ragged rows --drop-bad-rows: 8 rows, lines 7, 9 and 10 left out (status $status)"
fi

# bad-header.csv: the header names 4 columns, 5 of its 6 rows have 5: the header is wrong, so
# dropping is no way out and the message says to check the header, with or without the flag.
want="$files/bad-header.csv:1: the header has 4 fields but 5 of 6 data rows have another number (5 have 5, the first on line 2): check the header and the delimiter (','); bad rows are dropped only when most rows fit"
s1=$(run --data "$files/bad-header.csv" --describe)
e1=$(cat "$err")
s2=$(run --data "$files/bad-header.csv" --describe --drop-bad-rows)
if [ "$s1" = 2 ] && [ "$s2" = 2 ] && [ "$e1" = "$want" ] && [ "$(cat "$err")" = "$want" ]; then
  ok "a header that does not fit most rows: refused with and without --drop-bad-rows"
else
  not_ok "a header that does not fit most rows: refused with and without --drop-bad-rows ($s1 $s2)"
fi

status=$(run --help)
if [ "$status" = 0 ] && grep -qF "so by default 80/20/0 % training/validation/test" "$out" \
   && grep -qF "the window splits 60/20/20 %" "$out" && grep -qF -- "--drop-bad-rows     leave out" "$out"; then
  ok "--help: the default split and --drop-bad-rows"
else
  not_ok "--help: the default split and --drop-bad-rows (status $status)"
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
