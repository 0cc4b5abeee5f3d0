#!/bin/sh
# user-mode-fails.sh DUNEBOX: a dunebox whose dune_jump_to_user fails
# (no_user_mode.c) must say so and exit 125, not report a crash of the
# program. 77 (SKIP) without /dev/kvm or /dev/dune.
[ -e /dev/kvm ] || [ -e /dev/dune ] || { echo "neither /dev/kvm nor /dev/dune here"; exit 77; }
err=$(timeout 60 "$1" -- /bin/true 2>&1)
rc=$?
printf '%s\n' "$err"
[ $rc -eq 125 ] && printf '%s\n' "$err" | grep -q 'cannot run /bin/true in user mode'
