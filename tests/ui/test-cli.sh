#!/bin/sh
# The backprop binary as a script uses it: --screenshot writes a PNG of the window after
# --steps training steps and exits 0; --stats reports speed; a bad --page fails with a message.
# Usage: test-cli.sh path/to/backprop   (needs an X display: CI runs meson test under xvfb-run)
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
echo "1..8"

# GTK warns when there is no session bus; that is not what is tested here, so the warning is
# not made fatal, and a private bus is used when one can be started.
run() {
  if command -v dbus-run-session >/dev/null 2>&1; then
    env -u G_DEBUG dbus-run-session -- "$bin" "$@"
  else
    env -u G_DEBUG "$bin" "$@"
  fi
}

png_u32() { # png_u32 FILE OFFSET: big-endian 32-bit number at OFFSET
  od -An -tu1 -j"$2" -N4 "$1" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }'
}

run --screenshot "$dir/shot.png" --steps 500 --stats >"$dir/out.txt" 2>"$dir/err.txt"
status=$?
if [ $status -eq 0 ]; then echo "ok 1 - --screenshot exits 0"; else
  echo "not ok 1 - --screenshot exited $status"; sed 's/^/# /' "$dir/err.txt"; fi

size=$(wc -c <"$dir/shot.png" 2>/dev/null || echo 0)
magic=$(od -An -c -j1 -N3 "$dir/shot.png" 2>/dev/null | tr -d ' ')
w=$(png_u32 "$dir/shot.png" 16 2>/dev/null || echo 0)
h=$(png_u32 "$dir/shot.png" 20 2>/dev/null || echo 0)
# The window is 1280 x 800 less its frame on the 1280 x 800 screen CI uses.
if [ "$magic" = "PNG" ] && [ "$size" -gt 20000 ] && [ "$w" -ge 1200 ] && [ "$w" -le 1280 ] \
   && [ "$h" -ge 740 ] && [ "$h" -le 800 ]; then
  echo "ok 2 - the PNG is ${w}x${h}, $size bytes"
else
  echo "not ok 2 - PNG magic '$magic', ${w}x${h}, $size bytes"
fi

# --stats: the 500 steps are 20 epochs of 25 steps on the default spiral.
steps_rate=$(sed -n 's/^steps\/s: //p' "$dir/out.txt")
if grep -q '^epochs/s: ' "$dir/out.txt" && [ -n "$steps_rate" ] \
   && awk -v r="$steps_rate" 'BEGIN { exit !(r > 0) }'; then
  echo "ok 3 - --stats reports $steps_rate steps/s"
else
  echo "not ok 3 - --stats printed:"; sed 's/^/# /' "$dir/out.txt"
fi

# The 500 steps train without the play button: the frames from their start to the capture
# are counted all the same.
frames=$(sed -n 's/^frames: //p' "$dir/out.txt")
if [ -n "$frames" ] && [ "$frames" -gt 0 ] 2>/dev/null \
   && grep -Eq '^frame time ms: p50 [0-9.]+, ' "$dir/out.txt" \
   && ! grep -q '^frame time ms: p50 0.00, p95 0.00' "$dir/out.txt"; then
  echo "ok 4 - --stats counts the $frames frames drawn from the screenshot's training to its capture"
else
  echo "not ok 4 - --stats with --screenshot --steps printed:"; sed 's/^/# /' "$dir/out.txt"
fi

# No training at all: no frames were counted, and the report says so rather than print zeros.
run --screenshot "$dir/idle.png" --stats >"$dir/out4.txt" 2>"$dir/err4.txt"
if grep -qx 'frames: no frames drawn while training' "$dir/out4.txt" \
   && ! grep -q '^frame time ms' "$dir/out4.txt"; then
  echo "ok 5 - --stats without training says no frames were drawn while training"
else
  echo "not ok 5 - --stats without training printed:"; sed 's/^/# /' "$dir/out4.txt"
fi

run --page nowhere >"$dir/out2.txt" 2>"$dir/err2.txt"
status=$?
if [ $status -ne 0 ] && grep -q "no page named 'nowhere'" "$dir/err2.txt"; then
  echo "ok 6 - an unknown page fails and says which pages exist"
else
  echo "not ok 6 - --page nowhere exited $status"; sed 's/^/# /' "$dir/err2.txt"
fi

run --steps 5 >"$dir/out3.txt" 2>"$dir/err3.txt"
status=$?
if [ $status -eq 2 ] && grep -q -- "--steps goes with --screenshot" "$dir/err3.txt"; then
  echo "ok 7 - --steps alone is refused"
else
  echo "not ok 7 - --steps alone exited $status"
fi

# Laptops: the window fits a 1024 x 768 screen. The data page (Iris loaded, its scatter note)
# and the builder were the widest; the stack is as wide as its widest page, so one shot of the
# data page after its data came measures them all.
if command -v xvfb-run >/dev/null 2>&1; then
  env -u G_DEBUG xvfb-run -a -s "-screen 0 1024x768x24" "$bin" --page data \
    --screenshot "$dir/narrow.png" --steps 50 >/dev/null 2>&1
  w=$(png_u32 "$dir/narrow.png" 16 2>/dev/null || echo 0)
  if [ "$w" -gt 900 ] && [ "$w" -le 1024 ]; then
    echo "ok 8 - on a 1024 x 768 screen the window is $w pixels wide"
  else
    echo "not ok 8 - on a 1024 x 768 screen the window is $w pixels wide"
  fi
else
  echo "ok 8 # SKIP no xvfb-run to start a 1024 x 768 screen"
fi
