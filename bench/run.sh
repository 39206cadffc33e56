#!/bin/sh
# Runs backprop-bench beside the peers of ../shared/bench/peers in one run, interleaved, and
# prints the medians and the ratios the issues ask for.
#   usage: bench/run.sh [BUILD_DIR] [OUT_DIR]       env: REPS=3 THREADS=2 WORKLOADS="tiny mlp mlp-wide"
#                                                        RT=1 (every program under chrt -f 10)
# Needs python3-torch and libfann-dev (not installed by .ci/install-deps: the benchmark is not
# part of the test suite).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${1:-$top/build}
out=${2:-${TMPDIR:-/tmp}/backprop-bench/$(date +%Y%m%d-%H%M%S)}
peers=${PEERS:-$top/../shared/bench/peers}
reps=${REPS:-3}
threads=${THREADS:-2}
workloads=${WORKLOADS:-"tiny mlp mlp-wide"}
# RT=1: run every program (Backprop, its peers, the SGEMM probe alike) at real-time priority,
# so that on a machine shared with builds and tests they get the cores as on a quiet one (the
# kernel still leaves 5% of each second to the rest). Needs CAP_SYS_NICE (root).
rt=""
[ "${RT:-0}" = 1 ] && rt="chrt -f 10"
py=/usr/bin/python3
mkdir -p "$out"
meson compile -C "$build" backprop-bench >/dev/null
bench=$build/bench/backprop-bench
gcc -O2 "$peers/sgemm_peak.c" -o "$out/sgemm_peak" -I/usr/include/x86_64-linux-gnu \
  -lopenblas -lpthread -lm
gcc -O2 "$peers/fann_tiny.c" -o "$out/fann_tiny" -lfann -lm
all=$out/results.txt
echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)" > "$all"

run() { # run TAG REP CMD...: appends the RESULT lines with rep and peak RSS
  tag=$1 rep=$2; shift 2
  log=$out/$tag.$rep.log
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$log.time" $rt "$@" > "$log" 2>&1 || true
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log.time")
  grep '^RESULT' "$log" | sed "s/\$/ rep=$rep peak_rss_mb=$(( ${rss:-0} / 1024 ))/" >> "$all" ||
    echo "FAILED: $tag rep $rep, see $log" | tee -a "$all"
}

for rep in $(seq 1 "$reps"); do
  echo "rep $rep/$reps" >&2
  case " $workloads " in *" mlp-wide "*) run sgemm "$rep" "$out/sgemm_peak" --threads "$threads" ;; esac
  for w in $workloads; do
    run "backprop-$w" "$rep" "$bench" --workload "$w" --threads "$threads"
    run "torch-$w" "$rep" $py "$peers/torch_bench.py" --workload "$w" --threads "$threads"
    [ "$w" = tiny ] && run fann-tiny "$rep" "$out/fann_tiny"
  done
done
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)${rt:+ (RT=1: $rt)}" >> "$all"
$py "$here/summarize.py" "$all" | tee "$out/summary.md"
echo "raw results: $all" >&2
