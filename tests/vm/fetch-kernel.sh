#!/usr/bin/env bash
# fetch-kernel.sh: fetch one of Debian's amd64 kernels, its modules and the
# matching headers (for building out-of-tree modules) into build/vm-cache/.
#
# Usage: tests/vm/fetch-kernel.sh            (prints the kernel's env lines)
# Env:   VM_KERNEL_META=linux-image-6.12-amd64  the metapackage to resolve the
#                                            version from (default
#                                            linux-image-amd64, Debian's kernel)
#        VM_KERNEL_VERSION=6.1.0-56-amd64    pin a version instead of resolving
#        VM_CACHE=dir                        cache dir (default build/vm-cache)
#        VM_NO_HEADERS=1                     skip the headers/kbuild packages
#
# Prints and writes $VM_CACHE/VER/kernel.env (sourceable):
#   VM_KERNEL_VERSION, VM_KERNEL_IMAGE, VM_MODULES_DIR, VM_KDIR
# and, for the default metapackage only, a copy in $VM_CACHE/kernel.env.
# Scripts should use the printed lines: the shared copy is another run's.
# Idempotent: a version already extracted in the cache is reused as is.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_tool dpkg-deb dpkg

mkdir -p "$VM_CACHE"
exec 9>"$VM_CACHE/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

# --- resolve the version -----------------------------------------------------
meta=${VM_KERNEL_META:-linux-image-amd64}
case $meta in
    linux-image-*amd64) ;;
    *) vm_die "VM_KERNEL_META=$meta is not a Debian amd64 kernel metapackage (linux-image-...-amd64)" ;;
esac
# the metapackage's last resolution, for when apt-cache cannot answer
meta_env=$VM_CACHE/$meta.env
kver=${VM_KERNEL_VERSION:-}
pkgver=
if [ -z "$kver" ]; then
    need_tool apt-cache apt
    dep=$(apt-cache show --no-all-versions "$meta" 2>/dev/null \
          | sed -n 's/^Depends: //p' | head -n1) || true
    kver=$(printf '%s\n' "$dep" | tr ',' '\n' \
           | sed -n 's/^ *linux-image-\([0-9][^ ]*-amd64\)\( .*\)\{0,1\}$/\1/p' | head -n1)
    if [ -z "$kver" ]; then
        if [ -f "$meta_env" ]; then
            vm_log "WARNING: cannot resolve $meta with apt-cache; reusing the cached kernel"
            cat "$meta_env"
            exit 0
        fi
        vm_log "ERROR: apt-cache knows no package $meta (or it has no linux-image-*-amd64 dependency)."
        vm_log "       Fix: apt-get update   (then re-run; the package list is needed to resolve the kernel version)"
        exit 3
    fi
fi
pkgver=$(apt-cache show --no-all-versions "linux-image-$kver" 2>/dev/null | sed -n 's/^Version: //p' | head -n1 || true)

root=$VM_CACHE/$kver/root
env_file=$VM_CACHE/kernel.env
ver_env=$VM_CACHE/$kver/kernel.env
kdir=$root/usr/src/linux-headers-$kver

write_env() {
    {
        printf 'VM_KERNEL_VERSION=%s\n' "$kver"
        printf 'VM_KERNEL_IMAGE=%s\n' "$root/boot/vmlinuz-$kver"
        printf 'VM_MODULES_DIR=%s\n' "$root/lib/modules/$kver"
        printf 'VM_KDIR=%s\n' "$kdir"
    } >"$ver_env.tmp"
    mv "$ver_env.tmp" "$ver_env"
    if [ -z "${VM_KERNEL_VERSION:-}" ]; then
        cp "$ver_env" "$meta_env.tmp" && mv "$meta_env.tmp" "$meta_env"
    fi
    if [ "$meta" = linux-image-amd64 ]; then
        cp "$ver_env" "$env_file.tmp" && mv "$env_file.tmp" "$env_file"
    fi
    cat "$ver_env"
}

if [ -f "$ver_env" ] && [ -f "$root/boot/vmlinuz-$kver" ] && [ -d "$root/lib/modules/$kver/kernel" ] \
   && { [ -n "${VM_NO_HEADERS:-}" ] || [ -f "$kdir/Makefile" ]; }; then
    write_env
    exit 0
fi

# --- work out the package set --------------------------------------------------
pkgs=("linux-image-$kver")
if [ -z "${VM_NO_HEADERS:-}" ]; then
    pkgs+=("linux-headers-$kver" "linux-headers-${kver%-amd64}-common")
    kbuild=$(apt-cache show --no-all-versions "linux-headers-$kver" 2>/dev/null \
             | sed -n 's/^Depends: //p' | tr ',' '\n' | sed -n 's/^ *\(linux-kbuild-[0-9][^ ,(]*\).*/\1/p' | head -n1 || true)
    [ -n "$kbuild" ] || kbuild=linux-kbuild-$(printf '%s' "$kver" | cut -d. -f1,2)
    pkgs+=("$kbuild")
fi

dl=$VM_CACHE/$kver/debs
mkdir -p "$dl" "$root"
rm -rf "$root.partial"
mkdir -p "$root.partial"

for p in "${pkgs[@]}"; do
    deb=$(ls "$dl/${p}_"*.deb 2>/dev/null | head -n1 || true)
    if [ -z "$deb" ]; then
        need_tool apt-get apt
        spec=$p
        # Keep image and headers at exactly the same Debian version.
        if [ -n "$pkgver" ] && [ "$p" != "${kbuild:-}" ]; then spec="$p=$pkgver"; fi
        vm_log "downloading $spec"
        if (cd "$dl" && apt-get download -q "$spec" >"$dl/apt-$p.log" 2>&1); then
            deb=$(ls "$dl/${p}_"*.deb 2>/dev/null | head -n1 || true)
        fi
    fi
    if [ -n "$deb" ]; then
        vm_log "extracting $(basename "$deb")"
        dpkg-deb -x "$deb" "$root.partial"
        continue
    fi
    # Download failed: fall back to the copy installed on this machine, if any.
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ]; then
        vm_log "download of $p failed; copying the installed package's files instead"
        dpkg -L "$p" | while IFS= read -r f; do
            if [ -f "$f" ] || [ -L "$f" ]; then cp -a --parents "$f" "$root.partial/"; fi
        done
        continue
    fi
    vm_log "ERROR: could not download the Debian package $p (see $dl/apt-$p.log):"
    sed 's/^/[vm]   /' "$dl/apt-$p.log" >&2 2>/dev/null || true
    vm_log "       Fix: apt-get update && apt-get install -y $p"
    vm_log "       (or make 'apt-get download $p' work: network access and a deb.debian.org source)"
    exit 3
done

# The headers Makefile includes the -common tree by an absolute /usr/src path;
# point it at the extracted copy so `make -C $VM_KDIR M=... modules` works.
if [ -f "$root.partial/usr/src/linux-headers-$kver/Makefile" ]; then
    sed -i "s|/usr/src/linux-headers-|$root/usr/src/linux-headers-|g" \
        "$root.partial/usr/src/linux-headers-$kver/Makefile"
fi
for need in "boot/vmlinuz-$kver" "lib/modules/$kver/kernel"; do
    [ -e "$root.partial/$need" ] || vm_die "package linux-image-$kver has no $need"
done

rm -rf "$root"
mv "$root.partial" "$root"
write_env
