/* Callgates: a gate runs with its own, larger context (here: the only one
 * that can read a key), entered only at its start, returning a value.
 *  - an sthread gets the gate's value; it cannot read the key itself, nor
 *    by calling the gate's function directly (that runs with its own
 *    context), nor call a gate its context lacks (EPERM, or killed);
 *  - lent tags: visible to the gate for the call only; a tag the caller
 *    does not hold, or holds read-only, cannot be lent read/write;
 *  - a gate's fault, exit or killed call fails the call (-EFAULT,
 *    -ECHILD, -EPERM); the caller goes on;
 *  - the caller's registers (general and SSE) come back as they were,
 *    with nothing of the gate's; each call starts from the gate's first
 *    state (globals, stack);
 *  - nested gates, and too deep a nesting (-ELOOP); the program may call
 *    a gate itself. */
#include <sys/syscall.h>

#include "sttest.h"

#define SYS_ST_CGATE 0x53540002L /* lib/user.h: the gate call itself */

enum { G_SUM, G_READ_ARG, G_FAULT, G_EXIT, G_DENIED, G_COUNT, G_STACK_WRITE, G_STACK_READ,
       G_NEST, G_RECURSE, G_CLOBBER };

struct msg {
	long op;
	long value;
	long out;
	struct cgate *next; /* G_NEST */
	tag_t io;           /* ... lent to it */
};

static struct cgate *gate, *inner;
static long gate_calls; /* a global of the gate's: each call starts from 0 */

void *gate_clobber(void *trusted, void *arg);
void regs_after_gate(struct cgate *g, void *msg, uint64_t out[15]);
asm(".text\n"
    /* a gate's function: every register it may leave behind, marked */
    "gate_clobber: mov $0x6a7e6a7e, %eax; movq %rax, %xmm0;"
    " pshufd $0, %xmm0, %xmm0; movdqa %xmm0, %xmm1; movdqa %xmm0, %xmm7;"
    " movdqa %xmm0, %xmm15; mov %rax, %rbx; mov %rax, %rbp; mov %rax, %r12;"
    " mov %rax, %r13; mov %rax, %r14; mov %rax, %r15; mov %rax, %r8; mov %rax, %r9;"
    " mov %rax, %r10; mov %rax, %rsi; mov %rax, %rdi; mov $7, %eax; ret\n"
    /* the caller: known values, the gate call (rdi gate, rsi message),
     * then every register as it came back into out[] (rdx) */
    "regs_after_gate: push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15;"
    " push %rdx; mov $0x1111, %eax; movq %rax, %xmm1; movq %rax, %xmm7; movq %rax, %xmm15;"
    " mov $0x2222, %ebx; mov $0x3333, %ebp; mov $0x4444, %r12d; mov $0x5555, %r13d;"
    " mov $0x6666, %r14d; mov $0x7777, %r15d; mov $0x8888, %r8d; mov $0x9999, %r9d;"
    " mov %rsi, %r10; xor %esi, %esi; xor %edx, %edx;"
    " mov $0x53540002, %eax; syscall;"
    " pop %rcx; mov %rbx, 0(%rcx); mov %rbp, 8(%rcx); mov %r12, 16(%rcx);"
    " mov %r13, 24(%rcx); mov %r14, 32(%rcx); mov %r15, 40(%rcx); mov %r8, 48(%rcx);"
    " mov %r9, 56(%rcx); mov %r10, 64(%rcx); mov %rdx, 72(%rcx); mov %rax, 80(%rcx);"
    " movq %xmm1, 88(%rcx); pextrq $1, %xmm1, 96(%rcx); movq %xmm7, 104(%rcx);"
    " movq %xmm15, 112(%rcx);"
    " pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx; ret\n");

static long sys1(long nr, long a)
{
	long r;
	asm volatile("syscall" : "=a"(r) : "a"(nr), "D"(a) : "rcx", "r11", "memory");
	return r;
}

