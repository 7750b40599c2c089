#!/bin/bash -e
# pi-gen runs this first (after stage2, Lite): the stage starts from a copy of stage2's
# system, or from its own when a build is resumed.
if [ ! -d "${ROOTFS_DIR}" ]; then
	copy_previous
fi
