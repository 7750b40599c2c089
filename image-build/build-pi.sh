#!/usr/bin/env bash
# Builds the box's Raspberry Pi OS image (trixie, arm64, whose Node.js is 20) with pi-gen:
# Raspberry Pi OS Lite (pi-gen's stages 0 to 2), then our stage, pi-gen/stage-solidaire/,
# which installs the same payload as build-debian.sh (stage-install.sh: the application,
# payload/packages.txt, payload/install.sh, overlay/), then the card's three partitions
# (pi-gen/export/prerun.sh) and pi-gen's own export steps. Writes WORK/pi-gen/deploy/
# solidaire-raspios-trixie-arm64*.img.xz.
#
# NOT RUN HERE: the machine this was written on cannot reach archive.raspberrypi.com, so
# this script has never run to the end; it stops at once when the archive is out of reach.
# What is tested here is the Debian build (build-debian.sh, booted in qemu) and the stage's
# scripts against that system (test/image/pi-gen.test.ts).
#
# Usage: image-build/build-pi.sh [WORK]   (as root; WORK defaults to .tmp/pi-gen)
# Host: Debian or Raspberry Pi OS, trixie or later, with pi-gen's dependencies (its README:
# coreutils quilt parted qemu-user-binfmt debootstrap zerofree zip dosfstools e2fsprogs
# libarchive-tools libcap2-bin grep rsync xz-utils file git curl bc gpg pigz xxd arch-test
# bmap-tools kmod) and, on an x86_64 host, g++-aarch64-linux-gnu (arm64-modules.sh).
# SOLIDAIRE_RELEASE_KEY: the public key of releases the box will accept (as build-debian.sh).
# SOLIDAIRE_DATA_MB: the data partition's size (default 1024).
#
# pi-gen's build.sh, not build-docker.sh: pi-gen's README gives Docker for hosts that are not
# Debian-based, and its isolation is partial anyway (privileged, the host's binfmt and loop
# devices); our builds already need a Debian host as root with qemu-user's binfmt. The
# stage is placed whole in the checkout, so build-docker.sh would find it too (untried).
set -euo pipefail

# pi-gen's arm64 branch (64-bit images are built from it, says pi-gen's README) at the
# commit tagged 2026-06-18-raspios-trixie-arm64: the newest Raspberry Pi OS trixie arm64
# release, with RELEASE=trixie and ARCH=arm64 in its build.sh.
PI_GEN_REPO=https://github.com/RPi-Distro/pi-gen.git
PI_GEN_COMMIT=ca8aeed0ae300c2a89f55ce9617d5f96a27e99e5

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
work=${1:-$repo/.tmp/pi-gen}
pigen=$work/pi-gen

fail() { echo "build-pi.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (pi-gen's build.sh needs root: chroot, loop devices)"
[ -f "$repo/appliance/dist/index.js" ] || fail "build the application first (npm run build)"
for url in http://archive.raspberrypi.com/debian/dists/trixie/InRelease http://deb.debian.org/debian/dists/trixie/InRelease; do
  curl -fsS --max-time 20 -o /dev/null "$url" ||
    fail "cannot reach $url: pi-gen needs the Raspberry Pi and Debian archives (the Debian-only build is build-debian.sh)"
done

# pi-gen at the pinned commit (fetched alone: GitHub serves a commit by its id).
if [ ! -d "$pigen/.git" ]; then
  mkdir -p "$pigen"
  git -C "$pigen" init -q
  git -C "$pigen" remote add origin "$PI_GEN_REPO"
fi
if [ "$(git -C "$pigen" rev-parse -q --verify HEAD || true)" != "$PI_GEN_COMMIT" ]; then
  git -C "$pigen" fetch -q --depth 1 origin "$PI_GEN_COMMIT"
  git -C "$pigen" checkout -q --force "$PI_GEN_COMMIT"
fi
[ "$(git -C "$pigen" rev-parse HEAD)" = "$PI_GEN_COMMIT" ] || fail "pi-gen is not at $PI_GEN_COMMIT"

# Our stage, whole in the checkout, with what the Debian build installs in its files/.
rm -rf "$pigen/stage-solidaire" "$pigen/export-solidaire"
cp -a "$here/pi-gen/stage-solidaire" "$pigen/"
"$here/stage-install.sh" "$repo" "$pigen/stage-solidaire/00-solidaire/files" "${SOLIDAIRE_RELEASE_KEY:-}"
# pi-gen's export steps, with our partitions in place of its two.
cp -a "$pigen/export-image" "$pigen/export-solidaire"
cp "$here/pi-gen/export/prerun.sh" "$pigen/export-solidaire/prerun.sh"
cp "$here/pi-gen/config" "$pigen/config"
# Lite is built but not exported: the card is stage-solidaire's.
touch "$pigen/stage2/SKIP_IMAGES"

# The first user's password: drawn here, never written down (the stage locks the account).
FIRST_USER_PASS=$(head -c 32 /dev/urandom | base64 | tr -d '/+=')
export FIRST_USER_PASS SOLIDAIRE_DATA_MB
cd "$pigen"
./build.sh
ls -l "$pigen/deploy"
