/* The demo server, as its clients (and attackers) see it: httpd (an
 * sthread per connection) and httpd-plain (the same code on plain
 * threads), each started here on a fresh port with a fresh key.
 *  - GET works, keep-alive too, and every 200 carries an Ed25519 signature
 *    of its body that verifies with the server's public key;
 *  - the Heartbleed-like request (GET /echo?off=N&len=M), aimed exactly at
 *    the key with the addresses the server prints: httpd-plain answers
 *    with the key; httpd's handler faults, the connection closes, and the
 *    server keeps serving; a blind sweep around the buffer finds nothing
 *    of the key either; aimed at another live connection's buffer (its
 *    session cookie), httpd refuses too;
 *  - bad input (garbage, huge headers, a long path, other methods, other
 *    versions, NUL bytes, "..", symlinks and absolute paths out of the
 *    root, files too big) gets a 4xx or a closed connection; slowloris
 *    clients (a request that never ends, a connection that never speaks,
 *    more of them than the server has threads) get 408 or are closed, and
 *    the server still answers; the server never crashes.
 * Usage: httpd_test [HTTPD HTTPD_PLAIN] (default: the build's). One TAP
 * line per scenario. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT 1        /* the server's --timeout */
#define THREADS 2
#define MAX_RESPONSE (256 * 1024)

struct server {
	pid_t pid;
	int port;
	uintptr_t key, buffers[THREADS];
	int nbuffers;
	uint8_t pk[32];
};

struct response {
	int status;          /* 0: no response (closed, or timed out) */
	size_t len;
	char *body;
	char sig[129];
	char data[MAX_RESPONSE];
};

static int tap_n, failures, case_failed;
static uint8_t seed[32];
static char root[128];
static struct response resp;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;
	if (ok)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "  failed: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	case_failed = 1;
}

static void tap(const char *name)
{
	printf("%s %d - %s\n", case_failed ? "not ok" : "ok", ++tap_n, name);
	fflush(stdout);
	failures += case_failed;
	case_failed = 0;
}

/* lo may be down in the emulated machines */
static void loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (s >= 0)
		close(s);
}

static void write_file(const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	int fd;
	if (snprintf(path, sizeof(path), "%s/%s", root, name) >= (int)sizeof(path))
		exit(2);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
}

static void make_root(void)
{
	static char big[70 * 1024];
	char path[PATH_MAX];

	/* root/www is the document root; the key's seed lies beside it */
	snprintf(root, sizeof(root), "/tmp/httpd_test_XXXXXX");
	if (!mkdtemp(root))
		exit(2);
	snprintf(path, sizeof(path), "%s/www", root);
	mkdir(path, 0755);
	write_file("www/index.html", "<html>privsep demo</html>\n", 26);
	write_file("www/a.txt", "a text file\n", 12);
	memset(big, 'b', sizeof(big));
	write_file("www/big.bin", big, 60 * 1024);
	write_file("www/too-big.bin", big, sizeof(big));
	randombytes_buf(seed, sizeof(seed));
	write_file("seed", seed, sizeof(seed));
	snprintf(path, sizeof(path), "%s/www/link", root);
	if (symlink("../seed", path))
		exit(2);
}

static void cleanup_root(void)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", root);
}

