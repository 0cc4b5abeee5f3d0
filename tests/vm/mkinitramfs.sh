#!/usr/bin/env bash
# mkinitramfs.sh: build the test initramfs (a zstd-compressed newc cpio).
#
# Usage: tests/vm/mkinitramfs.sh svm|vmx OUTPUT.cpio.zst [LISTFILE...]
#
# LISTFILE (one or more; test names must be unique over all): one test per line, `NAME PATH [TIMEOUT_SECONDS]`; blank lines and
#   lines starting with # are ignored.  PATH is a statically linked executable
#   (or a #! script for busybox sh) on the host; a relative PATH is taken
#   relative to the list file's directory.  It is copied (stripped) to
#   /tests/NAME.  TIMEOUT defaults to $VM_TEST_TIMEOUT (60).
#
# Env (all optional):
#   VM_KVM_MODULES   modules to insmod at boot, by name, dependencies first
#                    automatically.  Default: kvm-amd (svm), kvm-intel (vmx).
#                    "none" loads no KVM module.
#   VM_MODULES       extra .ko files (host paths) to insmod at boot, in order,
#                    after VM_KVM_MODULES (e.g. build/kmod/dune.ko).
#   VM_MODULE_FILES  extra .ko files copied into /modules/ but not loaded (for
#                    tests that insmod/rmmod by themselves).
#   VM_KERNEL_MODULE_FILES  the same for modules of the kernel package, by
#                    name (e.g. msr).
#   VM_ITERS_SCALE   exported to tests as DUNE_ITERS_SCALE (default 0.01).
#   VM_ENV           extra "KEY=VALUE ..." words exported to the tests.
#   VM_TEST_TIMEOUT  default per-test timeout in seconds (60).
#   VM_EXTRA_FILES   host files the tests use, copied to /extra/ by name.
#   VM_EXTRA_PROGRAMS dynamic host programs (absolute paths) the tests run,
#                    copied to the same paths with their libraries.
#   VM_EXTRA_TREES   host directories copied to the same paths (a program's
#                    data, e.g. Python's standard library), tests and caches left out.
#
# Inside the machine: all kvm modules (irqbypass kvm kvm-intel kvm-amd ccp)
# plus the extra ones are in /modules/ (= /lib/modules/$(uname -r)/, with a
# modules.dep so busybox `modprobe kvm_intel` works); tests see
# DUNE_IN_EMULATOR=svm|vmx and DUNE_ITERS_SCALE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || { sed -n '2,4p' "$0" >&2; exit 2; }
machine=$1 out=$2
shift 2
lists=("$@")
case $machine in
    svm) default_kvm=kvm-amd ;;
    vmx) default_kvm=kvm-intel ;;
    *) vm_die "machine must be svm or vmx, not '$machine'" ;;
esac
for list in "${lists[@]}"; do
    [ -f "$list" ] || vm_die "test list $list does not exist"
done

need_tool /bin/busybox busybox-static
need_tool cpio cpio
need_tool gzip gzip
need_tool zstd zstd
if ! /bin/busybox --list 2>/dev/null | grep -qx setsid || ldd /bin/busybox >/dev/null 2>&1; then
    vm_log "ERROR: /bin/busybox is not the static busybox; it comes from busybox-static."
    vm_log "       Fix: apt-get install -y busybox-static"
    exit 3
fi

eval "$("$VM_DIR/fetch-kernel.sh")"
moddir=$VM_MODULES_DIR
kver=$VM_KERNEL_VERSION

stage=$(mktemp -d "${TMPDIR:-/tmp}/vm-initramfs.XXXXXX")
trap 'rm -rf "$stage" "$stage.cpio"' EXIT
mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,tmp,run,tests,lib/modules/"$kver"}
ln -s "lib/modules/$kver" "$stage/modules"
cp /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$VM_DIR/init.sh" "$stage/init"
chmod 755 "$stage/init"
# A console node lets the kernel give /init its stdio (needs root; /init
# reopens /dev/console from devtmpfs anyway).
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

# --- modules -----------------------------------------------------------------
kmods=$(mktemp "$stage/.kmods.XXXXXX")
find "$moddir/kernel" -name '*.ko*' >"$kmods"
depfile=$stage/lib/modules/$kver/modules.dep
: >"$depfile"
declare -A have=()
load=()

