/* A compromised connection handler. The server here is httpd's shape in
 * one process: a private key in a tag only a gate may read, and two
 * connections, each a socket pair and a tag of its own. Connection B's
 * handler is live in an sthread of its own (waiting for its client) and its
 * tag holds its client's secret. Connection A's handler is taken over: the
 * attacker runs code of their choice in A's sthread, with A's context (its
 * socket, its tag, the gates, a generous list of calls, failures as
 * -EPERM so every attempt can be seen), and knows every address and
 * descriptor number. Each attempt, one sthread each:
 *  - the key, and B's buffer, read and written directly: a fault at that
 *    address, reported to the joiner; the process lives;
 *  - the kernel as a deputy: write/sendto/writev from the key or B's
 *    buffer to A's own socket, read into them: -EFAULT;
 *  - B's descriptor: read, write, close, dup2 over it: -EPERM;
 *  - calls outside A's policy (mprotect of the key, process_vm_readv,
 *    ptrace, kill, mmap, socket): -EPERM, or the end of the sthread with
 *    SC_DENY_KILL;
 *  - the key's tag through the library: smalloc, sfree, lending it to a
 *    gate: refused;
 *  - gates: the gate's code run directly, a jump past its check, a forged
 *    gate with the key's tag, a real gate's address plus a few bytes, a
 *    gate pointed at the key through its argument (and, in st_trap_flag,
 *    single-stepping into a gate with the trap flag): the gate runs only
 *    whole, from its start, and only with what it checks;
 *  - descriptors are per sthread: one A opened is not the next sthread's
 *    and is closed when A ends.
 * After every attempt: the key and B's secret are unchanged, nowhere in A's
 * tag or in what A's client received, and B's connection still works. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "sttest.h"

#ifndef TEST_NAME
#define TEST_NAME "st_compromised"
#endif

#define SECRET_LEN 32
#define CONN_BUF 4096

/* a connection's tag */
struct conn {
	int fd;
	int dir;                  /* a directory granted read-only */
	struct cgate *check;      /* the password gate */
	struct cgate *copy;       /* the careful copying gate */
	struct cgate *forged;     /* (A only) a gate A built itself */
	tag_t self, key_tag;      /* its own tag; the key's (the handle only) */
	const uint8_t *key;       /* the key's address: the attacker knows it */
	uint8_t *victim;          /* B's buffer's address, likewise */
	int victim_fd;            /* B's descriptor number */
	long mark;                /* what a gate wrote */
	long stolen[8];           /* a scratch area the attacker owns */
	uint8_t buf[CONN_BUF];
};

/* the copying gate's argument: copy n bytes from src to dst */
struct copy_req {
	const uint8_t *src;
	uint8_t *dst;
	size_t n;
	long *done;
};

static uint8_t *key;          /* in key_tag: only the gates' contexts */
static struct conn *a, *b;    /* A's and B's tags */
static int a_peer, b_peer;    /* the clients' ends */
static uint8_t b_secret[SECRET_LEN];

#define SYS_ST_CGATE 0x53540002L /* lib/user.h: the gate call itself */

/* a raw system call from the sthread: the value or -errno */
static long sys6(long nr, long x, long y, long z, long w, long v, long u)
{
	long r;
	register long r10 asm("r10") = w;
	register long r8 asm("r8") = v;
	register long r9 asm("r9") = u;
	asm volatile("syscall" : "=a"(r) : "a"(nr), "D"(x), "S"(y), "d"(z), "r"(r10), "r"(r8),
		     "r"(r9) : "rcx", "r11", "memory");
	return r;
}

/* arguments five and six zero: no addresses for recvfrom/sendto */
static long sys(long nr, long x, long y, long z, long w)
{
	return sys6(nr, x, y, z, w, 0, 0);
}

/* The password gate: 1 if arg equals the key's first word. Its load of the
 * key comes after a label the attacker can jump to. */
void *check_gate(void *trusted, void *arg);
extern char check_gate_load[];
asm(".text\n"
    ".globl check_gate, check_gate_load\n"
    "check_gate: xor %eax, %eax\n"
    "check_gate_load: mov (%rdi), %rcx\n"
    " cmp %rcx, %rsi\n"
    " sete %al\n"
    " ret\n");

/* The copying gate: copies between tags its caller lent it, after
 * checking both ranges (a gate trusts no pointer its caller chose). */
