#!/bin/sh
# Installs Solidaire into a system being built, from inside it (chroot), for both builds:
# Raspberry Pi OS (pi-gen stage) and plain Debian (debootstrap). Run as root:
#   install.sh APP_DIR OVERLAY_DIR
# APP_DIR: the built application (bin/, appliance/dist, relay/dist, ui/dist, node_modules,
# package.json), installed as the factory release. OVERLAY_DIR: image-build/overlay.
# The Debian packages of payload/packages.txt must be installed already.
set -eu

app=${1:?usage: install.sh APP_DIR OVERLAY_DIR}
overlay=${2:?usage: install.sh APP_DIR OVERLAY_DIR}
[ -f "$app/bin/solidaire.js" ] || { echo "install.sh: $app n'est pas une version de Solidaire (pas de bin/solidaire.js)" >&2; exit 1; }

# The service's own user; `video` lets it ask the firmware about power (vcgencmd).
if ! getent passwd solidaire >/dev/null; then
  useradd --system --user-group --home-dir /var/lib/solidaire --no-create-home --shell /usr/sbin/nologin solidaire
fi
if getent group video >/dev/null; then usermod -a -G video solidaire; fi

# The factory release: always there, read-only, the last resort of updates.
rm -rf /opt/solidaire/factory
mkdir -p /opt/solidaire
cp -a "$app" /opt/solidaire/factory
chown -R root:root /opt/solidaire

# System files (units, network, DNS, avahi, journal, fstab, hostname).
cp -a "$overlay/." /
chmod 0755 /usr/lib/solidaire/run /usr/lib/solidaire/apply-updates /usr/lib/solidaire/first-boot /usr/lib/solidaire/grow-data /usr/lib/solidaire/unblock-wlan

# The public key of releases (updates signed by another key are refused). The build
# passes it in SOLIDAIRE_RELEASE_KEY; without one, the box takes no update.
if [ -n "${SOLIDAIRE_RELEASE_KEY:-}" ]; then
  install -D -m 0644 "$SOLIDAIRE_RELEASE_KEY" /usr/share/solidaire/release-key.pub
fi

# The data partition's mount point. What lives on it (database, files, the settings the
# first boot writes) is made below; each build puts that tree on the data partition
# (build-debian.sh on its own disk, pi-gen's export step mounts the partition there).
mkdir -p /var/lib/solidaire
ln -sfn /var/lib/solidaire/system/localtime /etc/localtime
# hostapd@wlan0 (Debian's unit per interface) reads /etc/hostapd/wlan0.conf.
mkdir -p /etc/hostapd
ln -sfn /var/lib/solidaire/system/hostapd.conf /etc/hostapd/wlan0.conf
# The boot partition's mount point (where solidaire.toml is read).
mkdir -p /boot/firmware

# Services: the data partition grown to the card, the box, its first boot, its network.
systemctl enable solidaire-grow-data.service solidaire.service solidaire-provision.service solidaire-update-recover.service solidaire-poweroff.path solidaire-update.path systemd-networkd.service avahi-daemon.service dnsmasq.service
# The access point starts when wlan0 appears, not at a point of the boot: the radio's
# driver may come up late (brcmfmac loads its firmware; a radio added after boot in
# test/image/ap.test.ts). The plain hostapd.service is only ordered After=network.target:
# started before the radio it fails, and by its unit (Restart=on-failure, 2 s) it is
# started again every 2 s until the radio comes, for ever on a box whose radio is missing
# or broken (read from the unit, not run). hostapd@wlan0 is bound to the device (it stops
# if the radio goes) and wanted by it, not by multi-user.target (a box without a radio
# does not wait for one); it runs once a Wi-Fi was provisioned (its file exists), after
# the first boot wrote it (overlay/etc/systemd/system/hostapd@.service.d/).
systemctl disable hostapd.service >/dev/null 2>&1 || true
mkdir -p /etc/systemd/system/sys-subsystem-net-devices-wlan0.device.wants
ln -sfn /usr/lib/systemd/system/hostapd@.service /etc/systemd/system/sys-subsystem-net-devices-wlan0.device.wants/hostapd@wlan0.service
# A read-only system has no use for these.
systemctl mask apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer >/dev/null 2>&1 || true

# The data partition's tree, what /var/lib/solidaire holds on a new card. systemd's state
# lives there too (bound on /var/lib/systemd, see overlay/etc/fstab): it moves now, after
# every package and unit that wrote it. The box writes in data/, updates/ (releases it
# receives) and requests/ (to root); the top, system/ and systemd/ are root's (as
# overlay/etc/tmpfiles.d/solidaire.conf says). Safe to run again.
mkdir -p /var/lib/solidaire/data /var/lib/solidaire/system /var/lib/solidaire/systemd /var/lib/solidaire/updates /var/lib/solidaire/requests
cp -a /var/lib/systemd/. /var/lib/solidaire/systemd/
find /var/lib/systemd -mindepth 1 -delete
chown -R solidaire:solidaire /var/lib/solidaire/data /var/lib/solidaire/updates /var/lib/solidaire/requests
chmod 0750 /var/lib/solidaire/data /var/lib/solidaire/updates /var/lib/solidaire/requests
