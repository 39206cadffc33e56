#!/bin/sh
# backprop-train --steps N: a run that stops inside an epoch ends with that epoch's figures
# (the mean loss and accuracy of its batches, read back from the metrics CSV, and the
# validation pass), as epoch runs end with their last epoch line (TAP).
# usage: cli-steps.sh BACKPROP_TRAIN
set -u
bin=$1
. "$(dirname "$0")/../tap.sh"
# The mean of a CSV column (4 = loss, 5 = acc) over steps FROM..TO, to 4 decimals.
mean() { awk -F, -v c="$2" -v a="$3" -v b="$4" \
  'NR > 1 && $1 >= a && $1 <= b { s += $c; k++ } END { printf "%.4f", s / k }' "$1"; }
# The field after NAME on the line that starts with PREFIX.
field() { grep "^$1" "$out" | tr -s ' ' '\n' | grep -A1 -x "$2" | tail -1; }

echo "1..4"

# spiral: 400 training rows at batch 10, 40 steps an epoch.
status=$(run --data spiral --steps 7 --seed 3 --metrics-csv "$dir/a.csv")
loss=$(mean "$dir/a.csv" 4 1 7)
acc=$(mean "$dir/a.csv" 5 1 7)
check "--steps 7: a last line for epoch 1's 7 steps with their mean loss and accuracy" \
  '[ "$status" = 0 ] && grep -q "^epoch 1 (7 of 40 steps)  loss " "$out" \
   && [ "$(field "epoch 1 (7" loss)" = "$loss" ] && [ "$(field "epoch 1 (7" acc)" = "$acc" ]'
check "--steps 7: and the validation figures, before the summary" \
  'field "epoch 1 (7" val_loss | grep -Eq "^[0-9]+\.[0-9]{4}$" \
   && field "epoch 1 (7" val_acc | grep -Eq "^(0\.[0-9]{4}|1\.0000)$" \
   && [ "$(grep -n "" "$out" | grep "finished after 7 steps" | cut -d: -f1)" \
        -gt "$(grep -n "" "$out" | grep "^[0-9]*:epoch 1 (7" | cut -d: -f1)" ]'

status=$(run --data spiral --steps 47 --seed 3 --metrics-csv "$dir/b.csv")
loss=$(mean "$dir/b.csv" 4 41 47)
check "--steps 47: epoch 1's line, then epoch 2's 7 steps (steps 41 to 47 only)" \
  '[ "$status" = 0 ] && grep -q "^epoch 1  loss" "$out" \
   && [ "$(field "epoch 2 (7 of 40 steps)" loss)" = "$loss" ]'

status=$(run --data spiral --steps 40 --seed 3)
check "--steps 40 ends on an epoch: its epoch line, no unfinished-epoch line" \
  '[ "$status" = 0 ] && grep -q "^epoch 1  loss" "$out" && ! grep -q "steps)" "$out"'
exit $fail