/* the gate's function: trusted = the key, arg = the caller's message */
static void *gate_fn(void *trusted, void *arg)
{
	const long *key = trusted;
	struct msg *m = arg;
	volatile char stack[512];
	void *ret = NULL;

	switch (m->op) {
	case G_SUM:
		m->out = m->value + key[0] + key[1];
		return (void *)(key[2] ^ m->value);
	case G_READ_ARG:
		return (void *)m->value;
	case G_FAULT:
		return (void *)(long)*tl_bad_ptr(0x10);
	case G_EXIT:
		sys1(SYS_exit_group, 5);
		return NULL;
	case G_DENIED:
		return (void *)sys1(SYS_getppid, 0);
	case G_COUNT:
		return (void *)++gate_calls;
	case G_STACK_WRITE:
		for (int i = 0; i < 512; i++)
			stack[i] = 'K';
		return NULL;
	case G_STACK_READ:
		/* what the last call left where this one's locals are: nothing */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
		for (int i = 0; i < 512; i++)
			if (stack[i] == 'K')
				return (void *)1;
#pragma GCC diagnostic pop
		return (void *)0;
	case G_NEST: {
		struct cgate_grant g = { m->io, SC_RW };
		m->op = G_SUM;
		if (cgate_call(m->next, &g, 1, m, &ret))
			return (void *)-1;
		return (void *)((long)ret + 1000);
	}
	}
	return NULL;
}

/* a gate bound to the next gate of a chain: its value, or its failure */
static void *chain_fn(void *next, void *arg)
{
	void *ret;
	int r;
	if (!next)
		return (void *)100L;
	r = cgate_call(next, NULL, 0, arg, &ret);
	return r ? (void *)(long)r : ret;
}

/* the sthread side: calls the gate with the message lent read/write */
struct call {
	struct cgate *gate;
	tag_t io;
	struct msg *m;
	int mode, direct;
	long status;
	long *key;
};

static void *caller(void *arg)
{
	struct call *c = arg;
	struct cgate_grant g = { c->io, c->mode };
	void *ret = NULL;
	if (c->direct) /* the gate's code, run without the gate */
		return gate_fn(c->key, c->m);
	c->status = cgate_call(c->gate, c->io ? &g : NULL, c->io ? 1 : 0, c->m, &ret);
	return ret;
}

/* the same, the status as its value (for a caller that may not write) */
static void *caller_status(void *arg)
{
	struct call *c = arg;
	struct cgate_grant g = { c->io, c->mode };
	return (void *)(long)cgate_call(c->gate, &g, 1, c->m, NULL);
}

static void *read_key(void *arg)
{
	return (void *)*(volatile long *)arg;
}

/* 1 if every register came back as the caller left it, the status (rax)
 * 0 and the value (rdx) 7; else which one did not, from 100 up */
static void *regs(void *arg)
{
	struct call *c = arg;
	uint64_t out[15];
	const uint64_t want[15] = { 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888, 0x9999,
				    (uint64_t)c->m, 7, 0, 0x1111, 0, 0x1111, 0x1111 };
	regs_after_gate(c->gate, c->m, out);
	for (int i = 0; i < 15; i++)
		if (out[i] != want[i])
			return (void *)(100L + i);
	return (void *)1;
}

