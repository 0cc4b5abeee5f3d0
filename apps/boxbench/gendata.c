/*
 * gendata - writes BYTES of deterministic text-like data to stdout, so
 * every run compresses the same input. Usage: gendata BYTES.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[] = {
	"sandbox", "monitor", "page", "fault", "guest", "host", "kernel",
	"syscall", "ring", "table", "vcpu", "memory", "slot", "trap", "exit",
	"the", "a", "of", "to", "and", "in", "is", "for", "on", "with",
	"0", "1", "42", "4096", "0xffff", "error", "ok", "read", "write",
};

int main(int argc, char **argv)
{
	long long want = argc > 1 ? atoll(argv[1]) : 20 << 20, done = 0;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	char line[256];
	size_t nw = sizeof(words) / sizeof(words[0]);

	while (done < want) {
		size_t len = 0;
		/* xorshift64: fixed seed, same bytes on every machine */
		while (len < 40) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			const char *w = words[x % nw];
			size_t l = strlen(w);
			memcpy(line + len, w, l);
			len += l;
			line[len++] = (x >> 32) % 11 ? ' ' : ',';
		}
		/* random numbers in every line keep gzip -9 near 1 s per 20 MB */
		len += sprintf(line + len, "%llu %llx", (unsigned long long)(x >> 24), (unsigned long long)(x * 0x2545f4914f6cdd1dull >> 16));
		line[len++] = '\n';
		if (done + (long long)len > want)
			len = want - done;
		if (fwrite(line, 1, len, stdout) != len) {
			perror("gendata: write");
			return 1;
		}
		done += len;
	}
	return 0;
}