static void *copy_gate(void *trusted, void *arg)
{
	struct copy_req *r = arg;
	(void)trusted;
	if (!cgate_arg_ok(r, sizeof(*r), SC_RW) || !cgate_arg_ok(r->src, r->n, SC_READ) ||
	    !cgate_arg_ok(r->dst, r->n, SC_RW))
		return (void *)-1L;
	memcpy(r->dst, r->src, r->n);
	*r->done = 1;
	return NULL;
}

/* ---- B: a handler waiting for its client, its secret in its tag ---- */

static void *b_handler(void *arg)
{
	struct conn *c = arg;
	long n = sys(SYS_recvfrom, c->fd, (long)c->buf + SECRET_LEN, 64, 0);
	if (n <= 0)
		return (void *)n;
	/* answers with what came, after the secret it keeps */
	return (void *)sys(SYS_sendto, c->fd, (long)c->buf + SECRET_LEN, n, 0);
}

/* ---- A: the attacker's attempts ---- */

static void *read_key(void *arg)
{
	struct conn *c = arg;
	memcpy(c->stolen, c->key, SECRET_LEN);
	return (void *)c->stolen[0];
}

static void *read_victim(void *arg)
{
	struct conn *c = arg;
	memcpy(c->stolen, c->victim, SECRET_LEN);
	return (void *)c->stolen[0];
}

static void *write_victim(void *arg)
{
	struct conn *c = arg;
	memset(c->victim, 'X', SECRET_LEN);
	return NULL;
}

static void *write_key(void *arg)
{
	struct conn *c = arg;
	*(volatile uint8_t *)c->key = 0;
	return NULL;
}

/* the kernel as a deputy: send the key, or B's buffer, to A's own client */
static void *send_key(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_write, c->fd, (long)c->key, SECRET_LEN, 0);
}

static void *sendto_victim(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_sendto, c->fd, (long)c->victim, SECRET_LEN, 0);
}

static void *writev_key(void *arg)
{
	struct conn *c = arg;
	struct iovec iov[2] = { { c->buf, 4 }, { (void *)c->key, SECRET_LEN } };
	return (void *)sys(SYS_writev, c->fd, (long)iov, 2, 0);
}

/* ... and receive over them (A's client sent something first) */
static void *recv_into_key(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_read, c->fd, (long)c->key, SECRET_LEN, 0);
}

static void *recv_into_victim(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_recvfrom, c->fd, (long)c->victim, SECRET_LEN, 0);
}

/* B's descriptor */
static void *read_victim_fd(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_read, c->victim_fd, (long)c->buf, sizeof(c->buf), 0);
}

static void *write_victim_fd(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_write, c->victim_fd, (long)"pwned", 5, 0);
}

static void *close_victim_fd(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_close, c->victim_fd, 0, 0, 0);
}

static void *dup2_over_victim_fd(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_dup2, c->fd, c->victim_fd, 0, 0);
}

/* calls no handler's policy has */
static void *mprotect_key(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_mprotect, (long)c->key & ~4095L, 4096, 3, 0);
}

static void *vm_readv_key(void *arg)
{
	struct conn *c = arg;
	struct iovec local = { c->stolen, SECRET_LEN }, remote = { (void *)c->key, SECRET_LEN };
	return (void *)sys6(SYS_process_vm_readv, sys(SYS_getpid, 0, 0, 0, 0), (long)&local, 1,
			    (long)&remote, 1, 0);
}

static void *ptrace_attach(void *arg)
{
	(void)arg;
	return (void *)sys(SYS_ptrace, 16 /* PTRACE_ATTACH */, sys(SYS_getppid, 0, 0, 0, 0), 0,
			   0);
}

static void *kill_server(void *arg)
{
	(void)arg;
	return (void *)sys(SYS_kill, sys(SYS_getpid, 0, 0, 0, 0), SIGKILL, 0, 0);
}

static void *map_over_key(void *arg)
{
	struct conn *c = arg;
	return (void *)sys6(SYS_mmap, (long)c->key & ~4095L, 4096, 3,
			    0x32 /* MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED */, -1, 0);
}

static void *new_socket(void *arg)
{
	(void)arg;
	return (void *)sys(SYS_socket, AF_INET, SOCK_STREAM, 0, 0);
}

