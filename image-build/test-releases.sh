#!/usr/bin/env bash
# TEST ONLY (build-debian.sh --test-hooks): the releases the boot test hands the box, made
# on the host from the application just installed as the factory release (arm64
# dependencies included) and signed like real ones:
#   OUT/good.release      version 0.1.1-essai, signed with KEY: must be installed
#   OUT/broken.release    version 0.1.2-cassee, signed with KEY, whose command exits at
#                         once: must be undone, database included
#   OUT/stranger.release  version 0.1.3-etrangere, signed with another key: must be refused
# Usage: test-releases.sh REPO APP_DIR KEY_PEM OUT
set -euo pipefail
repo=$1
app=$2
key=$3
out=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/solidaire-test-releases.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
solidaire() { node "$repo/bin/solidaire.js" "$@"; }

# NAME VERSION KEY [broken]: a copy of the application (hard links) with its own version.
release() {
  local dir=$work/$1
  cp -al "$app" "$dir"
  rm "$dir/package.json"
  node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); p.version = process.argv[2]; process.stdout.write(JSON.stringify(p, null, 2) + "\n");' \
    "$app/package.json" "$2" > "$dir/package.json"
  if [ "${4:-}" = broken ]; then
    rm "$dir/bin/solidaire.js"
    echo 'console.error("version cassée exprès (test de retour arrière)"); process.exit(1);' > "$dir/bin/solidaire.js"
    chmod 0755 "$dir/bin/solidaire.js" # else /usr/lib/solidaire/run falls back to the factory release
  fi
  solidaire release build --root "$dir" --key "$3" --out "$out/$1.release" >/dev/null
}

solidaire release keygen --out "$work/stranger-key" >/dev/null
release good 0.1.1-essai "$key"
release broken 0.1.2-cassee "$key" broken
release stranger 0.1.3-etrangere "$work/stranger-key/release-key.pem"
for name in good broken stranger; do [ -s "$out/$name.release" ] || { echo "test-releases.sh: $name.release was not made" >&2; exit 1; }; done
