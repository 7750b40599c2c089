#!/usr/bin/env bash
# Builds the plain Debian trixie arm64 system of the box from Debian's archive alone, with
# the same payload (install.sh, packages.txt) and overlay as the Raspberry Pi OS image, and
# writes disk images that qemu-system-aarch64 -M virt boots (see boot-qemu.sh):
#   OUT/root.img   ext4, label SOLIDAIRE (the read-only system)
#   OUT/data.img   one partition, ext4, label DONNEES (/var/lib/solidaire)
#   OUT/boot.img   vfat, label BOOT (/boot/firmware), with a test solidaire.toml
#   OUT/vmlinuz, OUT/initrd.img, OUT/cmdline.txt
# No loop device, no mount: mmdebstrap (qemu-user through binfmt), mkfs.ext4 -d, mcopy.
#
# Usage: image-build/build-debian.sh [--test-hooks [--wifi-station]] [OUT]   (as root)
# OUT defaults to .tmp/image (ignored by git). --test-hooks adds image-build/test-hooks/
# (a shell for the boot test) and makes the releases the boot test sends the box
# (test-releases.sh, in OUT/test-releases); an image for a real box is built without it.
# --wifi-station (the access point's test, test/image/ap.test.ts) also installs what a
# Wi-Fi client needs (test-hooks/station-packages.txt: wpa_supplicant, iw, a DHCP client)
# and provisions a Wi-Fi (test-hooks/solidaire-ap.toml); the base and its key are the same.
# SOLIDAIRE_RELEASE_KEY: the public key of releases (release-key.pub) the box will accept;
# without it the box takes no update. With --test-hooks and no key, a test key pair is
# made in OUT/test-releases/key.
# Cache: $SOLIDAIRE_IMAGE_CACHE (default /var/cache/solidaire-image) keeps the base system,
# keyed by a hash of the package list and of build_base below, and the arm64 node_modules
# (stage-install.sh), keyed by a hash of package-lock.json.
# Host packages: mmdebstrap qemu-user-static binfmt-support e2fsprogs fdisk dosfstools mtools
# g++-aarch64-linux-gnu (better-sqlite3 is cross-compiled: minutes instead of an hour under
# qemu-user).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
test_hooks=no
wifi_station=no
if [ "${1:-}" = --test-hooks ]; then test_hooks=yes; shift; fi
if [ "$test_hooks" = yes ] && [ "${1:-}" = --wifi-station ]; then wifi_station=yes; shift; fi
out=${1:-$repo/.tmp/image}
cache=${SOLIDAIRE_IMAGE_CACHE:-/var/cache/solidaire-image}
mirror=${SOLIDAIRE_MIRROR:-http://deb.debian.org/debian}
suite=trixie

log() { printf '%s build-debian: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
[ "$(id -u)" = 0 ] || { echo "build-debian.sh: run as root (chroot, file owners)" >&2; exit 1; }
[ -f "$repo/appliance/dist/index.js" ] || { echo "build-debian.sh: build the application first (npm run build)" >&2; exit 1; }
mkdir -p "$cache" "$out"

# The base system: Debian, the box's packages, a kernel and a small initramfs.
# Everything that shapes it is in this function (its text is part of the cache key).
build_base() {
  local tar=$1 include
  include=$(grep -v '^#' "$here/payload/packages.txt" | grep . | paste -sd, -)
  include="$include,linux-image-arm64,initramfs-tools,e2fsprogs,dosfstools,zstd"
  # The hooks' $1 (the new root) is expanded by mmdebstrap, not here.
  # shellcheck disable=SC2016
  mmdebstrap --arch=arm64 --variant=minbase --include="$include" \
    --setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"' \
    --setup-hook="cp '$here/base/initramfs.conf' \"\$1/etc/initramfs-tools/conf.d/solidaire.conf\"" \
    --setup-hook="cp '$here/base/initramfs-modules' \"\$1/usr/share/initramfs-tools/modules.d/solidaire\"" \
    --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
    "$suite" "$tar" "$mirror"
}

# 1. The base, from the cache when its key has not changed.
base_key=$( { cat "$here/payload/packages.txt"; declare -f build_base; cat "$here"/base/*; echo "$suite $mirror"; } | sha256sum | cut -c1-16)
base_tar=$cache/base-$base_key.tar
if [ -f "$base_tar" ]; then
  log "base system from the cache ($base_tar)"
else
  log "base system: mmdebstrap $suite arm64 (key $base_key)"
  t0=$(date +%s)
  build_base "$cache/base-$base_key.part.tar"
  mv "$cache/base-$base_key.part.tar" "$base_tar"
  log "base system built in $(( $(date +%s) - t0 )) s"
fi

# 2. The system tree: the base, the application as install.sh expects it, the payload.
work=$(mktemp -d "${TMPDIR:-/tmp}/solidaire-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"
tar -xpf "$base_tar" -C "$root" --numeric-owner --xattrs --xattrs-include='*'
release_key=${SOLIDAIRE_RELEASE_KEY:-}
if [ "$test_hooks" = yes ] && [ -z "$release_key" ]; then
  [ -f "$out/test-releases/key/release-key.pem" ] || node "$repo/bin/solidaire.js" release keygen --out "$out/test-releases/key" >/dev/null
  release_key=$out/test-releases/key/release-key.pub
fi
# The application (arm64 node_modules from the cache), payload, overlay and key, as the
# pi-gen stage gets them too; install.sh runs in the new system: it finds them there.
stage=$root/tmp/solidaire-install
"$here/stage-install.sh" "$repo" "$stage" "$release_key"
log "install.sh in the arm64 system (qemu-user)"
SOLIDAIRE_RELEASE_KEY=${release_key:+/tmp/solidaire-install/release-key.pub} \
  chroot "$root" /bin/sh /tmp/solidaire-install/payload/install.sh /tmp/solidaire-install/app /tmp/solidaire-install/overlay
if [ "$test_hooks" = yes ] && [ -z "${SOLIDAIRE_RELEASE_KEY:-}" ]; then
  log "test releases (not for a real box)"
  "$here/test-releases.sh" "$repo" "$stage/app" "$out/test-releases/key/release-key.pem" "$out/test-releases"
fi
rm -rf "$stage"

if [ "$test_hooks" = yes ]; then
  log "test hooks added (not for a real box)"
  cp -a "$here/test-hooks/etc/." "$root/etc/"
  chroot "$root" systemctl enable solidaire-test-shell.service
fi

# The Wi-Fi client of the access point's test, in the test image only. Its .deb files are
# fetched once by apt in the arm64 system and kept in the cache, keyed by the list and the base.
if [ "$wifi_station" = yes ]; then
  station_pkgs=$(grep -v '^#' "$here/test-hooks/station-packages.txt" | grep . | paste -sd' ' -)
  station_debs=$cache/station-$( { echo "$station_pkgs"; echo "$base_key"; } | sha256sum | cut -c1-16)
  if [ ! -d "$station_debs" ]; then
    log "station packages: apt-get in the arm64 system ($station_pkgs)"
    cp -a "$root/etc/resolv.conf" "$work/resolv.conf"
    cp --remove-destination /etc/resolv.conf "$root/etc/resolv.conf"
    chroot "$root" apt-get -q update
    # shellcheck disable=SC2086 # one word per package
    chroot "$root" apt-get -q -y --no-install-recommends --download-only install $station_pkgs
    mkdir -p "$station_debs.part"
    cp "$root"/var/cache/apt/archives/*.deb "$station_debs.part/"
    mv "$station_debs.part" "$station_debs"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    cp -a --remove-destination "$work/resolv.conf" "$root/etc/resolv.conf"
  fi
  log "station packages installed (not for a real box)"
  mkdir -p "$root/tmp/station"
  cp "$station_debs"/*.deb "$root/tmp/station/"
  # busybox would remake the initramfs (initramfs-tools takes it when it is there): the
  # test image keeps the shipped one.
  initrd=$(readlink -f "$root/initrd.img")
  cp -a "$initrd" "$work/initrd.img"
  chroot "$root" sh -c 'dpkg -i /tmp/station/*.deb >/dev/null'
  cp -a "$work/initrd.img" "$initrd"
  rm -rf "$root/tmp/station"
  # The client is started by the test, in its own network namespace, not by D-Bus.
  chroot "$root" systemctl disable wpa_supplicant.service >/dev/null 2>&1 || true
fi

# A read-only system: systemd makes a machine id at each boot (an empty file says so).
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

# 3. The data partition's tree: what install.sh made in /var/lib/solidaire (the data
# partition's mount point) goes to its own disk.
data=$work/data
mkdir -p "$data"
cp -a "$root/var/lib/solidaire/." "$data/"
find "$root/var/lib/solidaire" -mindepth 1 -delete

# 4. Kernel and initramfs for qemu's -kernel/-initrd (on a Pi they go to the boot partition).
cp -L "$root/vmlinuz" "$out/vmlinuz"
cp -L "$root/initrd.img" "$out/initrd.img"
# The AP check's image starts every radio soft-blocked, as Raspberry Pi OS does
# (rfkill.default_state=0): the box must unblock its own.
rfkill_off=
if [ "$wifi_station" = yes ]; then rfkill_off=" rfkill.default_state=0"; fi
echo "root=LABEL=SOLIDAIRE ro rootwait console=ttyAMA0 panic=10$rfkill_off" > "$out/cmdline.txt"

# 5. The disk images, without loop devices.
log "disk images"
root_mb=$(( $(du -sm "$root" | cut -f1) * 5 / 4 + 64 ))
rm -f "$out/root.img" "$out/data.img" "$out/boot.img"
mkfs.ext4 -q -F -L SOLIDAIRE -d "$root" "$out/root.img" "${root_mb}M"
# The data disk is partitioned as a card is (one partition from 1 MiB, its last), so that
# growing it to the disk's end (solidaire-grow-data.service) is what runs on a box.
truncate -s $(( (1 + 1024) * 1024 * 1024 )) "$out/data.img"
echo 'start=2048, type=83' | sfdisk --quiet --wipe-partitions never "$out/data.img"
mkfs.ext4 -q -F -L DONNEES -d "$data" -E root_owner=0:0,offset=$((1024 * 1024)) "$out/data.img" 1024M
mkfs.vfat -n BOOT -C "$out/boot.img" 65536 >/dev/null
# The provisioning file: the test's, or SOLIDAIRE_PROVISION_FILE (else the volunteer writes
# one on the card, see the README).
toml=${SOLIDAIRE_PROVISION_FILE:-}
if [ "$wifi_station" = yes ]; then toml=${toml:-$here/test-hooks/solidaire-ap.toml}; fi
if [ "$test_hooks" = yes ]; then toml=${toml:-$here/test-hooks/solidaire.toml}; fi
if [ -n "$toml" ]; then mcopy -i "$out/boot.img" "$toml" ::solidaire.toml; fi
log "done: $out ($(du -sh "$out" | cut -f1); root ${root_mb} MB)"
