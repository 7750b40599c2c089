#!/usr/bin/env bash
# The pi-gen stage's scripts run for real, where the Raspberry Pi archive is out of reach:
# against a copy of the Debian build's base system (what build-debian.sh caches), with
# pi-gen's own helpers (scripts/common of a pi-gen checkout), then our export prerun on a
# card image and pi-gen's 04-set-partuuid, then checks. What it cannot show: Raspberry Pi
# OS's own packages (NetworkManager, rpi-resize, the kernel) and pi-gen's other steps.
# Usage: image-build/pi-gen/dry-run.sh BASE_TAR PI_GEN_CHECKOUT [WORK]   (as root; the
# application built; WORK defaults to a temporary folder, removed at the end)
# Where the kernel shows no partitions of a loop device or cannot mount vfat (a container),
# set DRY_RUN_STAND_INS=1: one loop device per partition, and a tmpfs for the boot partition.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$(dirname "$here")")
base_tar=$1
pigen=$(realpath "$2")
work=${3:-$(mktemp -d "${TMPDIR:-/tmp}/solidaire-pigen-dry.XXXXXX")}
[ -n "${3:-}" ] || trap 'rm -rf "$work"' EXIT
fail() { echo "dry-run: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (chroot, loop devices)"

export LOG_FILE=$work/build.log
log() { date +"[%T] $*" | tee -a "${LOG_FILE}"; }
export -f log
# shellcheck source=/dev/null
source "$pigen/scripts/common"
# pi-gen's on_chroot also mounts /proc, /dev, /sys, /run and /tmp: not needed by our steps.
on_chroot() { chroot "${ROOTFS_DIR}" /bin/bash -e "$@"; }
export -f on_chroot
if [ "${DRY_RUN_STAND_INS:-}" = 1 ]; then
  losetup() {
    if [ "$1" = --show ] && [ "$3" = --partscan ]; then
      local img=$4 dev=$work/dev/loop n start size
      mkdir -p "$work/dev"
      command losetup --find "$img"
      while IFS=: read -r n start _ size _; do
        case $n in [0-9]*) ln -sfn "$(command losetup --show --find --offset "${start%B}" --sizelimit "${size%B}" "$img")" "${dev}p$n" ;; esac
      done < <(parted -m -s "$img" unit B print)
      echo "$dev"
    else
      command losetup "$@"
    fi
  }
  ensure_loopdev_partitions() { :; }
  mount() {
    if [ "$1" = -t ] && [ "$2" = vfat ]; then command mount -t tmpfs boot-stand-in "$4"; else command mount "$@"; fi
  }
  export -f losetup ensure_loopdev_partitions mount
fi
detach() {
  unmount "$work/export/rootfs" || true
  local dev
  command losetup -j "$work/export/dry.img" -O NAME -n | while read -r dev; do command losetup -d "$dev"; done
}

# Stage2's system, stood in for by the Debian base, with what stage1 and stage2 leave that
# our steps use: the kernel's line and the first user.
export ROOTFS_DIR=$work/rootfs FIRST_USER_NAME=entretien
mkdir -p "$ROOTFS_DIR/boot/firmware"
tar -xpf "$base_tar" -C "$ROOTFS_DIR" --numeric-owner --xattrs --xattrs-include='*'
cp "$pigen/stage1/00-boot-files/files/cmdline.txt" "$ROOTFS_DIR/boot/firmware/"
chroot "$ROOTFS_DIR" useradd -m "$FIRST_USER_NAME"
cp -a "$here/stage-solidaire" "$work/stage"
"$repo/image-build/stage-install.sh" "$repo" "$work/stage/00-solidaire/files"
for step in "$work"/stage/[0-9][0-9]-*/; do
  log "dry-run: ${step}00-run.sh"
  (cd "$step" && ./00-run.sh)
done

export STAGE_WORK_DIR=$work/export IMG_FILENAME=dry IMG_SUFFIX='' EXPORT_ROOTFS_DIR=$ROOTFS_DIR
export ROOTFS_DIR=$STAGE_WORK_DIR/rootfs SOLIDAIRE_DATA_MB=${SOLIDAIRE_DATA_MB:-256}
mkdir -p "$STAGE_WORK_DIR"
trap 'detach; if [ -z "${3:-}" ]; then rm -rf "$work"; fi' EXIT
"$here/export/prerun.sh"
(cd "$pigen/export-image/04-set-partuuid" && ./00-run.sh)

# Checks: the kernel's line, the partitions' labels, the data partition's tree.
id=$(dd if="$STAGE_WORK_DIR/dry.img" skip=440 bs=1 count=4 2>/dev/null | xxd -e | cut -f 2 -d ' ')
grep -qx "console=serial0,115200 console=tty1 root=PARTUUID=$id-02 rootfstype=ext4 fsck.repair=yes rootwait ro panic=10" "$ROOTFS_DIR/boot/firmware/cmdline.txt" ||
  fail "cmdline.txt: $(cat "$ROOTFS_DIR/boot/firmware/cmdline.txt")"
[ "$(findmnt -n -o SOURCE "$ROOTFS_DIR" | xargs blkid -s LABEL -o value)" = SOLIDAIRE ] || fail "the root is not SOLIDAIRE"
[ "$(findmnt -n -o SOURCE "$ROOTFS_DIR/var/lib/solidaire" | xargs blkid -s LABEL -o value)" = DONNEES ] || fail "/var/lib/solidaire is not DONNEES"
[ "$(stat -c %u:%a "$ROOTFS_DIR/var/lib/solidaire/data")" = "$(chroot "$EXPORT_ROOTFS_DIR" id -u solidaire):750" ] || fail "data/ is not the box's"
[ -d "$ROOTFS_DIR/var/lib/solidaire/systemd/deb-systemd-helper-enabled" ] || fail "systemd's state is not on the data partition"
[ -f "$ROOTFS_DIR/opt/solidaire/factory/bin/solidaire.js" ] || fail "no factory release"
grep -q '^entretien:!' "$EXPORT_ROOTFS_DIR/etc/shadow" || fail "the first user is not locked"
log "dry-run: the stage and the card's partitions are as the box needs them ($work)"
