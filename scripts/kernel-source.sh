#!/usr/bin/env bash
# Kernel in the loop: extracts the kernel files the simulator compiles unmodified (never
# committed: the kernel is GPL) from Debian's linux-source-6.12 package, installing the
# package if it is missing, into DEST (default: build/kernel-source); and, from
# linux-source-6.1, that release's ipmi_ssif.c into DEST/6.1 (the host version table's rows
# whose kernel_release is "6.1" run it; CMakeLists.txt finds it there, and without it refuses
# only those rows). Prints DEST; configure with
# `cmake -DSSIFSIM_KERNEL_SOURCE=DEST` (scripts/setup.sh does when it is there).
# A tree of your own (a patched kernel) needs no extraction: point SSIFSIM_KERNEL_SOURCE at it.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-build/kernel-source}"
package=linux-source-6.12
tarball=/usr/src/linux-source-6.12.tar.xz
# The files, relative to the tree's root: airq.c and the header with its inline helpers
# (airq_iv_lock, set/get_data, set/get_ptr), s390's MSB-0 bit search (find_*_bit_inv); the
# BMC's ssif_bmc.c and its userspace struct; the host's ipmi_ssif.c (CMakeLists.txt's
# KERNEL_FILES).
files=(drivers/s390/cio/airq.c arch/s390/include/asm/airq.h arch/s390/lib/find.c
       drivers/char/ipmi/ssif_bmc.c include/uapi/linux/ipmi_ssif_bmc.h
       drivers/char/ipmi/ipmi_ssif.c)

# extract PACKAGE TARBALL DIR FILE...: installs PACKAGE if its tarball is missing, then
# extracts the files (paths in the tree) into DIR unless they are all there.
extract() {
    local package="$1" tarball="$2" dir="$3"
    shift 3
    if [ ! -f "$tarball" ]; then
        echo "kernel-source: installing $package" >&2
        local SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
            "$package" >&2
    fi
    local have=1 f
    for f in "$@"; do [ -f "$dir/$f" ] || have=0; done
    if [ "$have" = 0 ]; then
        mkdir -p "$dir"
        tar -xJf "$tarball" -C "$dir" --strip-components=1 "${@/#/$package/}"
    fi
    # Which kernel the files are, for the conformance output (CMakeLists.txt reads it).
    dpkg-query -W -f='Debian ${Package} ${Version}\n' "$package" > "$dir/SOURCE" 2>/dev/null ||
        echo "$tarball" > "$dir/SOURCE"
}
extract "$package" "$tarball" "$dest" "${files[@]}"
# The older host driver (6.1.192: no ssif_detect in ssif_probe, i2c_driver.probe_new).
extract linux-source-6.1 /usr/src/linux-source-6.1.tar.xz "$dest/6.1" drivers/char/ipmi/ipmi_ssif.c
echo "$dest"
