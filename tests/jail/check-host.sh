#!/bin/sh
# check-host.sh DUNEBOX JAILBREAK LIST: the attempts of LIST (attempts.sh) as
# root, then rootless, as a throwaway user made for the run (removed after),
# with /dev/kvm opened to that user's group for the time of the run (its
# mode and group are put back). Ends with one summary line over both.
here=$(dirname "$0")
box=$(realpath "$1") jb=$(realpath "$2") list=$(realpath "$3")
total_pass=0 total_fail=0
tally() { # the summary line of a attempts.sh output file
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1)
	total_pass=$((total_pass + ${line%% passed*}))
	f=${line#*passed, }
	total_fail=$((total_fail + ${f%% failed*}))
	[ -n "$line" ] || total_fail=$((total_fail + 1))
}
out=$(mktemp)
# the flags that ask for less: one warning line, or one line naming the error
flag() { # NAME STATUS REGEX LINES -- DUNEBOX ARGS: status, stderr and its line count
	name=$1 want=$2 regex=$3 lines=$4; shift 5
	err=$(cd /var/tmp && "$box" "$@" 2>&1 >/dev/null); got=$?
	n=$(printf '%s\n' "$err" | grep -c .)
	if [ "$got" = "$want" ] && [ "$n" = "$lines" ] &&
		{ [ "$lines" = 0 ] || printf '%s' "$err" | grep -Eq "$regex"; }; then
		echo "PASS flag $name"; total_pass=$((total_pass + 1))
	else
		echo "FAIL flag $name: status $got (want $want), $n lines: $err"; total_fail=$((total_fail + 1))
	fi
}
echo "--- flags"
flag inner-only 0 'warning: --inner-only' 1 -- --inner-only -- /bin/true
flag without-unknown 2 'the layers are namespaces, landlock and seccomp' 1 -- --without landlocks -- /bin/true
flag without-all 0 - 0 -- --without namespaces,landlock,seccomp -- /bin/true
flag trace-line 0 'outer layer: .*seccomp' 1 -- --trace --jail-native -- /bin/true
echo "--- as root"
sh "$here/attempts.sh" "$box" "$jb" "$list" | tee "$out"
tally "$out"

user=dunebox-jail-test
if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null && command -v setpriv >/dev/null; then
	echo "--- rootless, as $user"
	made=""
	id -u "$user" >/dev/null 2>&1 || { useradd -M -r -s /bin/sh "$user" && made=y; }
	kvm_mode=$(stat -c %a /dev/kvm 2>/dev/null) kvm_group=$(stat -c %g /dev/kvm 2>/dev/null)
	restore() {
		[ -n "$kvm_mode" ] && chgrp "$kvm_group" /dev/kvm && chmod "$kvm_mode" /dev/kvm
		[ -n "$made" ] && userdel "$user" 2>/dev/null
	}
	trap restore EXIT
	[ -n "$kvm_mode" ] && chgrp "$user" /dev/kvm && chmod g+rw /dev/kvm
	JAIL_USER=$user sh "$here/attempts.sh" "$box" "$jb" "$list" | tee "$out"
	tally "$out"
else
	echo "--- rootless: skipped (needs root, useradd and setpriv to make a user)"
fi
rm -f "$out"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
