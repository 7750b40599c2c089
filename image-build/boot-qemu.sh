#!/usr/bin/env bash
# Boots the images of build-debian.sh in qemu-system-aarch64 -M virt (no KVM here: TCG).
# Usage: image-build/boot-qemu.sh IMAGES RUN [HTTP_PORT]
#   IMAGES: build-debian.sh's output (root.img is used through a snapshot: never written).
#   RUN:    where the writable disks are (data.img, boot.img: copied from IMAGES the
#           first time) and what the run leaves: console.log (the serial console), and
#           test.sock, qemu's end of the virtio port org.solidaire.test (the test shell of
#           an image built with --test-hooks).
#   HTTP_PORT: the host port forwarded to the guest's port 80 (default 8080).
# QEMU_CPU (default cortex-a53, a Raspberry Pi 3's core), QEMU_SMP (2), QEMU_MEM (1024).
set -euo pipefail
images=${1:?usage: boot-qemu.sh IMAGES RUN [HTTP_PORT]}
run=${2:?usage: boot-qemu.sh IMAGES RUN [HTTP_PORT]}
port=${3:-8080}
mkdir -p "$run"
for disk in data.img boot.img; do
  [ -f "$run/$disk" ] || cp --sparse=always "$images/$disk" "$run/$disk"
done
rm -f "$run/test.sock"

disk() { # NAME FILE [OPTIONS]: a virtio disk
  echo -drive "if=none,id=$1,format=raw,file=$2${3:+,$3}" -device "virtio-blk-pci,drive=$1"
}
# shellcheck disable=SC2046 # disk's words are qemu's arguments
exec qemu-system-aarch64 -M virt -cpu "${QEMU_CPU:-cortex-a53}" -smp "${QEMU_SMP:-2}" -m "${QEMU_MEM:-1024}" \
  -accel tcg,thread=multi -display none -monitor none -no-user-config -nodefaults \
  -kernel "$images/vmlinuz" -initrd "$images/initrd.img" -append "$(cat "$images/cmdline.txt")" \
  $(disk root "$images/root.img" snapshot=on) $(disk data "$run/data.img") $(disk boot "$run/boot.img") \
  -nic "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:$port-:80" \
  -device virtio-rng-pci \
  -chardev "socket,id=test,path=$run/test.sock,server=on,wait=off" \
  -device virtio-serial-pci -device virtserialport,chardev=test,name=org.solidaire.test \
  -serial "file:$run/console.log"
