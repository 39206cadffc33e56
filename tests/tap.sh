# Sourced by the shell tests (tests/*/cli-*.sh): TAP lines and a scratch directory.
# Before sourcing, set bin to the program that `run` calls. Gives: dir (removed on exit),
# out and err (what the last run printed), ok NAME, not_ok NAME (prints out and err as TAP
# comments), check NAME 'SHELL TEST', run ARGS... (prints the exit status), and fail (1
# once anything failed: end with `exit $fail`).
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=$dir/out
err=$dir/err
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; sed 's/^/# /' "$out" "$err" | head -20; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
run() { "$bin" "$@" >"$out" 2>"$err"; echo $?; }