int main(void)
{
	struct sthread_end end;
	struct sc *gate_sc, *sc, *no_gate, *inner_sc;
	tag_t key_tag, io, other;
	long *key;
	struct call *c;
	struct msg *m;
	void *ret;

	st_start(180);
	key_tag = tag_new(4096);
	io = tag_new(4096);
	other = tag_new(4096);
	key = smalloc(key_tag, 4 * sizeof(long));
	key[0] = 1000;
	key[1] = 200;
	key[2] = 0x5a5a;
	c = smalloc(io, sizeof(*c));
	m = smalloc(io, sizeof(*m));

	inner_sc = sc_new();
	CHECK_EQ(sc_mem_add(inner_sc, key_tag, SC_READ), 0);
	inner = cgate_new(inner_sc, gate_fn, key);
	gate_sc = sc_dup(inner_sc);
	CHECK_EQ(sc_cgate_add(gate_sc, inner), 0);
	sc_set_deny(gate_sc, SC_DENY_KILL);
	gate = cgate_new(gate_sc, gate_fn, key);
	CHECK(gate && inner);

	sc = sc_new();
	CHECK_EQ(sc_mem_add(sc, io, SC_RW), 0);
	CHECK_EQ(sc_cgate_add(sc, gate), 0);
	no_gate = sc_new();
	CHECK_EQ(sc_mem_add(no_gate, io, SC_RW), 0);

	c->gate = gate;
	c->io = io;
	c->m = m;
	c->mode = SC_RW;
	c->key = key;

	/* the gate's value, and its write into the lent tag */
	m->op = G_SUM;
	m->value = 3;
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, 0);
	CHECK_EQ((long)end.ret, 0x5a5a ^ 3);
	CHECK_EQ(m->out, 1203);
	/* the key: not from the sthread, nor through the gate's own code */
	CHECK_EQ(st_run(sc, read_key, key, &end), STHREAD_FAULTED);
	CHECK_EQ(end.addr, (uintptr_t)key);
	c->direct = 1;
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_FAULTED);
	CHECK_EQ(end.addr, (uintptr_t)key);
	c->direct = 0;
	/* a gate the context does not have */
	CHECK_EQ(st_run(no_gate, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, -EPERM);
	sc_set_deny(no_gate, SC_DENY_KILL);
	CHECK_EQ(st_run(no_gate, caller, c, &end), STHREAD_KILLED);

	/* lending: read-only for the call, then gone */
	c->mode = SC_READ;
	m->op = G_READ_ARG;
	m->value = 77;
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, 0);
	CHECK_EQ((long)end.ret, 77);
	m->op = G_SUM; /* writes m->out: a fault in the gate, -EFAULT here */
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, -EFAULT);
	c->io = NULL; /* not lent: the gate cannot read the message */
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, -EFAULT);
	c->io = other; /* a tag the caller does not hold */
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, -EINVAL);
	{
		struct sc *ro = sc_new();
		CHECK_EQ(sc_mem_add(ro, io, SC_READ), 0);
		CHECK_EQ(sc_cgate_add(ro, gate), 0);
		c->io = io;
		c->mode = SC_RW; /* more than it holds */
		CHECK_EQ(st_run(ro, caller_status, c, &end), STHREAD_RETURNED);
		CHECK_EQ((long)end.ret, -EINVAL);
		sc_free(ro);
	}
	c->io = io;
	c->mode = SC_RW;

	/* the gate fails, the caller goes on */
	m->op = G_FAULT;
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, -EFAULT);
	m->op = G_EXIT;
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, -ECHILD);
	m->op = G_DENIED; /* getppid is not in the gate's context; it kills */
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, -EPERM);

	/* registers: the caller's back, none of the gate's */
	{
		struct sc *none = sc_new();
		struct cgate *clobber = cgate_new(none, gate_clobber, NULL);
		CHECK_EQ(sc_cgate_add(sc, clobber), 0);
		c->gate = clobber;
		CHECK_EQ(st_run(sc, regs, c, &end), STHREAD_RETURNED);
		CHECK_EQ((long)end.ret, 1);
		c->gate = gate;
		sc_free(none);
	}
	/* each call from the gate's first state: globals and stack */
	m->op = G_COUNT;
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
		CHECK_EQ((long)end.ret, 1);
	}
	m->op = G_STACK_WRITE;
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	m->op = G_STACK_READ;
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, 0);
	CHECK_EQ((long)end.ret, 0);

	/* a gate calling a gate; a gate calling itself too deep */
	m->op = G_NEST;
	m->value = 4;
	m->next = inner;
	m->io = io;
	CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
	CHECK_EQ(c->status, 0);
	CHECK_EQ((long)end.ret, (0x5a5a ^ 4) + 1000);
	/* a chain of gates, each allowed the next: 4 deep is fine, 5 not */
	{
		struct cgate *chain[6] = { NULL };
		for (int i = 0; i < 6; i++) {
			struct sc *csc = sc_new();
			if (i)
				CHECK_EQ(sc_cgate_add(csc, chain[i - 1]), 0);
			chain[i] = cgate_new(csc, chain_fn, i ? chain[i - 1] : NULL);
			sc_free(csc);
		}
		CHECK_EQ(sc_cgate_add(sc, chain[3]), 0);
		CHECK_EQ(sc_cgate_add(sc, chain[5]), 0);
		c->io = NULL;
		c->gate = chain[3];
		CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
		CHECK_EQ(c->status, 0);
		CHECK_EQ((long)end.ret, 100);
		c->gate = chain[5];
		CHECK_EQ(st_run(sc, caller, c, &end), STHREAD_RETURNED);
		CHECK_EQ(c->status, 0);
		CHECK_EQ((long)end.ret, -ELOOP);
		c->gate = gate;
		c->io = io;
	}

	/* the program may call the gate itself */
	m->op = G_SUM;
	m->value = 9;
	{
		struct cgate_grant g = { io, SC_RW };
		CHECK_EQ(cgate_call(gate, &g, 1, m, &ret), 0);
		CHECK_EQ((long)ret, 0x5a5a ^ 9);
		CHECK_EQ(m->out, 1209);
	}
	return tl_finish("st_gates");
}
