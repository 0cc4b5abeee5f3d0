#!/bin/sh
# redteam.sh DUNEBOX REDTEAM POLICY-TEMPLATE: the red-team suite. Each
# class of attempts (redteam.c) runs under dunebox; around it the harness
# plays the host: canary files whose contents and metadata must not
# change, a process outside the box that must stay alive, listeners no
# connection may reach, System V objects of the host that must stay and
# none of the box's that may be left, a pty whose input must stay empty, a
# daemon of the box that must not outlive it. Every attempt and every host
# check is one TAP line (redteam/MODE/NAME); a table (attempt, expected,
# result) follows, also written to $REDTEAM_TABLE if set. Modes: the
# default (every layer dunebox has) and, when dunebox offers it,
# --inner-only (the monitor's checks alone). REDTEAM_MODES picks modes,
# REDTEAM_ROUNDS the rounds of each race, REDTEAM_ONLY (a glob) classes.
# Plain POSIX sh (busybox too).
set -u
box=$(realpath "$1") rt=$(realpath "$2") template=$(realpath "$3")
limit=${BOX_TEST_TIMEOUT:-300}
tmp=${BOX_TEST_DIR:-/var/tmp}
mkdir -p "$tmp"
W=$(mktemp -d "$tmp/redteam.XXXXXX")
id=$$
rows=$W/rows
: >"$rows"
cleanup() {
	[ -n "${outside:-}" ] && kill "$outside" 2>/dev/null
	[ -n "${listeners:-}" ] && kill $listeners 2>/dev/null
	[ -n "${host_shm:-}" ] && "$rt" host-shm-rm "$host_shm"
	[ -n "${REDTEAM_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

result() { # MODE NAME EXPECTED OK DETAIL (a TAP line, a row of the table)
	if [ "$4" = ok ]; then
		echo "ok - redteam/$1/$2"
	else
		echo "not ok - redteam/$1/$2: $5"
	fi
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$([ "$4" = ok ] && echo contained || echo "ESCAPED $5")" >>"$rows"
}

# ---- the host the box must not touch ----
mkdir -p "$W/canary" "$W/hidden" "$W/hidden-parent/visible" "$W/rw"
echo canary >"$W/canary/file"
echo secret >"$W/hidden/secret"
chmod 644 "$W/canary/file"
sleep 100000 &
outside=$!
"$rt" host-listen "$id" "$W/reached-abstract" &
listeners=$!
"$rt" host-listen "$id-path" "$W/reached-path" "$W/canary/sock" &
listeners="$listeners $!"
host_key=$((0x7d000000 + id % 65536))
host_shm=$("$rt" host-shm "$host_key")
sed "s|@W@|$W|g" "$template" >"$W/box.policy"
canary_state() { (cd "$W/canary" && stat -c '%n %s %a %u %g %Y %i' * && cat file) 2>&1; }
# System V objects: the host's one stays; the ones the box made (their
# ids in ipc-ids files, seen from the host with --inner-only) are gone.
# (Other objects come and go with other users of this machine.)
ipc_ids() { # shm|sem|msg
	awk 'NR > 1 { print $2 }' "/proc/sysvipc/$1" 2>/dev/null
}
ipc_state() {
	ipc_ids shm | grep -qx "$host_shm" || echo "the host's segment $host_shm is gone"
	[ "${m:-}" = inner-only ] || return 0
	cat "$W"/rw/*."$m"/ipc-ids 2>/dev/null | while read -r kind ipc; do
		ipc_ids "$kind" | grep -qx "$ipc" && echo "the box's $kind $ipc is left"
	done
}
canary_before=$(canary_state)
sleep 1 # the listeners are up

host_checks() { # MODE CLASS: what the last class must not have changed
	[ "$(canary_state)" = "$canary_before" ] && r=ok || r=bad
	result "$1" "host-canary-unchanged-after-$2" "canary files as they were" $r "canary changed"
	kill -0 "$outside" 2>/dev/null && r=ok || r=bad
	result "$1" "host-process-alive-after-$2" "the outside process lives" $r "outside process gone"
	[ ! -e "$W/reached-abstract" ] && [ ! -e "$W/reached-path" ] && r=ok || r=bad
	result "$1" "host-listeners-unreached-after-$2" "no connection from the box" $r "a listener was reached"
	ipc=$(ipc_state)
	[ -z "$ipc" ] && r=ok || r=bad
	result "$1" "host-ipc-unchanged-after-$2" "the host's IPC objects, and no box's left" $r \
		"$(echo "$ipc" | tr '\n' ' ')"
	left=$(grep -l '98765[4]' /proc/[0-9]*/cmdline 2>/dev/null | head -1)
	[ -z "$left" ] && r=ok || r=bad
	result "$1" "no-box-process-left-after-$2" "nothing of the box outlives it" $r "$left"
}

# Plays the accomplice outside while dunebox runs in $1: hands over the
# monitor's map, tries the locks the box claims to hold.
watcher() {
	dir=$1
	while :; do
		if [ -s "$dir/pid" ] && [ ! -e "$dir/monitor-maps" ]; then
			# the box's pid may be its namespace's: find the process
			# that works in $dir and has the program mapped
			for p in /proc/[0-9]*; do
				[ "$(readlink "$p/cwd" 2>/dev/null)" = "$dir" ] || continue
				grep -q "$rt" "$p/maps" 2>/dev/null || continue
				cp "$p/maps" "$dir/maps.tmp" 2>/dev/null &&
					mv "$dir/maps.tmp" "$dir/monitor-maps" && break
			done
		fi
		if [ -e "$dir/locked" ] && [ ! -e "$dir/lock-checked" ]; then
			"$rt" host-lockable "$W/canary/file" && : >"$dir/lock-free" 
			: >"$dir/lock-checked"
		fi
		[ -e "$dir/done" ] && return
		sleep 0.1
	done
}

# MODE CLASS WANT-STATUS [POLICY-FILE] -- ARGS: one class under dunebox
run_class() {
	mode=$1 class=$2 want=$3 policy=$4
	shift 5
	# shellcheck disable=SC2254 # a glob on purpose
	case $class in ${REDTEAM_ONLY:-*}) ;; *) return ;; esac
	work=$W/rw/$class.$mode
	mkdir -p "$work"
	watcher "$work" &
	wpid=$!
	flags=
	[ "$mode" = inner-only ] && flags=--inner-only
	# an audit makes every call pass the monitor; *-fast classes run
	# without one, so libdune answers what it may from ring 0
	case $class in *-fast) ;; *) flags="$flags --audit $work/audit" ;; esac
	(cd "$work" && REDTEAM_W=$W REDTEAM_ID=$id REDTEAM_MODE=$mode timeout -k 5 "$limit" \
		"$box" $flags --policy "$policy" -- "$@") \
		>"$work/out" 2>"$work/err" </dev/null
	status=$?
	: >"$work/done"
	wait "$wpid" 2>/dev/null
	grep '^attempt' "$work/out" | while IFS="$(printf '\t')" read -r _ name expected outcome detail; do
		[ "$outcome" = contained ] && r=ok || r=bad
		result "$mode" "$name" "$expected" $r "$detail"
	done
	[ "$status" = "$want" ] && r=ok || r=bad
	case $want in
	0) what="ends normally (0)" ;;
	139) what="killed by SIGSEGV, reported" ;;
	*) what="exit status $want" ;;
	esac
	result "$mode" "$class" "$what" $r "status $status: $(tail -3 "$work/err" | tr '\n' ' ')"
}

