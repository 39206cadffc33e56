#!/bin/sh
# backprop-train training runs: files, limits, exit statuses, Ctrl+C, experiment files (TAP).
# usage: cli-train.sh BACKPROP_TRAIN EXAMPLES_DIR
set -u
bin=$1
examples=$2
. "$(dirname "$0")/../tap.sh"

echo "1..16"

status=$(run --data spiral --epochs 3 --metrics-csv "$dir/m.csv" --save-weights "$dir/w.st")
# 400 training rows at batch 10: 40 steps an epoch, 120 records plus the header.
check "spiral, 3 epochs: one line per epoch, every step in the CSV, weights written" \
  '[ "$status" = 0 ] && [ "$(grep -c "^epoch [123]/3 " "$out")" = 3 ] \
   && [ "$(wc -l <"$dir/m.csv")" = 121 ] && head -1 "$dir/m.csv" | grep -qx "step,epoch,time,loss,acc,lr" \
   && tail -1 "$dir/m.csv" | grep -q "^120,3," && [ -s "$dir/w.st" ] && [ ! -s "$err" ]'

check "the weights file is safetensors with the spec in its metadata" \
  'head -c 200 "$dir/w.st" | grep -aq "__metadata__" && head -c 4000 "$dir/w.st" | grep -aq "hidden_1.weight" && head -c 4000 "$dir/w.st" | grep -aq "backprop-spec"'

status=$(run --data spiral --steps 7 --metrics-csv "$dir/s.csv" --quiet)
check "--steps 7 stops at step 7; --quiet prints nothing" \
  '[ "$status" = 0 ] && [ "$(wc -l <"$dir/s.csv")" = 8 ] && [ ! -s "$out" ] && [ ! -s "$err" ]'

status=$(run --data spiral --epochs 0)
check "--epochs 0: exit 2 with one line" \
  '[ "$status" = 2 ] && [ "$(wc -l <"$err")" = 1 ] && grep -q "^backprop-train: --epochs 0:" "$err"'

printf '{ "input": { "shape": [3] }, "layers": [ { "type": "dense", "units": 1 } ], "loss": "bce" }' \
  >"$dir/three.json"
status=$(run --data spiral --spec "$dir/three.json")
check "a spec that does not fit the data: exit 2, says why" \
  '[ "$status" = 2 ] && grep -q "takes 3 inputs, but .* has 2 features" "$err"'

status=$(run "$dir/missing.json")
check "a missing experiment file: exit 2, named" \
  '[ "$status" = 2 ] && grep -q "missing.json" "$err" && [ "$(wc -l <"$err")" = 1 ]'

# An experiment file from data/examples (iris, early stopping, a test split), shortened.
status=$(run "$examples/iris-mlp.json" --epochs 4 --seed 5 --save-weights "$dir/iris.bpx")
check "an experiment file: trains with its split and test rows, options win" \
  '[ "$status" = 0 ] && grep -q "^epoch 4/4 " "$out" && grep -q "^test: loss" "$out" \
   && grep -q "90 rows, 30 for validation, 30 for test" "$out"'

# Ctrl+C: stops after the step in progress, writes the files, exits 130.
"$bin" --data spiral --epochs 100000000 --quiet --metrics-csv "$dir/i.csv" \
  --save-weights "$dir/i.st" >"$out" 2>"$err" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
status=$?
check "Ctrl+C: exit 130, files complete" \
  '[ "$status" = 130 ] && [ -s "$dir/i.st" ] && [ "$(wc -l <"$dir/i.csv")" -gt 10 ] \
   && ! ls "$dir" | grep -q "tmp-"'

# A short run: 20 steps take milliseconds. The summary gives a duration and a throughput that
# are not zero, and the CSV has the learning rate as typed, every float as short as it reads back.
status=$(run --data spiral --steps 20 --lr 0.01 --metrics-csv "$dir/lr.csv")
check "a short run: its time and samples/s are not printed as zero" \
  '[ "$status" = 0 ] && grep -Eq "^finished after 20 steps \(0 epochs\) in ([1-9][0-9]* ms|< 1 ms|[1-9][0-9.]* s), [1-9][0-9.]* samples/s$" "$out" \
   && ! grep -Eq "(^| )0(\.0)? (s|samples/s)" "$out"'
