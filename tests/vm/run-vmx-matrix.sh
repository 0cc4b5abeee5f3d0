#!/usr/bin/env bash
# run-vmx-matrix.sh: the VMX machine (Bochs, tests/vm/run-vmx.sh) once per
# configuration: a Debian kernel, a host side for libdune (dune.ko, or stock
# kvm_intel) and a CPU count. Runs several machines at once when the host
# allows it, then prints every machine's results, one summary line per
# machine and kernel, and one `N passed, N failed` line over all.
#
# Usage: tests/vm/run-vmx-matrix.sh
# Env:   VM_VMX_MATRIX     configurations, NAME:METAPACKAGE:HOST:CPUS[:TESTS]
#                          each (HOST dune or kvm; TESTS all, the default,
#                          core: only the core lists, smp: only the tests
#                          that need several CPUs); default, the full matrix
#                          (`make check-vmx-matrix`; `make check-vmx` runs a
#                          smaller one, tests/vm/vm.mk):
#                          6.1-dune:linux-image-amd64:dune:1
#                          6.12-dune:linux-image-6.12-amd64:dune:1
#                          6.12-smp:linux-image-6.12-amd64:dune:2:smp
#                          6.12-kvm:linux-image-6.12-amd64:kvm:1
#        VM_VMX_DUNE_LISTS test lists for dune.ko machines (libdune's kmod host
#                          side, the module's tests, dunebox's tests)
#        VM_VMX_CORE_LISTS test lists for dune.ko machines with TESTS core
#                          (default: the same as VM_VMX_DUNE_LISTS)
#        VM_VMX_SMP_LISTS  test lists for smp machines (default
#                          kmod/tests/vm/kmod-smp-tests.list)
#        VM_VMX_KVM_LISTS  test lists for kvm_intel machines
#        VM_VMX_JOBS       machines at once (default: CPUs, at most 3)
#        VM_VMX_MITIGATIONS the guest kernels' mitigations= (auto: dune.ko's
#                          hardening follows the kernel's choices)
#        plus what run-vmx.sh and mkinitramfs.sh read (VM_EXTRA_FILES, ...)
# dune.ko is built for each kernel in build/kmod/VERSION/ (kmod/Makefile).
# Output per machine: build/vm/vmx-NAME/ (console.log, run.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

matrix=${VM_VMX_MATRIX:-"6.1-dune:linux-image-amd64:dune:1 6.12-dune:linux-image-6.12-amd64:dune:1
    6.12-smp:linux-image-6.12-amd64:dune:2:smp 6.12-kvm:linux-image-6.12-amd64:kvm:1"}
read -r -a dune_lists <<<"${VM_VMX_DUNE_LISTS:-}"
read -r -a core_lists <<<"${VM_VMX_CORE_LISTS:-${VM_VMX_DUNE_LISTS:-}}"
read -r -a smp_lists <<<"${VM_VMX_SMP_LISTS:-$REPO_ROOT/kmod/tests/vm/kmod-smp-tests.list}"
read -r -a kvm_lists <<<"${VM_VMX_KVM_LISTS:-}"

configs=()
for c in $matrix; do
    IFS=: read -r name meta host cpus tests <<<"$c"
    [[ $name =~ ^[A-Za-z0-9_.+-]+$ && -n $meta && $cpus =~ ^[1-8]$ ]] ||
        vm_die "VM_VMX_MATRIX: '$c' is not NAME:METAPACKAGE:HOST:CPUS[:TESTS] (e.g. 6.12-smp:linux-image-6.12-amd64:dune:2:smp)"
    case $host in dune|kvm) ;; *) vm_die "VM_VMX_MATRIX: host '$host' in '$c' is neither dune nor kvm" ;; esac
    case ${tests:-all} in all|core|smp) ;; *) vm_die "VM_VMX_MATRIX: tests '$tests' in '$c' are neither all, core nor smp" ;; esac
    configs+=("$name $meta $host $cpus ${tests:-all}")
