#!/bin/bash
# test-check-modules.sh TOOL: tools/check-modules must catch a cycle, a
# declaration outside its module and a cycle hidden behind -M groups, and
# pass a clean tree. One TAP line per case (tools/run-tests), then the
# summary. TEST_CASE=GLOB runs only the cases it names.
tool=${1:-tools/check-modules}
pass=0 fail=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

expect() { # NAME WANT(0|1) PATTERN ARGS...
	local name=$1 want=$2 pattern=$3
	shift 3
	# shellcheck disable=SC2254 # a glob on purpose
	case $name in ${TEST_CASE:-*}) ;; *) return ;; esac
	out=$("$tool" "$@" 2>&1)
	rc=$?
	if [ $rc -eq $want ] && printf '%s\n' "$out" | grep -q -- "$pattern"; then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		echo "not ok - $name"
		echo "    exit $rc, wanted $want and /$pattern/:"
		printf '%s\n' "$out" | sed 's/^/    | /'
		fail=$((fail + 1))
	fi
}

mk() { mkdir -p "$(dirname "$dir/$1")"; cat > "$dir/$1"; }

# a clean tree: b below a, c below both (through a folder on -I)
mk clean/a.h <<<'#include "b.h"
int a(void);'
mk clean/a.c <<<'#include "a.h"
#include "sub/c.h"
int a(void) { return b() + c(); }'
mk clean/b.h <<<'#include "sub/c.h"
int b(void);'
mk clean/b.c <<<'#include "b.h"
int b(void) { return c(); }'
mk clean/sub/c.h <<<'int c(void);'
mk clean/sub/c.c <<<'#include "sub/c.h"
int c(void) { return 1; }'
expect clean-tree 0 'no include cycles among 3 modules' -I "$dir/clean" "$dir/clean"

# c calls back up into a (which includes c directly and through b)
cp -r "$dir/clean" "$dir/cycle"
mk cycle/sub/c.c <<<'#include "sub/c.h"
#include "a.h"
int c(void) { return a(); }'
expect three-module-cycle 1 'include cycle: .*/a -> .*/sub/c -> .*/a (.*c.c:2 includes "a.h")' \
	-I "$dir/cycle" "$dir/cycle"
# the same cycle through a header including a header
cp -r "$dir/clean" "$dir/hcycle"
mk hcycle/sub/c.h <<<'#include "a.h"
int c(void);'
expect cycle-through-headers 1 'include cycle:' -I "$dir/hcycle" "$dir/hcycle"

# one header declaring another module's function hides the cycle above
mk hub/hub.h <<<'int x(void);
int y(void);
extern int shared;'
mk hub/x.c <<<'#include "hub.h"
int shared;
int x(void) { return y(); }'
mk hub/y.c <<<'#include "hub.h"
int y(void) { return x() + shared; }'
expect hub-header 1 'hub.h declares the function x, defined in .*/hub/x' "$dir/hub"
expect hub-header-variable 1 'hub.h declares the variable shared, defined in .*/hub/x' "$dir/hub"
# ... unless it is a public header named with -P
expect public-header 0 'no include cycles' -P "$dir/hub/hub.h" "$dir/hub"

# a library folder (-M) is one module: its inside may loop, its outside not
mk lib/l/p.h <<<'#include "q.h"
int p(void);'
mk lib/l/q.h <<<'#include "p.h"
int q(void);'
mk lib/m.c <<<'#include "l/p.h"
int m(void) { return p(); }'
expect group-inside 0 'no include cycles' -M "$dir/lib/l" -I "$dir/lib" "$dir/lib"
mk lib/l/r.c <<<'#include "../m.h"
int r(void) { return m(); }'
mk lib/m.h <<<'int m(void);'
expect group-outside 1 'include cycle:' -M "$dir/lib/l" -I "$dir/lib" "$dir/lib"

# the project's own tree
expect libdune 0 'no include cycles' -I libdune -I libdune/include -P libdune/include/dune.h \
	-P libdune/include/libdune/dune_elf.h -P libdune/include/libdune/local.h \
	-P libdune/include/dune_sigframe.h libdune
expect runtime 0 'no include cycles' -I runtime -I libdune/include -M runtime/loader \
	-M runtime/policy -M runtime/sysargs -M runtime/jail runtime
expect libsthread 0 'no include cycles' -I apps/privsep/lib -I apps/privsep/include \
	-I libdune/include -I runtime -P apps/privsep/include/sthread.h apps/privsep/lib

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
