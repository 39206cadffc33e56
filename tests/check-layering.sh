#!/bin/sh
# engine/ and data/ must build without GLib/GTK: fail if any of their files includes them or
# their meson.build names such a dependency.
set -u
src=${1:-$(dirname "$0")/..}
bad=$(grep -rlE '#[[:space:]]*include[[:space:]]*[<"](glib|gio|gobject|gtk|gdk|adwaita|gsk|graphene|pango|cairo)' \
      "$src/engine" "$src/data" 2>/dev/null)
bad2=$(grep -lE "dependency\('(glib|gio|gobject|gtk|gtk4|libadwaita|cairo|pango)" \
      "$src/engine/meson.build" "$src/data/meson.build" 2>/dev/null)
if [ -n "$bad$bad2" ]; then
  echo "not ok 1 - engine/ and data/ must not use GLib/GTK:"
  echo "$bad $bad2" | tr ' ' '\n' | sed 's/^/#   /'
  exit 1
fi
echo "1..1"
echo "ok 1 - engine/ and data/ are free of GLib/GTK"
