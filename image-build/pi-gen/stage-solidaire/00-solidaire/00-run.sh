#!/bin/bash -e
# The box, installed as the Debian build installs it: the packages of payload/packages.txt,
# then payload/install.sh run inside the system with the application and the overlay.
# build-pi.sh puts in files/ what image-build/stage-install.sh makes (app/, payload/,
# overlay/, release-key.pub), the same for both builds.
# pi-gen runs this on the host, in this folder, with ROOTFS_DIR (the system being built)
# and on_chroot (runs the shell script on its stdin inside that system).

files=files
if [ ! -f "${files}/payload/install.sh" ] || [ ! -f "${files}/app/bin/solidaire.js" ]; then
	echo "stage-solidaire: ${PWD}/${files} holds no payload: build with image-build/build-pi.sh" >&2
	exit 1
fi

# One package list for both builds (no 00-packages copy to keep in step). Without
# Recommends, as mmdebstrap installs them in the Debian build.
packages=$(sed -e 's/#.*//' "${files}/payload/packages.txt" | tr -s '[:space:]' ' ')
on_chroot <<APT
apt-get -o Acquire::Retries=3 install --no-install-recommends -y ${packages}
APT

# Not under /tmp: on_chroot mounts a tmpfs there, which would hide what is copied below it.
dir=/var/tmp/solidaire-install
rm -rf "${ROOTFS_DIR}${dir}"
mkdir -p "${ROOTFS_DIR}${dir}"
cp -a "${files}/." "${ROOTFS_DIR}${dir}/"
key=
if [ -f "${files}/release-key.pub" ]; then key=${dir}/release-key.pub; fi
on_chroot <<INSTALL
SOLIDAIRE_RELEASE_KEY=${key} /bin/sh ${dir}/payload/install.sh ${dir}/app ${dir}/overlay
INSTALL
rm -rf "${ROOTFS_DIR}${dir}"
