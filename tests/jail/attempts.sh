#!/bin/sh
# attempts.sh DUNEBOX JAILBREAK LIST: attempts on dunebox's outer layer
# (jail-tests.list), each run by DUNEBOX, the test build, with
# --jail-native (the jail alone, no monitor) or, for lines marked
# "monitor", as a normal dunebox run. Before each attempt the host gets its
# targets (a canary file, a victim process, listeners on TCP, on an
# abstract and on a pathname unix socket, a SysV segment); afterwards every
# one must be untouched. Prints a table (attempt, expected, result) and a
# summary line; exit status 1 if any attempt did not go as expected.
# JAIL_USER=NAME runs the boxes as that user (rootless; attempts.sh as root).
# Plain POSIX sh: it also runs under busybox in the emulated machines.
set -u
box=$(realpath "$1") jb=$(realpath "$2") list=$(realpath "$3")
user=${JAIL_USER:-}
limit=${BOX_TEST_TIMEOUT:-120}
base=${BOX_TEST_DIR:-/var/tmp}
pass=0 fail=0
mkdir -p "$base"
killed=159 # 128 + SIGSYS

t=$(mktemp -d "$base/jailtest.XXXXXX")
chmod 755 "$t"
host=$t/host                     # the canary's directory: read-only to the box
mkdir -p "$host"
canary=$host/canary
echo "canary $$ $(date +%s)" >"$canary"
cp "$canary" "$t/canary.orig"
port=$((20000 + $$ % 20000))
abstract="dunebox-jail-$$"
hostkey=$((0x4a410000 + $$ % 65536))
boxkey=$((0x4a420000 + $$ % 65536))
bgpids=""
as_user() { # becomes the command, as the box's user: call it in ( ) or with &
	if [ -n "$user" ]; then
		exec setpriv --reuid="$user" --regid="$user" --clear-groups "$@"
	else
		exec "$@"
	fi
}
[ -n "$user" ] && chown -R "$user" "$t"
as_user "$jb" serve-tcp "$port" "$t/tcp.log" & bgpids="$bgpids $!"
as_user "$jb" serve-abstract "$abstract" "$t/abstract.log" & bgpids="$bgpids $!"
as_user "$jb" serve-unix "$host/sock" "$t/unix.log" & bgpids="$bgpids $!"
sleep 300 & victim=$!
bgpids="$bgpids $victim"
(as_user "$jb" shm-make "$hostkey") || echo "note: no SysV shared memory here"
: >"$t/tcp.log"; : >"$t/abstract.log"; : >"$t/unix.log"
sleep 1 # the listeners are up
ls -A "$host" >"$t/host.ls"
allowall=$t/allow-all.policy     # a policy that denies no call by name
printf 'default allow\nfs ro /\nnet unix\n' >"$allowall"

cleanup() {
	for p in $bgpids; do kill "$p" 2>/dev/null; done
	pkill -f 'sleep 317' 2>/dev/null
	shmid=$(awk -v k="$hostkey" '$1 == k {print $2}' /proc/sysvipc/shm 2>/dev/null)
	[ -n "$shmid" ] && ipcrm -m "$shmid" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT

# what must hold after every attempt; prints what broke
host_untouched() {
	cmp -s "$canary" "$t/canary.orig" || echo "the canary changed"
	ls -A "$host" | cmp -s - "$t/host.ls" || echo "the canary's directory changed"
	kill -0 "$victim" 2>/dev/null || echo "the victim process is gone"
	for l in tcp abstract unix; do
		[ -s "$t/$l.log" ] && echo "the $l listener was reached" && : >"$t/$l.log"
	done
	if [ -e /proc/sysvipc/shm ]; then
		(as_user "$jb" shm-check "$hostkey") || echo "the host's SysV segment changed"
		awk -v k="$boxkey" '$1 == k {found=1} END {exit !found}' /proc/sysvipc/shm &&
			echo "a SysV segment of the box outlived it"
	fi
	sleep 0.2 2>/dev/null || sleep 1
	pgrep -f 'sleep 317' >/dev/null 2>&1 && echo "a process of the box outlived it" &&
		pkill -f 'sleep 317'
	[ -e /tmp/stolen ] && echo "/tmp/stolen on the host" && rm -f /tmp/stolen
	return 0
}

# what the jail is made of here (the --trace line)
(cd "$t" && as_user "$box" --jail-native --trace -- "$jb" privileges </dev/null 2>&1) |
	grep 'outer layer:' | sed 's/^dunebox: //'
printf '%-22s %-10s %s\n' attempt expected result
n=0
while read -r name want io opts rest; do
	case "$name" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	work=$t/work.$n
	mkdir -p "$work"
	[ -n "$user" ] && chown "$user" "$work"
	cmd=$(printf '%s\n' "${rest#-- }" | sed -e "s|\\\$CANARY|$canary|g" -e "s|\\\$HOSTDIR|$host|g" \
		-e "s|\\\$VICTIM|$victim|g" -e "s|\\\$PORT|$port|g" -e "s|\\\$ABSTRACT|$abstract|g" \
		-e "s|\\\$SOCK|$host/sock|g" -e "s|\\\$HOSTKEY|$hostkey|g" -e "s|\\\$BOXKEY|$boxkey|g")
	mode=--jail-native
	case "$opts" in monitor*) mode=""; opts=${opts#monitor} ;; esac
	opts=$(printf '%s' "${opts#,}" | tr ',' ' ' | sed -e 's/^-$//' -e "s|\\\$ALLOWALL|$allowall|g")
	# shellcheck disable=SC2086
	set -- $mode --rw "$work" $opts -- "$jb" $cmd
	case "$io" in
	stdin=canary) (cd "$work" && as_user timeout -k 5 "$limit" "$box" "$@" <"$canary") >"$work/.out" 2>&1 ;;
	stdin=dir) (cd "$work" && as_user timeout -k 5 "$limit" "$box" "$@" <"$host") >"$work/.out" 2>&1 ;;
	fd3=dir) (cd "$work" && as_user timeout -k 5 "$limit" "$box" "$@" 3<"$host" </dev/null) >"$work/.out" 2>&1 ;;
	*) (cd "$work" && as_user timeout -k 5 "$limit" "$box" "$@" </dev/null) >"$work/.out" 2>&1 ;;
	esac
	got=$?
	case "$want" in
	contained) ok=$([ "$got" = 0 ] && grep -q '^contained' "$work/.out" && ! grep -q 'ESCAPED\|BROKEN' "$work/.out" && echo y) ;;
	killed) ok=$([ "$got" = "$killed" ] && ! grep -q ESCAPED "$work/.out" && echo y) ;;
	refused) ok=$([ "$got" = 125 ] && grep -q 'dunebox:' "$work/.out" && echo y) ;;
	*) ok="" ;;
	esac
	broke=$(host_untouched)
	result="status $got"
	[ "$got" = "$killed" ] && result="killed (SIGSYS)"
	[ "$got" = 0 ] && result="contained"
	[ "$got" = 125 ] && result="refused to start"
	if [ "$ok" = y ] && [ -z "$broke" ]; then
		printf '%-22s %-10s %s, host untouched\n' "$name" "$want" "$result"
		pass=$((pass + 1))
	else
		printf '%-22s %-10s FAIL: %s%s\n' "$name" "$want" "$result" "${broke:+; $broke}"
		sed 's/^/    | /' "$work/.out" | head -30
		fail=$((fail + 1))
	fi
	rm -rf "$work"
done <"$list"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
