/* httpd.c - the demo server's supervisor: HTTP/1.1 on loopback, static
 * files from a directory, responses signed with an Ed25519 key only a
 * callgate can read. Each connection is served by handle_connection in an
 * sthread whose context grants the connection (read/write), the document
 * root (read), a tag of its own and the signing gate; a fault there ends
 * that connection only.
 *
 *   httpd --root DIR --key SEEDFILE [--port N] [--threads N] [--timeout S]
 *         [--print-addresses]  [--fork]  (--fork: the plain build only)
 *
 * Built with libsthread this is `httpd`; built with the unprotected twin
 * of the same API (plain/: threads or processes, no isolation) it is
 * `httpd-plain`, the same code without privilege separation.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "httpd.h"
#ifdef HTTPD_PLAIN
#include "sthread_plain.h"
#define MODE_NAME (opt.fork ? "fork per connection" : "a thread per connection")
#else
#define MODE_NAME "an sthread per connection"
#endif

#define THREADS_MAX 64

static struct {
	int port, threads, timeout, print_addresses, fork;
	const char *root, *key;
} opt = { .threads = 8, .timeout = 5 };

static int listen_fd, root_fd;
static struct cgate *sign;
static struct sc *base_sc;

static void usage(void)
{
	fprintf(stderr, "usage: httpd --root DIR --key SEEDFILE [--port N] [--threads N] "
			"[--timeout SECONDS] [--print-addresses] [--fork]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "root", 1, NULL, 'r' }, { "key", 1, NULL, 'k' }, { "port", 1, NULL, 'p' },
		{ "threads", 1, NULL, 't' }, { "timeout", 1, NULL, 'T' },
		{ "print-addresses", 0, NULL, 'a' }, { "fork", 0, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 'r': opt.root = optarg; break;
		case 'k': opt.key = optarg; break;
		case 'p': opt.port = atoi(optarg); break;
		case 't': opt.threads = atoi(optarg); break;
		case 'T': opt.timeout = atoi(optarg); break;
		case 'a': opt.print_addresses = 1; break;
		case 'f': opt.fork = 1; break;
		default: usage();
		}
	}
	if (!opt.root || !opt.key || opt.threads < 1 || opt.threads > THREADS_MAX ||
	    opt.timeout < 1 || opt.port < 0 || opt.port > 65535)
		usage();
#ifndef HTTPD_PLAIN
	if (opt.fork) {
		fprintf(stderr, "httpd: --fork is for httpd-plain (no sthreads there)\n");
		exit(2);
	}
#endif
}

/* The key: a 32-byte seed read straight into a tag only the gate's context
 * grants; the gate gets the derived secret key as its trusted argument. */
static struct sign_key *load_key(tag_t *tag)
{
	struct sign_key *k;
	int fd = open(opt.key, O_RDONLY | O_CLOEXEC);
	char hex[2 * 32 + 1];

	*tag = tag_new(sizeof(*k));
	k = *tag ? smalloc(*tag, sizeof(*k)) : NULL;
	if (fd < 0 || !k || read(fd, k->seed, sizeof(k->seed)) != sizeof(k->seed)) {
		fprintf(stderr, "httpd: cannot read a 32-byte key seed from %s (%s); make one "
				"with: head -c 32 /dev/urandom > %s\n", opt.key,
			fd < 0 ? strerror(errno) : "short file", opt.key);
		exit(1);
	}
	close(fd);
	crypto_sign_seed_keypair(k->pk, k->sk, k->seed);
	sodium_memzero(k->seed, sizeof(k->seed));
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", k->pk[i]);
	printf("httpd: public key %s\n", hex);
	return k;
}

static int open_listener(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		fprintf(stderr, "httpd: cannot listen on 127.0.0.1:%d (%s)\n", opt.port,
			strerror(errno));
		exit(1);
	}
	opt.port = ntohs(a.sin_port);
	return fd;
}

/* One connection in an sthread of its own; the supervisor keeps the
 * descriptor and closes it after the join. */
static void serve(struct conn *c, tag_t tag, int fd)
{
	struct timeval tv = { .tv_sec = 1 }, send_tv = { .tv_sec = opt.timeout };
	struct sthread_end end;
	struct sc *sc = sc_dup(base_sc);
	sthread_t *st;
	char why[160];
	int r;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_tv, sizeof(send_tv));
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->root = root_fd;
	c->idle_rounds = opt.timeout;
	c->sign = sign;
	c->tag = tag;
	if (!sc || sc_fd_add(sc, fd, SC_RW) || sc_mem_add(sc, tag, SC_RW)) {
		fprintf(stderr, "httpd: no context for a connection\n");
	} else if ((r = sthread_create(&st, sc, handle_connection, c))) {
		fprintf(stderr, "httpd: sthread_create: %s\n", strerror(-r));
	} else if (sthread_join(st, &end) != STHREAD_RETURNED) {
		fprintf(stderr, "httpd: a connection's handler ended: %s\n",
			sthread_end_str(&end, why, sizeof(why)));
	}
	sc_free(sc);
}

static void *supervisor(void *arg)
{
	tag_t tag = tag_new(sizeof(struct conn));
	struct conn *c = tag ? smalloc(tag, sizeof(*c)) : NULL;

	(void)arg;
	if (!c) {
		fprintf(stderr, "httpd: no memory for a connection's tag\n");
		exit(1);
	}
	if (opt.print_addresses) {
		printf("httpd: request buffer at %p\n", (void *)c->in);
		fflush(stdout);
	}
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN)
				usleep(10000); /* out of descriptors: let others close */
			continue;
		}
		serve(c, tag, fd);
		close(fd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t threads[THREADS_MAX];
	struct sign_key *key;
	struct sc *gate_sc;
	tag_t key_tag;

	parse_args(argc, argv);
#ifdef HTTPD_PLAIN
	sthread_plain_use_fork(opt.fork);
#endif
	if (sthread_init() || sodium_init() < 0)
		return 1;
	key = load_key(&key_tag);
	gate_sc = sc_new();
	if (!gate_sc || sc_mem_add(gate_sc, key_tag, SC_READ))
		return 1;
	sc_set_deny(gate_sc, SC_DENY_KILL);
	if (!(sign = cgate_new(gate_sc, sign_gate, key)))
		return 1;
	root_fd = open(opt.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		fprintf(stderr, "httpd: cannot open the document root %s (%s)\n", opt.root,
			strerror(errno));
		return 1;
	}
	listen_fd = open_listener();
	base_sc = sc_new();
	if (!base_sc || sc_fd_add(base_sc, root_fd, SC_READ) ||
	    sc_sys_allow(base_sc, "read recvfrom sendto openat newfstatat fstat close") ||
	    sc_cgate_add(base_sc, sign))
		return 1;
	sc_set_deny(base_sc, SC_DENY_KILL);
	sthread_set_max((unsigned)opt.threads);
	printf("httpd: listening on 127.0.0.1:%d, %s, %d at once\n", opt.port, MODE_NAME,
	       opt.threads);
	if (opt.print_addresses)
		printf("httpd: key at %p\n", (void *)key->sk);
	fflush(stdout);
	for (int i = 0; i < opt.threads; i++)
		if (pthread_create(&threads[i], NULL, supervisor, NULL)) {
			fprintf(stderr, "httpd: cannot start thread %d\n", i);
			return 1;
		}
	for (int i = 0; i < opt.threads; i++)
		pthread_join(threads[i], NULL);
	return 0;
}
