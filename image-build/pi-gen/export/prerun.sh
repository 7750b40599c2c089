#!/bin/bash -e
# The card's partitions, in place of pi-gen's export-image/prerun.sh (build-pi.sh puts
# this file in a copy of pi-gen's export-image, EXPORT_CONFIG_DIR in ../config; pi-gen's
# later export steps are kept). pi-gen makes two partitions, bootfs and rootfs; the box
# has three, labelled as overlay/etc/fstab names them, like the Debian build's three disks:
#   1 BOOT       vfat, /boot/firmware: firmware, kernels, config.txt, cmdline.txt, and
#                solidaire.toml when the volunteer writes it
#   2 SOLIDAIRE  ext4, /, mounted read-only (pi-gen's 04-set-partuuid puts partition 2's
#                PARTUUID in cmdline.txt, so the root must stay second)
#   3 DONNEES    ext4, /var/lib/solidaire: SOLIDAIRE_DATA_MB (default 1024, as the Debian
#                build's data disk), the last partition: grown to the end of the card at
#                the first boot (solidaire-grow-data.service, then x-systemd.growfs)
# The data partition is mounted where the box mounts it, and systemd's state bound from it
# as fstab does, before the system is copied: what install.sh made in /var/lib/solidaire
# lands on it, and what pi-gen's later steps write (apt, the clock file) too.
# pi-gen runs this on the host with STAGE_WORK_DIR, ROOTFS_DIR (where to mount the image),
# EXPORT_ROOTFS_DIR (the stage's system) and its helpers (unmount_image,
# ensure_next_loopdev, ensure_loopdev_partitions).

img="${STAGE_WORK_DIR}/${IMG_FILENAME}${IMG_SUFFIX}.img"
unmount_image "${img}"
rm -f "${img}"
rm -rf "${ROOTFS_DIR}"
mkdir -p "${ROOTFS_DIR}"

mib=$((1024 * 1024))
align=$((8 * mib))
up() { echo $(( ($1 + align - 1) / align * align )); }
boot_size=$((512 * mib))
# The system is read-only, but pi-gen's export still upgrades packages and makes the
# initramfs in it: a fifth more than it holds, and 200 MiB.
used=$(du -x --apparent-size -s --block-size=1 --exclude var/cache/apt/archives \
	--exclude boot/firmware --exclude var/lib/solidaire "${EXPORT_ROOTFS_DIR}" | cut -f 1)
root_size=$(up $((used + used / 5 + 200 * mib)))
data_size=$(up $((${SOLIDAIRE_DATA_MB:-1024} * mib)))
boot_start=${align}
root_start=$((boot_start + boot_size))
data_start=$((root_start + root_size))
truncate -s $((data_start + data_size)) "${img}"
parted --script "${img}" mklabel msdos \
	unit B mkpart primary fat32 "${boot_start}" $((root_start - 1)) \
	unit B mkpart primary ext4 "${root_start}" $((data_start - 1)) \
	unit B mkpart primary ext4 "${data_start}" $((data_start + data_size - 1))

tries=0
until ensure_next_loopdev && loop="$(losetup --show --find --partscan "${img}")"; do
	tries=$((tries + 1))
	if [ "${tries}" -gt 5 ]; then echo "export: losetup failed" >&2; exit 1; fi
	sleep 5
done
ensure_loopdev_partitions "${loop}"

mkdosfs -n BOOT -F 32 -s 1 "${loop}p1" > /dev/null
mkfs.ext4 -q -L SOLIDAIRE "${loop}p2"
mkfs.ext4 -q -L DONNEES "${loop}p3"

mount -t ext4 "${loop}p2" "${ROOTFS_DIR}"
mkdir -p "${ROOTFS_DIR}/boot/firmware" "${ROOTFS_DIR}/var/lib/solidaire" "${ROOTFS_DIR}/var/lib/systemd"
mount -t vfat "${loop}p1" "${ROOTFS_DIR}/boot/firmware"
mount -t ext4 "${loop}p3" "${ROOTFS_DIR}/var/lib/solidaire"
rsync -aHAXx --exclude /var/cache/apt/archives --exclude /boot/firmware --exclude /var/lib/solidaire \
	"${EXPORT_ROOTFS_DIR}/" "${ROOTFS_DIR}/"
rsync -aHAXx "${EXPORT_ROOTFS_DIR}/var/lib/solidaire/" "${ROOTFS_DIR}/var/lib/solidaire/"
mount --bind "${ROOTFS_DIR}/var/lib/solidaire/systemd" "${ROOTFS_DIR}/var/lib/systemd"
# vfat keeps no owner nor mode.
rsync -rtx "${EXPORT_ROOTFS_DIR}/boot/firmware/" "${ROOTFS_DIR}/boot/firmware/"
