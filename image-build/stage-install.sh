#!/usr/bin/env bash
# Puts in DIR what payload/install.sh needs, for both builds (build-debian.sh and
# build-pi.sh, whose pi-gen stage copies it into the system it builds):
#   DIR/app               the built application as the factory release: package.json files,
#                         compiled code, SQL migrations, node.env, bin/, and the arm64
#                         node_modules (from the cache, or made by arm64-modules.sh)
#   DIR/payload           install.sh, packages.txt
#   DIR/overlay           the system files
#   DIR/release-key.pub   the public key of releases, when RELEASE_KEY is given
# Usage: stage-install.sh REPO DIR [RELEASE_KEY]   (the application built: npm run build)
# Cache: $SOLIDAIRE_IMAGE_CACHE (default /var/cache/solidaire-image) keeps the arm64
# node_modules, keyed by a hash of package-lock.json and arm64-modules.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$1
dir=$2
release_key=${3:-}
cache=${SOLIDAIRE_IMAGE_CACHE:-/var/cache/solidaire-image}

log() { printf '%s stage-install: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# The box runs the appliance's bundle (appliance/dist/box, made by npm run build after tsc).
for built in appliance/dist/index.js appliance/dist/box/cli.js; do
  [ -f "$repo/$built" ] || { echo "stage-install.sh: $built is missing: build the application first (npm run build)" >&2; exit 1; }
done
mkdir -p "$cache"

modules_key=$( { cat "$repo/package-lock.json"; cat "$here/arm64-modules.sh"; } | sha256sum | cut -c1-16)
modules_tar=$cache/node_modules-arm64-$modules_key.tar
if [ -f "$modules_tar" ]; then
  log "arm64 node_modules from the cache ($modules_tar)"
else
  log "arm64 node_modules (key $modules_key)"
  t0=$(date +%s)
  "$here/arm64-modules.sh" "$repo" "$cache/node_modules-arm64-$modules_key.part.tar"
  mv "$cache/node_modules-arm64-$modules_key.part.tar" "$modules_tar"
  log "arm64 node_modules made in $(( $(date +%s) - t0 )) s"
fi

mkdir -p "$dir/app"
for part in appliance relay ui; do
  mkdir -p "$dir/app/$part"
  cp "$repo/$part/package.json" "$dir/app/$part/"
  # What runs: the compiled code, the SQL migrations, the Node.js settings of a small box.
  for what in dist migrations node.env; do
    if [ -e "$repo/$part/$what" ]; then cp -a "$repo/$part/$what" "$dir/app/$part/"; fi
  done
done
cp -a "$repo/bin" "$repo/package.json" "$repo/package-lock.json" "$repo/README.md" "$dir/app/"
tar -xf "$modules_tar" -C "$dir/app" --no-same-owner
cp -a "$here/payload" "$here/overlay" "$dir/"
if [ -n "$release_key" ]; then cp "$release_key" "$dir/release-key.pub"; fi
