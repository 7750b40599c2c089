#!/usr/bin/env bash
# The application's node_modules for an arm64 box, made on this (x86_64) host: npm installs
# the production dependencies for linux/arm64 (prebuilt optional packages of that platform
# included), and better-sqlite3, a native addon with no reachable prebuilt, is
# cross-compiled with aarch64-linux-gnu-g++ against Node's headers (ABI 115, Node 20, as
# Debian trixie's nodejs). Compiling it under qemu-user in the arm64 system would take
# many times longer. Called by build-debian.sh, which caches the result.
# Usage: arm64-modules.sh REPO OUT.tar
set -euo pipefail
repo=$1
tar=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/solidaire-modules.XXXXXX")
trap 'rm -rf "$work"' EXIT

cp "$repo/package.json" "$repo/package-lock.json" "$work/"
for part in appliance relay ui; do
  mkdir -p "$work/$part"
  cp "$repo/$part/package.json" "$work/$part/"
done
cd "$work"
npm ci --omit=dev --ignore-scripts --no-audit --no-fund --os=linux --cpu=arm64 --libc=glibc

nodedir=$(npm config get nodedir)
[ -n "$nodedir" ] && [ "$nodedir" != undefined ] || nodedir=$(dirname "$(dirname "$(command -v node)")")
gyp=$(dirname "$(dirname "$(realpath "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js
(
  cd node_modules/better-sqlite3
  CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
    node "$gyp" rebuild --release --arch=arm64 --nodedir="$nodedir" --jobs="$(nproc)" >/dev/null
  file -b build/Release/better_sqlite3.node | grep -q 'ARM aarch64' || { echo "arm64-modules.sh: better_sqlite3.node is not arm64" >&2; exit 1; }
  # Only the addon itself is needed at run time.
  find build -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
  find build/Release -mindepth 1 ! -name better_sqlite3.node -exec rm -rf {} +
  rm -rf deps src
)
tar -cf "$tar" node_modules