modinfo_depends() {  # FILE -> comma-separated module names
    grep -a -o 'depends=[A-Za-z0-9_,-]*' "$1" | head -n1 | cut -d= -f2
}
find_kmod() {  # NAME -> path in the kernel tree
    local n=$1 a b
    a=${n//_/-} b=${n//-/_}
    grep -E "/($a|$b)\.ko(\.xz|\.zst|\.gz)?$" "$kmods" | head -n1
}
install_ko() {  # SRC NAME: copy (decompressing) to /modules/NAME.ko
    local src=$1 name=$2 dst=$stage/lib/modules/$kver/$2.ko
    case $src in
        *.ko.xz)  need_tool xz xz-utils; xz -dc "$src" >"$dst" ;;
        *.ko.zst) need_tool zstd zstd; zstd -q -dc "$src" >"$dst" ;;
        *.ko.gz)  gzip -dc "$src" >"$dst" ;;
        *)        cp "$src" "$dst" ;;
    esac
}
# add_module SRC: install SRC and (first) its dependencies from the kernel tree.
# modules.dep lists every module a module needs, the closest first (as
# depmod does; busybox modprobe does not recurse). Dependencies are read
# from the installed, decompressed copy: Debian's 6.12 ships .ko.xz.
add_module() {
    local src=$1 name deps d dn dsrc depnames=() n
    name=$(basename "$src"); name=${name%%.ko*}
    [ -z "${have[$name]:-}" ] || return 0
    have[$name]=1
    install_ko "$src" "$name"
    deps=$(modinfo_depends "$stage/lib/modules/$kver/$name.ko" || true)
    for d in ${deps//,/ }; do
        dsrc=$(find_kmod "$d")
        [ -n "$dsrc" ] || vm_die "module $name needs $d, which is not in $moddir"
        add_module "$dsrc"
        dn=$(basename "$dsrc"); dn=${dn%%.ko*}.ko
        for n in "$dn" $(grep "^$dn:" "$depfile" | cut -d: -f2); do
            case " ${depnames[*]:-} " in *" $n "*) ;; *) depnames+=("$n") ;; esac
        done
    done
    echo "$name.ko: ${depnames[*]:-}" >>"$depfile"
}

for m in kvm-amd kvm-intel; do
    src=$(find_kmod "$m")
    [ -n "$src" ] || vm_die "$m is not in $moddir (linux-image-$kver)"
    add_module "$src"
done
# Load order: each requested module's dependency chain, dependencies first.
load_chain() {
    local name=$1 deps d
    case " ${load[*]:-} " in *" $name "*) return 0 ;; esac
    deps=$(grep "^$name.ko:" "$depfile" | cut -d: -f2)
    for d in $deps; do load_chain "${d%.ko}"; done
    load+=("$name")
}
kvm_mods=${VM_KVM_MODULES-$default_kvm}
[ "$kvm_mods" = none ] && kvm_mods=
for m in $kvm_mods; do
    src=$(find_kmod "$m")
    [ -n "$src" ] || vm_die "VM_KVM_MODULES: no module $m in $moddir"
    add_module "$src"
    n=$(basename "$src"); load_chain "${n%%.ko*}"
done
for f in ${VM_MODULES:-} ${VM_MODULE_FILES:-}; do
    [ -f "$f" ] || vm_die "module file $f does not exist (did the module build run?)"
done
for f in ${VM_MODULES:-}; do
    add_module "$f"
    n=$(basename "$f"); load_chain "${n%%.ko*}"
done
for f in ${VM_MODULE_FILES:-}; do add_module "$f"; done
for m in ${VM_KERNEL_MODULE_FILES:-}; do
    src=$(find_kmod "$m")
    [ -n "$src" ] || vm_die "VM_KERNEL_MODULE_FILES: no module $m in $moddir"
    add_module "$src"
done
printf '%s\n' ${load[@]+"${load[@]}"} >"$stage/modules/load.list"
rm -f "$kmods"

# --- files the tests use --------------------------------------------------------
mkdir -p "$stage/extra"
for f in ${VM_EXTRA_FILES:-}; do
    [ -f "$f" ] || vm_die "extra file $f does not exist (was it built?)"
    cp "$f" "$stage/extra/"
done

