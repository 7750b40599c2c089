#!/bin/bash -e
# What Raspberry Pi OS Lite brings that the box must not run, and its boot line. The rest
# of the system is the box's own (install.sh); these differ from the Debian build only
# because the Debian build never installs them.

# NetworkManager (stage2) would take wlan0 and the wired side from systemd-networkd, which
# runs the box's access point; rpi-resize would grow the root partition, which is neither
# the last nor writable (the data partition follows it, see ../../export/prerun.sh, and is
# the one grown to the card, by solidaire-grow-data.service).
# The first user (FIRST_USER_NAME, with a password build-pi.sh draws and forgets) is
# locked: the box is run from its web pages, and SSH is off (ENABLE_SSH=0 in ../../config).
on_chroot <<SYSTEM
for unit in NetworkManager.service NetworkManager-wait-online.service NetworkManager-dispatcher.service; do
	if [ -e "/usr/lib/systemd/system/\${unit}" ]; then systemctl mask "\${unit}"; fi
done
if [ -e /usr/lib/systemd/system/rpi-resize.service ]; then systemctl disable rpi-resize.service; fi
usermod -L "${FIRST_USER_NAME}"
SYSTEM

# The kernel's command line (stage1's cmdline.txt; pi-gen's export puts the root's PARTUUID
# in place of ROOTDEV): the root mounted read-only as in the Debian build, no resize,
# reboot 10 s after a panic. Safe to run again.
cmdline="${ROOTFS_DIR}/boot/firmware/cmdline.txt"
words=()
read -r -a current < "${cmdline}"
for word in "${current[@]}"; do
	case "${word}" in
		resize | ro | rw | panic=*) ;;
		*) words+=("${word}") ;;
	esac
done
echo "${words[*]} ro panic=10" > "${cmdline}"