# The terminal class: dunebox under a pty the harness holds, whose input
# queue must stay empty.
run_terminal() {
	mode=$1
	work=$W/rw/terminal.$mode
	mkdir -p "$work"
	flags=
	[ "$mode" = inner-only ] && flags=--inner-only
	(cd "$work" && REDTEAM_W=$W REDTEAM_MODE=$mode timeout -k 5 "$limit" "$rt" host-pty "$box" $flags \
		--policy "$2" -- "$rt" terminal) >"$work/out" 2>"$work/err"
	status=$?
	grep '^attempt' "$work/out" | while IFS="$(printf '\t')" read -r _ name expected outcome detail; do
		[ "$outcome" = contained ] && r=ok || r=bad
		result "$mode" "$name" "$expected" $r "$detail"
	done
	[ "$status" = 0 ] && r=ok || r=bad
	result "$mode" terminal "ends normally (0)" $r "status $status: $(tail -3 "$work/err" | tr '\n' ' ')"
}

one_mode() {
	m=$1 P=$W/box.policy
	run_class "$m" memory 0 "$P" -- "$rt" memory
	run_class "$m" monitor-calls 0 "$P" -- "$rt" monitor calls
	run_class "$m" monitor-calls-fast 0 "$P" -- "$rt" monitor calls
	for how in write read jump page-tables; do
		run_class "$m" "monitor-$how" 139 "$P" -- "$rt" monitor "$how"
	done
	host_checks "$m" memory
	run_class "$m" paths 0 "$P" -- "$rt" paths
	[ -e "$W/rw/paths.$m/lock-free" ] || [ ! -d "$W/rw/paths.$m" ] && r=ok || r=bad
	result "$m" host-lock-free "a lock the box took on a read-only file is not the host's" $r \
		"the host could not lock the canary"
	[ ! -e /tmp/host-tmp-canary ] && r=ok || r=bad
	result "$m" host-tmp-untouched "nothing made in the host's /tmp through /proc/1/root" $r \
		"/tmp/host-tmp-canary exists"
	host_checks "$m" paths
	run_class "$m" power 0 "$P" -- "$rt" power
	host_checks "$m" power
	run_terminal "$m" "$P"
	run_class "$m" processes 0 "$P" -- "$rt" processes "$outside"
	host_checks "$m" processes
	run_class "$m" shared 0 "$P" -- "$rt" shared "$host_shm" "$host_key"
	host_checks "$m" shared
	run_class "$m" robust 0 "$P" -- "$rt" robust
	host_checks "$m" robust
	# the policy's items, each with a policy of its own
	for item in deny default-deny net-none net-unix fs tmp-private tmp-shared audit; do
		pol=$W/policy-$item
		case $item in
		deny) sed 's/^log denied/deny uname\ndeny sysinfo errno=ENOSYS\nlog denied/' "$P" >"$pol" ;;
		default-deny) printf 'default deny\nallow execve brk arch_prctl set_tid_address mmap munmap mprotect exit_group write read rt_sigprocmask rt_sigaction writev ioctl exit getpid\nfs ro /\n' >"$pol" ;;
		net-none) sed 's/^net unix/net none/' "$P" >"$pol" ;;
		tmp-shared) sed 's/^tmp private/tmp shared/' "$P" >"$pol" ;;
		audit) sed 's/^log denied/log all/' "$P" >"$pol" ;;
		*) cp "$P" "$pol" ;;
		esac
		run_class "$m" "policy-$item" 0 "$pol" -- "$rt" policy "$item"
	done
	grep -q '"ptrace"' "$W/rw/policy-audit.$m/audit" || [ ! -d "$W/rw/policy-audit.$m" ] && r=ok || r=bad
	result "$m" policy-log-all "every call in the audit" $r "no ptrace line in the audit"
	host_checks "$m" policy
	# dunebox under a few GB of address space, and its supervisor stopped
	(ulimit -v 3000000 && cd "$W/rw" && timeout -k 5 "$limit" "$box" $([ "$m" = inner-only ] && echo --inner-only) \
		--policy "$P" -- "$rt" robust) >/dev/null 2>&1 && r=ok || r=bad
	result "$m" starts-under-ulimit-v-3G "runs" $r "did not start"
	(cd "$W/rw" && exec "$box" $([ "$m" = inner-only ] && echo --inner-only) --policy "$P" -- \
		/bin/sh -c 'sleep 987654 & sleep 987654; :') >/dev/null 2>&1 &
	sup=$!
	sleep 3
	kill -TERM "$sup" 2>/dev/null
	wait "$sup" 2>/dev/null
	sleep 1
	host_checks "$m" supervisor-sigterm
}

modes=default
"$box" --help 2>&1 | grep -q -- --inner-only && modes="default inner-only"
modes=${REDTEAM_MODES:-$modes} # the machines: the monitor alone, for time
[ -e /dev/kvm ] || [ -e /dev/dune ] || { echo "ok - redteam # SKIP no /dev/kvm or /dev/dune"; exit 0; }
for m in $modes; do
	one_mode "$m"
done

{
	echo "red-team table ($(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), modes: $modes)"
	printf '| %s | %s | %s | %s |\n' mode attempt expected result
	printf '|---|---|---|---|\n'
	awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$rows"
	echo "$(grep -c "	contained$" "$rows") contained, $(grep -c "	ESCAPED" "$rows") escaped"
} | tee "${REDTEAM_TABLE:-/dev/null}"
! grep -q "	ESCAPED" "$rows"
