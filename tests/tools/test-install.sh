#!/bin/sh
# `make install` gives what Dune's programs build with: the header, Dune's
# sub-headers where their include lines look (libdune/...), a libdune.pc
# whose `--cflags --libs --static` is all a program needs. Installs into a
# temporary prefix, builds tests/install/dune_style.c with only that, static
# and dynamic as Dune's Makefiles do, and runs both (in dune mode).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s -C "$top" install PREFIX="$tmp/prefix" >/dev/null
for h in dune.h libdune/dune.h libdune/cpu-x86.h libdune/mmu.h libdune/mmu-x86.h \
	 libdune/fpu.h libdune/dune_elf.h libdune/local.h libdune/types.h; do
	test -f "$tmp/prefix/include/$h" || { echo "FAIL: $h not installed"; exit 1; }
done
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs --static libdune)
cd "$tmp"
cc -O2 -Wall -Werror -static "$top/tests/install/dune_style.c" -o dune_style_static $flags
cc -O2 -Wall -Werror "$top/tests/install/dune_style.c" -o dune_style $flags
./dune_style_static
./dune_style
echo "PASS install: Dune-style program built with pkg-config only ($flags)"