/* the key's tag through the library's own calls */
static void *smalloc_key_tag(void *arg)
{
	struct conn *c = arg;
	uint8_t *p = smalloc(c->key_tag, 64);
	if (p)
		memcpy(c->stolen, p - 64, SECRET_LEN);
	return p;
}

static void *sfree_key(void *arg)
{
	struct conn *c = arg;
	sfree((void *)c->key);
	return NULL;
}

static void *lend_key_tag(void *arg)
{
	struct conn *c = arg;
	struct cgate_grant g[2] = { { c->self, SC_RW }, { c->key_tag, SC_READ } };
	struct copy_req *r = (struct copy_req *)c->stolen;
	r->src = c->key;
	r->dst = c->buf;
	r->n = SECRET_LEN;
	r->done = &c->mark;
	return (void *)(long)cgate_call(c->copy, g, 2, r, NULL);
}

/* gates entered other than at their start */
static void *gate_code_directly(void *arg)
{
	struct conn *c = arg;
	return check_gate((void *)c->key, NULL);
}

static void *jump_past_check(void *arg)
{
	struct conn *c = arg;
	long r;
	/* the gate's code from its load, with the key's address in rdi */
	asm volatile("call *%2" : "=a"(r) : "D"(c->key), "r"(check_gate_load), "S"(0)
		     : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
	return (void *)r;
}

static void *call_forged_gate(void *arg)
{
	struct conn *c = arg;
	void *ret = NULL;
	long st = cgate_call(c->forged, NULL, 0, NULL, &ret);
	c->stolen[0] = (long)ret;
	return (void *)st;
}

static void *call_gate_offset(void *arg)
{
	struct conn *c = arg;
	void *ret = NULL;
	return (void *)(long)cgate_call((struct cgate *)((char *)c->check + 8), NULL, 0, NULL,
					&ret);
}

/* the copying gate asked to copy the key into A's tag */
static void *copy_key_out(void *arg)
{
	struct conn *c = arg;
	struct cgate_grant g = { c->self, SC_RW };
	struct copy_req *r = (struct copy_req *)c->stolen;
	void *ret = NULL;
	long st;
	r->src = c->key;
	r->dst = c->buf;
	r->n = SECRET_LEN;
	r->done = &c->mark;
	st = cgate_call(c->copy, &g, 1, r, &ret);
	return (void *)(st ? st : (long)ret);
}

/* ... and the honest use of it, inside A's tag */
static void *copy_own(void *arg)
{
	struct conn *c = arg;
	struct cgate_grant g = { c->self, SC_RW };
	struct copy_req *r = (struct copy_req *)c->stolen;
	void *ret = (void *)1;
	long st;
	memcpy(c->buf, "own data", 8);
	r->src = c->buf;
	r->dst = c->buf + 100;
	r->n = 8;
	r->done = &c->mark;
	st = cgate_call(c->copy, &g, 1, r, &ret);
	return (void *)(st ? st : (long)ret);
}

#ifdef TRAP_FLAG_CASE
/* the trap flag set, then the gate call: a gate stopped after its first
 * instruction would fail the call before its copy marks the tag. */
static void *single_step_gate(void *arg)
{
	struct conn *c = arg;
	struct cgate_grant g = { c->self, SC_RW };
	struct copy_req *r = (struct copy_req *)c->stolen;
	r->src = c->buf;
	r->dst = c->buf + 200;
	r->n = 8;
	r->done = &c->mark;
	register long r10 asm("r10") = (long)r;
	long st;
	/* below the red zone; the flag right before the call itself */
	asm volatile("sub $128, %%rsp; pushf; orq $0x100, (%%rsp); popf; syscall;"
		     " add $128, %%rsp"
		     : "=a"(st) : "a"(SYS_ST_CGATE), "D"(c->copy), "S"(&g), "d"(1), "r"(r10)
		     : "rcx", "r11", "memory", "cc");
	return (void *)st;
}
#endif

/* descriptors are per sthread */
static void *open_file(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_openat, c->dir, (long)"file", O_RDONLY, 0);
}

static void *read_fd_number(void *arg)
{
	struct conn *c = arg;
	return (void *)sys(SYS_read, c->stolen[0], (long)c->buf, 4, 0);
}

/* ---- the checks after every attempt ---- */

