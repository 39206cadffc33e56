#!/bin/sh
# Every experiment template in data/examples/ trains with backprop-train: a short run of each
# exits 0, says nothing on stderr and reports its epoch or step (TAP).
# usage: train-templates.sh BACKPROP_TRAIN EXAMPLES_DIR
set -u
bin=$1
examples=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
fail=0

# template, options of the short run, what the metrics CSV's last line must start with
run_one() {
  n=$((n + 1))
  file=$examples/$1
  shift
  want=$1
  shift
  case $file in
    *fashion-mnist*)
      if [ ! -r /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
        echo "ok $n - $(basename "$file") # SKIP dataset-fashion-mnist is not installed"
        return
      fi
      ;;
  esac
  "$bin" "$file" --quiet --metrics-csv "$dir/m.csv" "$@" >"$dir/out" 2>"$dir/err"
  status=$?
  if [ "$status" = 0 ] && [ ! -s "$dir/err" ] && tail -1 "$dir/m.csv" | grep -q "^$want"; then
    echo "ok $n - $(basename "$file") $*"
  else
    fail=1
    echo "not ok $n - $(basename "$file") $*: exit $status"
    tail -1 "$dir/m.csv" 2>/dev/null | sed 's/^/# last metrics: /'
    sed 's/^/# /' "$dir/err" | head -10
  fi
}

echo "1..4"
# 500 points, half for training, batch 10: 25 steps make the epoch.
run_one playground-spiral.json "25,1," --epochs 1
# 150 rows, 60% for training, batch 16: 6 steps.
run_one iris-mlp.json "6,1," --epochs 1
run_one fashion-mnist-mlp.json "40,1," --steps 40
run_one fashion-mnist-lenet.json "20,1," --steps 20
exit $fail