# Batches of 10: every accuracy is a tenth, written 0.4 rather than 0.400000006.
check "the CSV has lr 0.01 as typed, and accuracies in tenths" \
  '[ "$(wc -l <"$dir/lr.csv")" = 21 ] && [ "$(cut -d, -f6 "$dir/lr.csv" | sort -u | tr "\n" " ")" = "0.01 lr " ] \
   && [ "$(tail -n +2 "$dir/lr.csv" | cut -d, -f5 | grep -Ecx "0|0\.[1-9]|1")" = 20 ]'

# One epoch, one step: singular words.
status=$(run --data xor --epochs 1 --batch 1000)
check "one epoch of one step is said in the singular" \
  '[ "$status" = 0 ] && grep -Eq "^finished after 1 step \(1 epoch\) in " "$out"'

# A CSV with bad rows (tests/data/files/bad-rows.csv: a missing cell on line 4, NaN, a word,
# inf, a missing label, -inf): refused at the first, naming the row and --drop-bad-rows.
bad=$(dirname "$0")/../data/files/bad-rows.csv
status=$(run --data "$bad" --epochs 1)
check "bad rows: exit 2, the first bad row (line, column, why) and --drop-bad-rows" \
  '[ "$status" = 2 ] && [ "$(sed -n 1p "$err")" = "$bad:4:2: missing value" ] \
   && sed -n 2p "$err" | grep -qF -- "--drop-bad-rows leaves them out" && [ ! -s "$out" ]'
# With --drop-bad-rows: trains on the 14 good rows, says which lines went (the window's note
# says the same), and with the window's ratios gets the window's sizes (8/3/3, test-explorer).
status=$(run --data "$bad" --drop-bad-rows --epochs 1 --val-ratio 0.2 --test-ratio 0.2)
check "--drop-bad-rows: trains, lists the dropped lines; 60/20/20 gives the window's 8/3/3" \
  '[ "$status" = 0 ] && grep -qx "$bad: 6 bad rows left out (lines 4, 6, 9, 12, 21 and 1 more); the first: $bad:4:2: missing value" "$err" \
   && grep -q "^training on bad-rows.csv: 8 rows, 3 for validation, 3 for test;" "$out"'

# An experiment naming that CSV itself: --drop-bad-rows applies to it as to --data (it was
# ignored without --data), and without it the refusal gives the same hint.
abs_bad=$(cd "$(dirname "$bad")" && pwd)/bad-rows.csv
printf '{ "format": "backprop-experiment", "version": 1, "spec": { "input": { "shape": [2] }, "layers": [ { "type": "dense", "units": 3 } ], "loss": "cross_entropy", "training": { "epochs": 1 } }, "data": { "source": "%s" } }' \
  "$abs_bad" >"$dir/bad-rows-exp.json"
status=$(run "$dir/bad-rows-exp.json")
check "experiment with a bad-rows CSV: exit 2, the first bad row and --drop-bad-rows" \
  '[ "$status" = 2 ] && [ "$(sed -n 1p "$err")" = "$abs_bad:4:2: missing value" ] \
   && sed -n 2p "$err" | grep -qF -- "--drop-bad-rows leaves them out" && [ ! -s "$out" ]'
status=$(run "$dir/bad-rows-exp.json" --drop-bad-rows)
check "experiment --drop-bad-rows: its own CSV's 14 good rows, the dropped lines listed" \
  '[ "$status" = 0 ] && grep -qx "$abs_bad: 6 bad rows left out (lines 4, 6, 9, 12, 21 and 1 more); the first: $abs_bad:4:2: missing value" "$err" \
   && grep -q "^training on bad-rows.csv: 11 rows, 3 for validation" "$out"'

status=$(run --help)
check "--help documents the training options" \
  '[ "$status" = 0 ] && grep -q -- "--metrics-csv FILE" "$out" && grep -q -- "--save-weights" "$out" \
   && grep -q "EXPERIMENT.json" "$out" && grep -q "130" "$out"'
exit $fail
