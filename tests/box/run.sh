#!/bin/sh
# run.sh DUNEBOX ESCAPE LIST: the dunebox tests (box-tests.list), one TAP
# line each ("ok - NAME", "not ok - NAME", "ok - NAME # SKIP why", as
# tools/run-tests reads them) and a summary line; exit status 1 if any
# failed. TEST_CASE=GLOB runs only the tests it names. Plain POSIX sh: it
# also runs under busybox in the emulated machines.
set -u
box=$(realpath "$1") escape=$(realpath "$2") list=$(realpath "$3")
conform=$(dirname "$escape")/conform # the loops of tests/conformance, beside escape
pass=0 fail=0 skip=0
limit=${BOX_TEST_TIMEOUT:-120}
tmp=${BOX_TEST_DIR:-/var/tmp}
mkdir -p "$tmp"

run_box() { # dir, then the command (same-inner: the monitor alone)
	dir=$1; shift
	inner=
	[ "$kind" = same-inner ] && inner=--inner-only
	(cd "$dir" && timeout -k 5 "$limit" "$box" $inner --rw "$dir" -- "$@")
}

# inputs some tests name, made once
in=$(mktemp -d "$tmp/boxtest-in.XXXXXX")
# a tree under the host's /tmp (a clone there): the box's private /tmp
# hides it, so the test programs run from a copy (program-in-tmp below
# keeps one in /tmp on purpose)
case "$escape" in
/tmp/*)
	mkdir "$in/progs"
	for prog in escape conform origin liborigin.so; do
		cp -p "$(dirname "$escape")/$prog" "$in/progs/" 2>/dev/null
	done
	escape=$in/progs/escape conform=$in/progs/conform
	;;
esac
# a program under the host's /tmp, which a private /tmp hides from the box
intmp=$(mktemp -d /tmp/boxtest-prog.XXXXXX)
cp "$escape" "$intmp/escape"
trap 'rm -rf "$in" "$intmp"' EXIT
printf '\177ELF\002\001\001\000\000' >"$in/bad-elf" # ELF magic, then nothing
chmod 755 "$in/bad-elf"
printf 'default allow\nfrobnicate everything\n' >"$in/bad.policy" # line 2: unknown
# calls of the fast path's set, denied: they must not be served anyway
printf 'default allow\nfs ro /\ndeny getppid lseek errno=EPERM\n' >"$in/deny-fast.policy"
# a dynamic program whose interpreter is not there
for dyn in /usr/bin/true /bin/true "$(command -v sqlite3)" "$(command -v python3)"; do
	# PT_INTERP sits right after the headers (a static busybox may name
	# ld-linux somewhere deep inside)
	[ -f "$dyn" ] && head -c 1024 "$dyn" | grep -q ld-linux-x86-64.so.2 || continue
	sed 's|ld-linux-x86-64.so.2|ld-linux-x86-64.so.9|' "$dyn" >"$in/no-interp"
	chmod 755 "$in/no-interp"
	break
done

# the $ORIGIN program, run through a symlink in another directory
ln -s "$(dirname "$escape")/origin" "$in/origin-link" 2>/dev/null

# no virtual machine here: every test is skipped, none fails
novm=
[ -e /dev/kvm ] || [ -e /dev/dune ] || novm="neither /dev/kvm nor /dev/dune on this machine"

while read -r kind name rest; do
	case "$kind" in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2254 # a glob on purpose
	case "$name" in ${TEST_CASE:-*}) ;; *) continue ;; esac
	if [ -n "$novm" ]; then
		echo "ok - $name # SKIP $novm"; skip=$((skip + 1))
		continue
	fi
	work=$(mktemp -d "$tmp/boxtest.XXXXXX")
	cmd=$(printf '%s\n' "${rest#*-- }" | sed -e "s|\\\$ESCAPE|$escape|g" -e "s|\\\$LIST|$list|g" \
		-e "s|\\\$BADELF|$in/bad-elf|g" -e "s|\\\$BADPOLICY|$in/bad.policy|g" \
		-e "s|\\\$DENYFAST|$in/deny-fast.policy|g" \
		-e "s|\\\$NOINTERP|$in/no-interp|g" -e "s|\\\$CONFORM|$conform|g" \
		-e "s|\\\$ORIGINLINK|$in/origin-link|g" -e "s|\\\$TMPPROG|$intmp/escape|g")
	eval "set -- $cmd"
	if { [ "$kind" = same ] || [ "$kind" = same-inner ]; } && ! command -v "$1" >/dev/null 2>&1; then
		echo "ok - $name # SKIP $1 is not installed here"; skip=$((skip + 1))
		rm -rf "$work"
		continue
	fi
	if [ "$kind" = expect ] || [ "$kind" = options ] || [ "$kind" = quiet ]; then
		want=${rest%% *}
		regex=${rest#* }; regex=${regex%% *}
		if [ "$kind" = expect ]; then
			run_box "$work" "$@" >"$work/.out" 2>"$work/.err"
		else
			(cd "$work" && timeout -k 5 "$limit" "$box" "$@") >"$work/.out" 2>"$work/.err"
		fi
		got=$?
		if [ "$kind" = quiet ]; then
			grep -Eq -- "$regex" "$work/.out" && [ ! -s "$work/.err" ] && ok=1 || ok=0
		else
			grep -Eq -- "$regex" "$work/.err" "$work/.out" && ok=1 || ok=0
		fi
		if [ "$got" = "$want" ] && [ "$ok" = 1 ]; then
			echo "ok - $name"; pass=$((pass + 1))
		else
			echo "not ok - $name"
			echo "    status $got (want $want), output:"
			sed 's/^/    | /' "$work/.out" "$work/.err" | head -20
			fail=$((fail + 1))
		fi
	else
		nat=$(mktemp -d "$tmp/boxtest.XXXXXX")
		(cd "$nat" && timeout -k 5 "$limit" "$@") >"$nat/.out" 2>/dev/null
		want=$?
		run_box "$work" "$@" >"$work/.out" 2>"$work/.err"
		got=$?
		if [ "$got" = "$want" ] && cmp -s "$nat/.out" "$work/.out"; then
			echo "ok - $name"; pass=$((pass + 1))
		else
			echo "not ok - $name"
			echo "    status $got (natively $want)"
			diff "$nat/.out" "$work/.out" | head -10 | sed 's/^/    | /'
			sed 's/^/    | stderr: /' "$work/.err" | head -10
			fail=$((fail + 1))
		fi
		rm -rf "$nat"
	fi
	rm -rf "$work"
done <"$list"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