static int holds(const uint8_t *p, size_t n, const uint8_t *what)
{
	for (size_t i = 0; i + 8 <= n; i++)
		if (!memcmp(p + i, what, 8))
			return 1;
	return 0;
}

static uint8_t key_copy[SECRET_LEN];

/* what A's client received since the last look */
static size_t drain_a_peer(uint8_t *got, size_t max)
{
	size_t n = 0;
	for (;;) {
		ssize_t r = recv(a_peer, got + n, max - n, MSG_DONTWAIT);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	return n;
}

static int secrets_kept(const char *what)
{
	uint8_t got[4096];
	size_t n = drain_a_peer(got, sizeof(got));
	int ok = 1;

	if (memcmp(key, key_copy, SECRET_LEN) || memcmp(b->buf, b_secret, SECRET_LEN)) {
		fprintf(stderr, "FAIL %s: the key or B's secret changed\n", what);
		ok = 0;
	}
	if (holds(got, n, key_copy) || holds(got, n, b_secret)) {
		fprintf(stderr, "FAIL %s: A's client received a secret\n", what);
		ok = 0;
	}
	if (holds((uint8_t *)a, sizeof(*a), key_copy) || holds((uint8_t *)a, sizeof(*a), b_secret)) {
		fprintf(stderr, "FAIL %s: a secret is in A's tag\n", what);
		ok = 0;
	}
	return ok;
}

struct attempt {
	const char *name;
	sthread_fn fn;
	int how;      /* enum sthread_how */
	long value;   /* the value (STHREAD_RETURNED) */
	uintptr_t at; /* the fault's address (STHREAD_FAULTED), 0: any */
};

static void attempt(struct sc *sc, const struct attempt *t)
{
	struct sthread_end end;
	int how = st_run(sc, t->fn, a, &end);
	char why[160];

	if (how != t->how || (how == STHREAD_RETURNED && (long)end.ret != t->value) ||
	    (how == STHREAD_FAULTED && t->at && end.addr != t->at)) {
		fprintf(stderr, "FAIL %s: %s (wanted how %d, value %ld)\n", t->name,
			sthread_end_str(&end, why, sizeof(why)), t->how, t->value);
		tl_failures++;
	}
	if (!secrets_kept(t->name))
		tl_failures++;
}

int main(void)
{
	char dir[] = "/tmp/st_comp_XXXXXX", path[300];
	struct sthread_end end;
	struct sc *a_sc, *a_kill, *gate_sc, *none;
	tag_t key_tag, a_tag, b_tag;
	struct cgate *forged;
	sthread_t *b_thread;
	int sv[2], fd;
	uint8_t echo[64];

	st_start(240);
	sthread_set_max(2);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0 && write(fd, "data", 4) == 4);
	close(fd);

	/* the key, where only the gates' context reaches */
	key_tag = tag_new(4096);
	key = smalloc(key_tag, SECRET_LEN);
	CHECK_EQ(getrandom(key, SECRET_LEN, 0), SECRET_LEN);
	memcpy(key_copy, key, SECRET_LEN);
	gate_sc = sc_new();
	CHECK_EQ(sc_mem_add(gate_sc, key_tag, SC_READ), 0);
	sc_set_deny(gate_sc, SC_DENY_KILL);

	/* two connections */
	a_tag = tag_new(sizeof(struct conn));
	b_tag = tag_new(sizeof(struct conn));
	a = smalloc(a_tag, sizeof(*a));
	b = smalloc(b_tag, sizeof(*b));
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	a->fd = sv[0];
	a_peer = sv[1];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	b->fd = sv[0];
	b_peer = sv[1];
	CHECK_EQ(getrandom(b_secret, SECRET_LEN, 0), SECRET_LEN);
	memcpy(b->buf, b_secret, SECRET_LEN);

	a->dir = open(dir, O_RDONLY | O_DIRECTORY);
	a->check = cgate_new(gate_sc, check_gate, key);
	a->copy = cgate_new(gate_sc, copy_gate, NULL);
	a->self = a_tag;
	a->key_tag = key_tag;
	a->key = key;
	a->victim = b->buf;
	a->victim_fd = b->fd;
	/* the attacker's own gate: the key's tag in its context, its entry
	 * past the check. Made by the program here (an sthread cannot), so
	 * it is a real gate, just not one A's context has. */
	forged = cgate_new(gate_sc, (cgate_fn)(void *)check_gate_load, key);
	a->forged = forged;
	CHECK(a->check && a->copy && forged);

	/* A's context: generous calls, so the other rules are what stop it */
	a_sc = sc_new();
	CHECK_EQ(sc_mem_add(a_sc, a_tag, SC_RW), 0);
	CHECK_EQ(sc_fd_add(a_sc, a->fd, SC_RW), 0);
	CHECK_EQ(sc_fd_add(a_sc, a->dir, SC_READ), 0);
	CHECK_EQ(sc_sys_allow(a_sc, "read write writev readv recvfrom sendto close dup dup2 "
				    "openat fstat getpid getppid"), 0);
	CHECK_EQ(sc_cgate_add(a_sc, a->check), 0);
	CHECK_EQ(sc_cgate_add(a_sc, a->copy), 0);
	/* the calls a handler must never have are refused at set-up too */
	CHECK_EQ(sc_sys_allow(a_sc, "process_vm_readv"), -EINVAL);
	CHECK_EQ(sc_sys_allow(a_sc, "mprotect"), -EINVAL);
	CHECK_EQ(sc_sys_allow(a_sc, "ptrace"), -EINVAL);
	a_kill = sc_dup(a_sc);
	sc_set_deny(a_kill, SC_DENY_KILL);

	/* B's handler, live while A attacks: its tag mapped in its table */
	{
		struct sc *b_sc = sc_new();
		CHECK_EQ(sc_mem_add(b_sc, b_tag, SC_RW), 0);
		CHECK_EQ(sc_fd_add(b_sc, b->fd, SC_RW), 0);
		CHECK_EQ(sc_sys_allow(b_sc, "recvfrom sendto"), 0);
		CHECK_EQ(sthread_create(&b_thread, b_sc, b_handler, b), 0);
		sc_free(b_sc);
	}

	/* the honest uses work */
	{
		const struct attempt honest[] = {
			{ "copy within A's tag", copy_own, STHREAD_RETURNED, 0, 0 },
		};
		attempt(a_sc, &honest[0]);
		CHECK(memcmp(a->buf + 100, "own data", 8) == 0);
		CHECK_EQ(a->mark, 1);
		a->mark = 0;
	}

	{
		const uintptr_t k = (uintptr_t)key, v = (uintptr_t)b->buf;
		const struct attempt attacks[] = {
			{ "read the key", read_key, STHREAD_FAULTED, 0, k },
			{ "write the key", write_key, STHREAD_FAULTED, 0, k },
			{ "read B's buffer", read_victim, STHREAD_FAULTED, 0, v },
			{ "write B's buffer", write_victim, STHREAD_FAULTED, 0, v },
			{ "write(2) the key", send_key, STHREAD_RETURNED, -EFAULT, 0 },
			{ "sendto B's buffer", sendto_victim, STHREAD_RETURNED, -EFAULT, 0 },
			{ "writev the key", writev_key, STHREAD_RETURNED, -EFAULT, 0 },
			{ "read B's descriptor", read_victim_fd, STHREAD_RETURNED, -EPERM, 0 },
			{ "write B's descriptor", write_victim_fd, STHREAD_RETURNED, -EPERM, 0 },
			{ "close B's descriptor", close_victim_fd, STHREAD_RETURNED, -EPERM, 0 },
			{ "dup2 over B's descriptor", dup2_over_victim_fd, STHREAD_RETURNED, -EPERM,
			  0 },
			{ "mprotect the key", mprotect_key, STHREAD_RETURNED, -EPERM, 0 },
			{ "process_vm_readv the key", vm_readv_key, STHREAD_RETURNED, -EPERM, 0 },
			{ "ptrace", ptrace_attach, STHREAD_RETURNED, -EPERM, 0 },
			{ "kill the server", kill_server, STHREAD_RETURNED, -EPERM, 0 },
			{ "mmap over the key", map_over_key, STHREAD_RETURNED, -EPERM, 0 },
			{ "a socket of its own", new_socket, STHREAD_RETURNED, -EPERM, 0 },
			{ "smalloc in the key's tag", smalloc_key_tag, STHREAD_RETURNED, 0, 0 },
			{ "sfree the key", sfree_key, STHREAD_RETURNED, 0, 0 },
			{ "lend the key's tag to a gate", lend_key_tag, STHREAD_RETURNED, -EINVAL,
			  0 },
			{ "the gate's code directly", gate_code_directly, STHREAD_FAULTED, 0, k },
			{ "a jump past the gate's check", jump_past_check, STHREAD_FAULTED, 0, k },
			{ "a gate not in the context", call_forged_gate, STHREAD_RETURNED, -EPERM,
			  0 },
			{ "a gate's address plus 8", call_gate_offset, STHREAD_RETURNED, -EPERM, 0 },
			{ "the copying gate aimed at the key", copy_key_out, STHREAD_RETURNED, -1,
			  0 },
		};
		for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
			attempt(a_sc, &attacks[i]);
		CHECK_EQ(a->mark, 0); /* the copying gate copied nothing */
		/* the key's block is still allocated: sfree from A did nothing */
		CHECK(smalloc(key_tag, SECRET_LEN) != key);

		/* receiving into the key or B's buffer: data waits, nothing lands */
		CHECK_EQ(send(a_peer, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", SECRET_LEN, 0), SECRET_LEN);
		{
			const struct attempt recvs[] = {
				{ "read(2) into the key", recv_into_key, STHREAD_RETURNED, -EFAULT, 0 },
				{ "recvfrom into B's buffer", recv_into_victim, STHREAD_RETURNED,
				  -EFAULT, 0 },
			};
			attempt(a_sc, &recvs[0]);
			attempt(a_sc, &recvs[1]);
		}

		/* the same calls with SC_DENY_KILL: the sthread ends, named */
		{
			sthread_fn fns[] = { vm_readv_key, read_victim_fd, call_forged_gate };
			long nrs[] = { SYS_process_vm_readv, SYS_read, SYS_ST_CGATE };
			for (int i = 0; i < 3; i++) {
				CHECK_EQ(st_run(a_kill, fns[i], a, &end), STHREAD_KILLED);
				CHECK_EQ(end.syscall, nrs[i]);
				CHECK(secrets_kept("killed"));
			}
		}
	}

#ifdef TRAP_FLAG_CASE
	/* the trap flag into a gate: the gate starts with flags of its own and
	 * runs whole (a #DB in it would fail the call, -EFAULT, before its
	 * copy); whether A's own flag survives the call back is the host
	 * side's (a #DB in A after the call, or none), not the gate's */
	{
		int how = st_run(a_sc, single_step_gate, a, &end);
		CHECK(how == STHREAD_RETURNED || (how == STHREAD_FAULTED && end.vector == T_DEBUG));
		if (how == STHREAD_RETURNED)
			CHECK_EQ((long)end.ret, 0);
		CHECK_EQ(a->mark, 1);
	}
	CHECK(secrets_kept("single step"));
#endif

	/* descriptors are per sthread: A's file is not the next one's */
	none = sc_dup(a_sc);
	CHECK_EQ(st_run(a_sc, open_file, a, &end), STHREAD_RETURNED);
	CHECK((long)end.ret >= 0);
	a->stolen[0] = (long)end.ret;
	CHECK(fcntl((int)a->stolen[0], F_GETFD) < 0); /* closed when A ended */
	fd = open(path, O_RDONLY); /* the program's, most likely the same number */
	a->stolen[0] = fd;
	CHECK_EQ(st_run(none, read_fd_number, a, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EPERM);
	close(fd);

	/* B was never disturbed: it answers its client, its secret kept */
	CHECK_EQ(send(b_peer, "hello", 5, 0), 5);
	CHECK_EQ(sthread_join(b_thread, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, 5);
	CHECK_EQ(recv(b_peer, echo, sizeof(echo), 0), 5);
	CHECK(memcmp(echo, "hello", 5) == 0);
	CHECK(memcmp(b->buf, b_secret, SECRET_LEN) == 0);
	CHECK(secrets_kept("the end"));
	/* and the gate, used properly, still knows the key */
	{
		void *ret = NULL;
		long word;
		memcpy(&word, key, sizeof(word));
		CHECK_EQ(cgate_call(a->check, NULL, 0, (void *)word, &ret), 0);
		CHECK_EQ((long)ret, 1);
		CHECK_EQ(cgate_call(a->check, NULL, 0, (void *)(word ^ 1), &ret), 0);
		CHECK_EQ((long)ret, 0);
	}
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK_EQ(system(path), 0);
	return tl_finish(TEST_NAME);
}