done
[ ${#configs[@]} -gt 0 ] || vm_die "VM_VMX_MATRIX is empty"

# --- kernels and modules, one after the other --------------------------------
declare -A kver_of=() ko_of=()
for c in "${configs[@]}"; do
    read -r name meta host cpus tests <<<"$c"
    if [ -z "${kver_of[$meta]:-}" ]; then
        env=$(VM_KERNEL_META=$meta "$VM_DIR/fetch-kernel.sh") || exit $?
        kver_of[$meta]=$(printf '%s\n' "$env" | sed -n 's/^VM_KERNEL_VERSION=//p')
        kdir=$(printf '%s\n' "$env" | sed -n 's/^VM_KDIR=//p')
        if [ "$host" = dune ] || [[ " ${configs[*]} " == *" $meta dune "* ]]; then
            out=$BUILD_DIR/kmod/${kver_of[$meta]}
            vm_log "matrix: dune.ko for ${kver_of[$meta]}"
            make -s -C "$REPO_ROOT/kmod" build-in KDIR="$kdir" OUT="$out" >&2 ||
                vm_die "dune.ko does not build for ${kver_of[$meta]} (see above)"
            ko_of[$meta]=$out/dune.ko
        fi
    fi
done

# --- the machines ---------------------------------------------------------------
jobs=${VM_VMX_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -le 3 ] || jobs=3
if ! unshare -n true 2>/dev/null && ! unshare -rn true 2>/dev/null; then
    jobs=1	# without a network namespace each Bochs' VNC server wants port 5900
fi

pids=()
trap 'for p in ${pids[@]+"${pids[@]}"}; do kill -TERM "$p" 2>/dev/null; done; wait; exit 143' INT TERM

run_one() {  # NAME META HOST CPUS TESTS
    local name=$1 meta=$2 host=$3 cpus=$4 tests=$5 dir=$BUILD_DIR/vm/vmx-$1 t0 rc=0
    local -a lists
    mkdir -p "$dir"
    t0=$(date +%s)
    if [ "$host" = dune ]; then
        # the SMP list uses nothing from /extra: without it the initramfs
        # Bochs' BIOS reads from the CD is a few MiB smaller
        local extra_files=${VM_EXTRA_FILES:-} extra_programs=${VM_EXTRA_PROGRAMS:-}
        case $tests in
        all) lists=(${dune_lists[@]+"${dune_lists[@]}"}) ;;
        core) lists=(${core_lists[@]+"${core_lists[@]}"}) ;;
        smp) lists=(${smp_lists[@]+"${smp_lists[@]}"}) extra_files= extra_programs= ;;
        esac
        VM_EXTRA_FILES=$extra_files VM_EXTRA_PROGRAMS=$extra_programs VM_KVM_MODULES=none VM_MODULES=${ko_of[$meta]} VM_KERNEL_MODULE_FILES=msr \
            VM_ENV="${VM_ENV:-} DUNE_TEST_CPUS=$cpus" \
            VM_RUN_NAME=vmx-$name VM_KERNEL_META=$meta VM_KERNEL_VERSION=${kver_of[$meta]} \
            VM_VMX_SMP=$cpus VM_MITIGATIONS=${VM_VMX_MITIGATIONS:-auto} \
            "$VM_DIR/run-vmx.sh" ${lists[@]+"${lists[@]}"} >"$dir/run.log" 2>&1 || rc=$?
    else
        lists=(${kvm_lists[@]+"${kvm_lists[@]}"})
        VM_KVM_MODULES=kvm-intel VM_MODULES= \
            VM_ENV="${VM_ENV:-} DUNE_TEST_CPUS=$cpus DUNE_HOST=kvm" \
            VM_RUN_NAME=vmx-$name VM_KERNEL_META=$meta VM_KERNEL_VERSION=${kver_of[$meta]} \
            VM_VMX_SMP=$cpus VM_MITIGATIONS=${VM_VMX_MITIGATIONS:-auto} \
            "$VM_DIR/run-vmx.sh" ${lists[@]+"${lists[@]}"} >"$dir/run.log" 2>&1 || rc=$?
    fi
    echo "$rc $(( $(date +%s) - t0 ))" >"$dir/run.status"
}

t_start=$(date +%s)
running=0
for c in "${configs[@]}"; do
    read -r name meta host cpus tests <<<"$c"
    rm -f "$BUILD_DIR/vm/vmx-$name/run.status"
    while [ "$running" -ge "$jobs" ]; do
        wait -n || true
        running=$((running - 1))
    done
    vm_log "matrix: vmx-$name ($host on ${kver_of[$meta]}, $cpus CPU, $tests tests) starts"
    run_one $name $meta $host $cpus $tests &
    pids+=($!)
    running=$((running + 1))
done
wait
trap - INT TERM
t_total=$(( $(date +%s) - t_start ))

# --- results ---------------------------------------------------------------------
pass=0 fail=0 summary=()
for c in "${configs[@]}"; do
    read -r name meta host cpus tests <<<"$c"
    dir=$BUILD_DIR/vm/vmx-$name
    cat "$dir/run.log" 2>/dev/null || echo "FAIL vmx-$name: no output"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/run.log" 2>/dev/null | tail -n1 || true)
    read -r rc secs <"$dir/run.status" 2>/dev/null || { rc=1; secs=?; }
    if [ -n "$line" ]; then
        p=${line%% passed*} f=${line#*passed, }; f=${f%% failed*}
    else
        p=0 f=1
    fi
    [ "$rc" = 0 ] || [ "$f" -gt 0 ] || f=1
    pass=$((pass + p)) fail=$((fail + f))
    boot=$(sed -n 's/.*boot to \/init \([0-9a-z]*\),.*/\1/p' "$dir/run.log" | tail -n1)
    what=dune.ko; [ "$host" = kvm ] && what="kvm_intel (libdune's kvm host side)"
    case $tests in core) what="$what, core tests" ;; smp) what="$what, SMP tests" ;; esac
    summary+=("vmx ${kver_of[$meta]} $what, $cpus CPU: $p passed, $f failed (${secs}s, boot to /init ${boot:-never})")
done
echo "== vmx matrix: ${#configs[@]} machines, $jobs at a time, ${t_total}s =="
printf '%s\n' "${summary[@]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
