#!/bin/sh
# run.sh - privilege separation's numbers in one run: the floors (raw
# /dev/kvm) before and after, st_bench (sthreads and gates beside threads,
# fork and pipes), then the demo server under wrk in three builds: httpd
# (an sthread per connection), httpd-plain (a thread per connection, no
# libdune: native) and httpd-plain --fork (a process per connection),
# each with keep-alive connections and with a new connection per request.
# Times are this host's today: the table gives them in floor units too.
#
#   run.sh BUILD_DIR [SECONDS]     (make bench-privsep)
set -eu
B=${1:?usage: run.sh BUILD_DIR [SECONDS]}
SECONDS_EACH=${2:-5}
FLOORS=${FLOORS:-$B/apps/floors}
for bin in "$FLOORS" "$B/apps/st_bench" "$B/apps/httpd" "$B/apps/httpd-plain"; do
	[ -x "$bin" ] || { echo "run.sh: $bin is missing: make $bin" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "run.sh: no wrk: apt-get install wrk (make bench installs it)" >&2; exit 2; }

work=$(mktemp -d /tmp/privsep-bench.XXXXXX)
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# a 1 KiB page, and a key
mkdir "$work/www"
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/index.html"
head -c 32 /dev/urandom > "$work/seed"

echo "privsep bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$FLOORS" --tsv > "$work/floors1"
"$B/apps/st_bench" > "$work/st"
"$FLOORS" --tsv > "$work/floors2"

# one server at a time on its own port; wrk's requests/s and latency
serve() { # name, binary, extra flags
	name=$1
	shift
	"$@" --root "$work/www" --key "$work/seed" --port 0 --threads 2 --timeout 5 \
		> "$work/out.$name" 2>&1 &
	server=$!
	port=
	for _ in $(seq 50); do
		port=$(sed -n 's/^httpd: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/out.$name")
		[ -n "$port" ] && break
		sleep 0.2
	done
	[ -n "$port" ] || { echo "run.sh: $name did not start:" >&2; cat "$work/out.$name" >&2; exit 1; }
	for mode in keepalive close; do
		hdr=
		[ $mode = close ] && hdr="Connection: close"
		wrk -t1 -c2 -d"${SECONDS_EACH}s" --latency ${hdr:+-H "$hdr"} \
			"http://127.0.0.1:$port/index.html" > "$work/wrk.$name.$mode" 2>&1 || true
		awk -v n="$name" -v m="$mode" '
			/Requests\/sec:/ { rps = $2 }
			/^ +50%/ { p50 = $2 }
			/^ +99%/ { p99 = $2 }
			/Non-2xx|Socket errors/ { err = err " " $0 }
			END { printf "%s\t%s\t%s\t%s\t%s\t%s\n", n, m, rps, p50, p99, err }' \
			"$work/wrk.$name.$mode" >> "$work/servers"
	done
	kill "$server"
	wait "$server" 2>/dev/null || true
	server=
}
: > "$work/servers"
serve sthreads "$B/apps/httpd"
serve threads "$B/apps/httpd-plain"
serve fork "$B/apps/httpd-plain" --fork

# the tables: floors (mean of before and after), then the rows in floor units
awk -v st="$work/st" -v srv="$work/servers" '
	function us(ns) { return sprintf(ns >= 1e6 ? "%.2f ms" : ns >= 1000 ? "%.1f us" : "%.0f ns", ns >= 1e6 ? ns / 1e6 : ns >= 1000 ? ns / 1000 : ns) }
	FNR == NR { f1[$1] = $2; next }
	{ f2[$1] = $2 }
	END {
		print "\nfloors (raw /dev/kvm; mean of before and after, spread):"
		for (k in f1) { fl[k] = (f1[k] + f2[k]) / 2 }
		n = split("syscall3 trap3 cr3 cpuid", keys, " ")
		for (i = 1; i <= n; i++) {
			k = keys[i]; a = f1[k]; b = f2[k]
			printf "  %-10s %10s  (%s / %s)\n", k, us(fl[k]), us(a), us(b)
		}
		while ((getline line < st) > 0) { split(line, p, "\t"); t[p[1]] = p[2] }
		print "\nst_bench (ns per operation; x floor = / syscall3):"
		n = split("pthread_create_join fork_wait sthread_create_join sthread_first pipe_round_trip cgate_round_trip cgate_from_program getpid_native getpid_sthread", rows, " ")
		for (i = 1; i <= n; i++) {
			r = rows[i]
			printf "  %-22s %12s  %8.2f x syscall3\n", r, us(t[r]), t[r] / fl["syscall3"]
		}
		printf "  sthread / fork: %.2f   sthread / pthread: %.1f   cgate / pipe: %.1f   getpid sthread / native: %.0f\n",
			t["sthread_create_join"] / t["fork_wait"], t["sthread_create_join"] / t["pthread_create_join"],
			t["cgate_round_trip"] / t["pipe_round_trip"], t["getpid_sthread"] / t["getpid_native"]
		print "\nhttpd under wrk (1 thread, 2 connections, 1 KiB page; server --threads 2):"
		printf "  %-9s %-10s %12s %10s %10s\n", "server", "conns", "requests/s", "p50", "p99"
		while ((getline line < srv) > 0) {
			split(line, p, "\t")
			printf "  %-9s %-10s %12s %10s %10s %s\n", p[1], p[2], p[3], p[4], p[5], p[6]
			rps[p[1] "." p[2]] = p[3]
		}
		for (m = 0; m < 2; m++) {
			mode = m ? "close" : "keepalive"
			if (rps["sthreads." mode] > 0)
				printf "  %s: threads / sthreads %.1fx, fork / sthreads %.1fx\n", mode,
					rps["threads." mode] / rps["sthreads." mode], rps["fork." mode] / rps["sthreads." mode]
		}
	}' "$work/floors1" "$work/floors2"