/* starts the server; reads its port and the addresses it prints */
static int start(struct server *s, const char *bin)
{
	char seed_path[PATH_MAX], threads[8], timeout[8], line[256];
	int out[2];
	FILE *f;

	memset(s, 0, sizeof(*s));
	if (snprintf(seed_path, sizeof(seed_path), "%s/seed", root) >= (int)sizeof(seed_path))
		return -1;
	snprintf(threads, sizeof(threads), "%d", THREADS);
	snprintf(timeout, sizeof(timeout), "%d", TIMEOUT);
	if (pipe(out))
		return -1;
	fflush(NULL);
	s->pid = fork();
	if (s->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		snprintf(root + strlen(root), 8, "/www");
		execl(bin, bin, "--root", root, "--key", seed_path, "--port", "0", "--threads",
		      threads, "--timeout", timeout, "--print-addresses", (char *)NULL);
		perror(bin);
		_exit(127);
	}
	close(out[1]);
	f = fdopen(out[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long a;
		char hex[65];
		if (sscanf(line, "httpd: listening on 127.0.0.1:%d", &s->port) == 1)
			continue;
		if (sscanf(line, "httpd: key at %lx", &a) == 1)
			s->key = a;
		else if (sscanf(line, "httpd: request buffer at %lx", &a) == 1 && s->nbuffers < THREADS)
			s->buffers[s->nbuffers++] = a;
		else if (sscanf(line, "httpd: public key %64s", hex) == 1)
			sodium_hex2bin(s->pk, 32, hex, 64, NULL, NULL, NULL);
		if (s->port && s->key && s->nbuffers == THREADS)
			break;
	}
	/* the server's later output goes nowhere; the pipe stays open */
	return s->port && s->key && s->nbuffers == THREADS ? 0 : -1;
}

static int alive(struct server *s)
{
	int status;
	return waitpid(s->pid, &status, WNOHANG) == 0;
}

static void stop(struct server *s)
{
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
}

static int connect_to(struct server *s, int timeout_s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_sec = timeout_s };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_text(int fd, const void *p, size_t n)
{
	return send(fd, p, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* one response off fd into resp (status 0 if none came) */
static void read_response(int fd)
{
	size_t got = 0, need = 0;
	char *hdr_end = NULL;

	memset(&resp, 0, offsetof(struct response, data));
	for (;;) {
		ssize_t r;
		if (hdr_end && got >= need)
			break;
		r = recv(fd, resp.data + got, sizeof(resp.data) - 1 - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
		resp.data[got] = 0;
		if (!hdr_end && (hdr_end = strstr(resp.data, "\r\n\r\n"))) {
			char *cl = strcasestr(resp.data, "Content-Length:");
			size_t head = (size_t)(hdr_end + 4 - resp.data);
			need = head + (cl && cl < hdr_end ? strtoul(cl + 15, NULL, 10) : 0);
			resp.body = hdr_end + 4;
		}
	}
	if (!hdr_end || sscanf(resp.data, "HTTP/1.1 %d", &resp.status) != 1) {
		resp.status = 0;
		return;
	}
	resp.len = got - (size_t)(resp.body - resp.data);
	{
		char *sig = strstr(resp.data, "X-Signature: ");
		if (sig && sig < hdr_end)
			memcpy(resp.sig, sig + 13, 128);
	}
}

static int request(struct server *s, const char *text, size_t len)
{
	int fd = connect_to(s, TIMEOUT + 4);
	if (fd < 0)
		return -1;
	send_text(fd, text, len);
	read_response(fd);
	close(fd);
	return resp.status;
}

static int get(struct server *s, const char *path)
{
	char req[512];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
			 path);
	return request(s, req, (size_t)n);
}

static int signature_ok(struct server *s)
{
	uint8_t sig[64];
	if (sodium_hex2bin(sig, sizeof(sig), resp.sig, 128, NULL, NULL, NULL))
		return 0;
	return crypto_sign_verify_detached(sig, (const uint8_t *)resp.body, resp.len, s->pk) == 0;
}

static int holds_key(const char *p, size_t len)
{
	for (size_t i = 0; i + 8 <= len; i++)
		if (!memcmp(p + i, seed, 8))
			return 1;
	return 0;
}

static void test_serving(struct server *s, const char *who)
{
	char name[64];
	int fd;

	check(get(s, "/") == 200, "GET / gave %d", resp.status);
	check(resp.len == 26 && !memcmp(resp.body, "<html>privsep demo</html>\n", 26), "GET / body");
	check(signature_ok(s), "the signature of / does not verify");
	check(get(s, "/big.bin") == 200 && resp.len == 60 * 1024 && signature_ok(s), "big.bin");
	/* keep-alive: two requests on one connection */
	fd = connect_to(s, TIMEOUT + 4);
	send_text(fd, "GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n", 32);
	read_response(fd);
	check(resp.status == 200 && resp.len == 12, "keep-alive first: %d", resp.status);
	send_text(fd, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 46);
	read_response(fd);
	check(resp.status == 200 && resp.len == 26 && signature_ok(s), "keep-alive second: %d",
	      resp.status);
	close(fd);
	snprintf(name, sizeof(name), "%s_serves_signed", who);
	tap(name);
}

/* GET /echo with the offset from each request buffer to the key */
static int exact_attack(struct server *s, int *answered, int *tries)
{
	int leaked = 0;
	*answered = 0;
	*tries = 0;
	for (int i = 0; i < s->nbuffers; i++) {
		char path[128];
		long off = (long)(s->key - s->buffers[i]);
		/* which thread (and so which buffer) takes a connection is
		 * not ours to choose: a few tries for each */
		for (int k = 0; k < 8 && !leaked; k++) {
			snprintf(path, sizeof(path), "/echo?off=%ld&len=64", off);
			(*tries)++;
			if (get(s, path) == 200) {
				(*answered)++;
				leaked |= holds_key(resp.body, resp.len);
			}
		}
	}
	return leaked;
}

static void test_attack_sthread(struct server *s)
{
	int answered, tries, leaked = exact_attack(s, &answered, &tries);

	check(!leaked, "the key came back from the sthread server");
	/* aimed from the right buffer the read faults; from the other thread's
	 * buffer the same offset may land in that sthread's own memory (its
	 * stack, say: the layout is the process's) and be answered, harmless */
	check(answered < tries, "every exact over-read was answered (%d)", answered);
	check(alive(s), "the server died");
	check(get(s, "/") == 200 && signature_ok(s), "no service after the attack");
	/* a blind sweep around the buffer: zeroes or a closed connection */
	for (long off = -256 * 1024; off <= 256 * 1024; off += 16 * 1024) {
		char path[128];
		snprintf(path, sizeof(path), "/echo?off=%ld&len=16384", off);
		if (get(s, path) == 200)
			check(!holds_key(resp.body, resp.len), "the sweep found the key at %ld", off);
	}
	check(get(s, "/echo?off=0&len=16") == 200 && resp.len == 16, "an echo inside the buffer");
	check(alive(s) && get(s, "/") == 200, "no service after the sweep");
	tap("sthread_key_not_disclosed");
}

/* Another connection's buffer: connection A has sent half a request with
 * a session cookie and waits (its handler holds one of the two threads,
 * the cookie in its buffer); the attacker's connections aim the over-read
 * from the other buffer at A's. Nothing answered may hold the cookie; with
 * A held, the attacker is on the other thread and the aimed read faults.
 * Then A completes its request (an echo of its own buffer): it was served
 * all along, its cookie intact. */
static void test_peer_buffer_sthread(struct server *s)
{
	char cookie[2 * 16 + 1], req[256], path[128];
	uint8_t raw[16];
	int a, n, refused = 0;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(cookie, sizeof(cookie), raw, sizeof(raw));
	a = connect_to(s, TIMEOUT + 4);
	n = snprintf(req, sizeof(req), "GET /echo?off=0&len=128 HTTP/1.1\r\nCookie: session=%s\r\n",
		     cookie);
	check(a >= 0 && send_text(a, req, (size_t)n) == 0, "connection A");
	usleep(100 * 1000); /* its handler reads the half request */
	for (int i = 0; i < s->nbuffers; i++)
		for (int j = 0; j < s->nbuffers; j++) {
			if (i == j)
				continue;
			snprintf(path, sizeof(path), "/echo?off=%ld&len=256",
				 (long)(s->buffers[j] - s->buffers[i]));
			if (get(s, path) == 200)
				check(!memmem(resp.body, resp.len, cookie, 32),
				      "A's cookie came back to another connection");
			else
				refused++;
		}
	send_text(a, "\r\n", 2);
	read_response(a);
	close(a);
	if (resp.status == 200) {
		check(memmem(resp.body, resp.len, cookie, 32) != NULL, "A's buffer lost its cookie");
		check(refused >= 1, "no read of A's buffer was refused");
	} else {
		/* A's handler timed out first (a slow machine): the reads
		 * above still had to come back without the cookie */
		fprintf(stderr, "  note: A was not held through the attack (%d)\n", resp.status);
	}
	check(alive(s) && get(s, "/") == 200, "no service after the attack on A");
	tap("sthread_peer_buffer_not_disclosed");
}

/* The plain server has no wall: an over-read aimed from one thread's
 * buffer but taken by the other lands wherever the layout puts it, the key
 * or an unmapped page. A crash is the bug's other outcome, not the test's
 * failure: the server is started again (new addresses) and attacked again,
 * and it is left running for the cases after this one. */
static void test_attack_plain(struct server *s, const char *bin)
{
	enum { ROUNDS = 4 };
	int answered = 0, tries, leaked = 0, crashes = 0;

	for (int round = 0; round < ROUNDS && !leaked; round++) {
		leaked = exact_attack(s, &answered, &tries);
		if (alive(s))
			continue;
		crashes++; /* alive() reaped it */
		if (start(s, bin)) {
			check(0, "%s did not start again after the attack", bin);
			break;
		}
	}
	if (crashes)
		fprintf(stderr, "  note: the plain server crashed %d times under the over-read\n",
			crashes);
	check(leaked, "the plain server did not disclose the key (answered %d)", answered);
	tap("plain_discloses_key");
}

struct bad {
	const char *name, *text;
	size_t len;
	int want; /* the status, or 0: a closed connection is fine too */
};

static void test_bad_input(struct server *s, const char *who)
{
	static char huge_header[12000], long_path[600];
	char name[64];
	const struct bad bad[] = {
		{ "garbage", "GARBAGE\r\n\r\n", 11, 400 },
		{ "method", "FOO / HTTP/1.1\r\n\r\n", 18, 405 },
		{ "version", "GET / HTTP/2.0\r\n\r\n", 18, 400 },
		{ "nul", "GET /\0 HTTP/1.1\r\n\r\n", 20, 400 },
		{ "dotdot", "GET /../../etc/passwd HTTP/1.1\r\n\r\n", 35, 403 },
		{ "absolute", "GET //etc/passwd HTTP/1.1\r\n\r\n", 29, 403 },
		{ "symlink", "GET /link HTTP/1.1\r\n\r\n", 22, 403 },
		{ "missing", "GET /nothing HTTP/1.1\r\n\r\n", 25, 404 },
		{ "too_big", "GET /too-big.bin HTTP/1.1\r\n\r\n", 29, 403 },
		{ "huge_header", huge_header, 0, 431 },
		{ "long_path", long_path, 0, 414 },
	};

	memcpy(huge_header, "GET / HTTP/1.1\r\nX: ", 19);
	memset(huge_header + 19, 'a', sizeof(huge_header) - 23);
	memcpy(huge_header + sizeof(huge_header) - 4, "\r\n\r\n", 4);
	memcpy(long_path, "GET /", 5);
	memset(long_path + 5, 'p', 500);
	strcpy(long_path + 505, " HTTP/1.1\r\n\r\n");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);
		if (bad[i].text == huge_header)
			len = sizeof(huge_header);
		request(s, bad[i].text, len);
		check(resp.status == bad[i].want || (resp.status == 0 && bad[i].want != 404),
		      "%s: got %d, want %d", bad[i].name, resp.status, bad[i].want);
		check(resp.status < 200 || resp.status >= 300, "%s: a 2xx", bad[i].name);
	}
	check(alive(s) && get(s, "/") == 200, "no service after bad input");
	snprintf(name, sizeof(name), "%s_bad_input_4xx", who);
	tap(name);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void test_slow_clients(struct server *s, const char *who)
{
	int idle[THREADS + 1], slow;
	char name[64];
	double t0 = now();

	/* a request that never ends: 408, or closed, within the timeout */
	slow = connect_to(s, TIMEOUT + 6);
	send_text(slow, "GET / HTTP/1.1\r\nHost: t\r\n", 25);
	read_response(slow);
	check(resp.status == 408 || resp.status == 0, "slowloris got %d", resp.status);
	check(now() - t0 < TIMEOUT + 5, "slowloris held for %.1f s", now() - t0);
	close(slow);
	/* more silent connections than threads: they get closed, then the
	 * server answers again */
	for (int i = 0; i <= THREADS; i++)
		idle[i] = connect_to(s, TIMEOUT + 6);
	t0 = now();
	check(get(s, "/") == 200, "no answer behind %d idle clients", THREADS + 1);
	check(now() - t0 < 3 * (TIMEOUT + 3), "answered after %.1f s", now() - t0);
	for (int i = 0; i <= THREADS; i++) {
		char c;
		check(recv(idle[i], &c, 1, 0) <= 0, "an idle client got data");
		close(idle[i]);
	}
	check(alive(s), "the server died");
	snprintf(name, sizeof(name), "%s_slow_clients", who);
	tap(name);
}

static const char *default_bin(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX - 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return name;
	self[n] = 0;
	*strrchr(self, '/') = 0;
	if (snprintf(buf, len, "%s/../../apps/%s", self, name) >= (int)len)
		return name;
	return buf;
}

int main(int argc, char **argv)
{
	char b1[PATH_MAX], b2[PATH_MAX];
	const char *httpd = argc > 2 ? argv[1] : default_bin("httpd", b1, sizeof(b1));
	const char *plain = argc > 2 ? argv[2] : default_bin("httpd-plain", b2, sizeof(b2));
	struct server s;

	alarm(300);
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0)
		return 2;
	if (access("/dev/kvm", F_OK) && access("/dev/dune", F_OK)) {
		printf("neither /dev/kvm nor /dev/dune on this machine\n");
		return 77;
	}
	loopback_up();
	make_root();

	if (start(&s, httpd)) {
		fprintf(stderr, "%s did not start\n", httpd);
		case_failed = 1;
		tap("sthread_server_starts");
	} else {
		test_serving(&s, "sthread");
		test_attack_sthread(&s);
		test_peer_buffer_sthread(&s);
		test_bad_input(&s, "sthread");
		test_slow_clients(&s, "sthread");
		stop(&s);
	}
	if (start(&s, plain)) {
		fprintf(stderr, "%s did not start\n", plain);
		case_failed = 1;
		tap("plain_server_starts");
	} else {
		test_serving(&s, "plain");
		test_attack_plain(&s, plain);
		test_bad_input(&s, "plain");
		test_slow_clients(&s, "plain");
		stop(&s);
	}
	cleanup_root();
	printf("%d of %d failed\n", failures, tap_n);
	return failures ? 1 : 0;
}