# --- host programs the tests use, with their libraries ----------------------------
copy_same_path() {  # SRC: to the same path in the image, symlinks followed too
    local src=$1 real
    mkdir -p "$stage$(dirname "$src")"
    cp -a "$src" "$stage$src"
    real=$(readlink -f "$src")
    if [ "$real" != "$src" ]; then
        mkdir -p "$stage$(dirname "$real")"
        cp -a "$real" "$stage$real"
    fi
}
# a library as a file at the path the loader looks at: its links may go
# through directories that are links on the host (/lib -> usr/lib) but real
# ones in the image
copy_file_at_path() {  # SRC
    mkdir -p "$stage$(dirname "$1")"
    cp -L "$1" "$stage$1"
}
for prog in ${VM_EXTRA_PROGRAMS:-}; do
    [ -x "$prog" ] || vm_die "extra program $prog does not exist (apt-get install it)"
    copy_same_path "$prog"
    for lib in $(ldd "$(readlink -f "$prog")" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
        copy_file_at_path "$lib"
    done
done
for tree in ${VM_EXTRA_TREES:-}; do
    [ -d "$tree" ] || vm_die "extra directory $tree does not exist"
    mkdir -p "$stage$(dirname "$tree")"
    cp -a "$tree" "$stage$tree"
    find "$stage$tree" \( -name __pycache__ -o -name test -o -name tests -o -name idlelib \
        -o -name tkinter -o -name ensurepip -o -name lib2to3 -o -name pydoc_data \) -prune \
        -exec rm -rf {} + 2>/dev/null || true
done

# --- tests ---------------------------------------------------------------------
deftimeout=${VM_TEST_TIMEOUT:-60}
: >"$stage/tests/tests.list"
declare -A seen=()
n=0
for list in "${lists[@]}"; do
listdir=$(cd "$(dirname "$list")" && pwd)
while read -r name path limit rest; do
    case $name in ''|'#'*) continue ;; esac
    [ -n "${path:-}" ] || vm_die "$list: line for $name has no PATH"
    [[ $name =~ ^[A-Za-z0-9_.+-]+$ ]] || vm_die "$list: bad test name '$name'"
    [ -z "${seen[$name]:-}" ] || vm_die "$list: test name $name appears twice"
    seen[$name]=1
    limit=${limit:-$deftimeout}
    [[ $limit =~ ^[0-9]+$ ]] || vm_die "$list: bad timeout '$limit' for $name"
    case $path in /*) ;; *) path=$listdir/$path ;; esac
    [ -f "$path" ] || vm_die "$list: $name: $path does not exist (was it built?)"
    if [ "$(head -c2 "$path")" != '#!' ]; then
        if command -v readelf >/dev/null 2>&1 && readelf -l "$path" 2>/dev/null | grep -q 'program interpreter'; then
            vm_die "$list: $name: $path is dynamically linked; the initramfs has no libc (link it with -static)"
        fi
    fi
    cp "$path" "$stage/tests/$name"
    chmod 755 "$stage/tests/$name"
    if command -v strip >/dev/null 2>&1; then strip "$stage/tests/$name" 2>/dev/null || true; fi
    echo "$name $limit" >>"$stage/tests/tests.list"
    n=$((n + 1))
done <"$list"
done
[ $n -gt 0 ] || vm_log "note: no tests listed${lists[*]:+ in ${lists[*]}}; the machine only boots and loads modules"

# --- environment for the tests ---------------------------------------------------
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
    echo "export DUNE_IN_EMULATOR=$machine"
    echo "export DUNE_ITERS_SCALE=$(q "${VM_ITERS_SCALE:-0.01}")"
    for kv in ${VM_ENV:-}; do
        k=${kv%%=*}
        [[ $k =~ ^[A-Za-z_][A-Za-z0-9_]*$ && $kv == *=* ]] || vm_die "VM_ENV: bad word '$kv'"
        echo "export $k=$(q "${kv#*=}")"
    done
} >"$stage/etc/vm.conf"

# --- pack -----------------------------------------------------------------------
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) \
    >"$stage.cpio"
# zstd with a window as large as the archive: the static test programs share
# most of their bytes, so this is half of gzip -9's size, made 40 times
# faster, and unpacked faster too; the firmware of the emulated machines
# reads every byte of it at emulation speed (the kernels have RD_ZSTD)
zstd -q -3 --long=27 -c "$stage.cpio" >"$out.tmp"
rm -f "$stage.cpio"
mv "$out.tmp" "$out"
vm_log "initramfs $out: $(du -k "$out" | cut -f1) KiB, $n tests, boot modules: ${load[*]:-none}"
