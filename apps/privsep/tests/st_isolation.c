/* Fault isolation and what one sthread leaves to the next:
 *  - every exception user code can raise (page fault, #UD, #DE, int3, a
 *    privileged instruction, a trap flag it set itself, a jump into
 *    libdune's entry code) ends that sthread only, reported to the joiner;
 *  - an sthread's stack, TLS, globals and registers are scrubbed: the next
 *    one on the same worker finds none of its marks;
 *  - smalloc/sfree from an sthread in a tag it may write; not in one it may
 *    only read; an sthread that overwrites a whole tag it may write does not
 *    corrupt the allocator (its records are outside the tag);
 *  - many sthreads: one at a time, and many at once each with a tag of its
 *    own that the others cannot read. */
#include <pthread.h>

#include "sttest.h"

static long global_mark;
static __thread long tls_mark;

static void *fault_read(void *arg)
{
	(void)arg;
	return (void *)(long)*tl_bad_ptr(0xdead000);
}

static void *fault_ud(void *arg)
{
	(void)arg;
	asm volatile("ud2");
	return NULL;
}

static void *fault_div(void *arg)
{
	long zero = (long)arg, r;
	asm volatile("xor %%edx, %%edx; mov $1, %%eax; idivq %1" : "=a"(r) : "r"(zero) : "rdx");
	return (void *)r;
}

static void *fault_int3(void *arg)
{
	(void)arg;
	asm volatile("int3");
	return NULL;
}

static void *fault_cr3(void *arg)
{
	long v;
	(void)arg;
	asm volatile("mov %%cr3, %0" : "=r"(v));
	return (void *)v;
}

static void *fault_hlt(void *arg)
{
	(void)arg;
	asm volatile("hlt");
	return NULL;
}

static void *fault_trap_flag(void *arg)
{
	(void)arg;
	asm volatile("pushf; orq $0x100, (%%rsp); popf; nop" ::: "memory", "cc");
	return NULL;
}

/* into libdune's ring-0 entry code, which is not user code's */
static void *fault_jump(void *arg)
{
	((void (*)(void))arg)();
	return NULL;
}

/* marks everywhere it owns */
static void *leave_marks(void *arg)
{
	volatile char stack[16384];
	(void)arg;
	for (size_t i = 0; i < sizeof(stack); i++)
		stack[i] = 'M';
	global_mark = 0x4d4d;
	tls_mark = 0x4d4d;
	asm volatile("mov $0x4d4d4d4d, %%eax; movq %%rax, %%xmm5; movq %%rax, %%xmm12" ::: "rax",
		     "xmm5", "xmm12");
	return (void *)(long)stack[100];
}

/* finds any of them? */
static void *find_marks(void *arg)
{
	volatile char stack[16384];
	long found = 0, x5, x12;
	(void)arg;
	asm volatile("movq %%xmm5, %0; movq %%xmm12, %1" : "=r"(x5), "=r"(x12));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
	for (size_t i = 0; i < sizeof(stack); i++)
		found += stack[i] == 'M';
#pragma GCC diagnostic pop
	if (global_mark || tls_mark)
		found += 100000;
	if (x5 || x12)
		found += 1000000;
	return (void *)found;
}

struct alloc_args {
	tag_t tag;
	long n;
};

static void *alloc_in(void *arg)
{
	struct alloc_args *a = arg;
	char *p = smalloc(a->tag, 100);
	if (!p)
		return NULL;
	p[0] = 'x';
	if (a->n)
		sfree(p);
	return p;
}

static void *trash(void *arg)
{
	void **t = arg;
	char *base = t[0];
	for (long i = 0; i < (long)t[1]; i++)
		base[i] = (char)0xff;
	return NULL;
}

struct own {
	long *mine, *other;
	long id;
};

static void *own_tag(void *arg)
{
	struct own *o = arg;
	*o->mine = o->id;
	for (int i = 0; i < 100; i++)
		asm volatile("pause");
	if (*o->mine != o->id)
		return (void *)-1;
	return (void *)(long)*tl_bad_ptr((unsigned long)o->other); /* must fault */
}

#define MANY 8

static struct {
	struct sc *sc;
	struct own *o;
	int how;
	uintptr_t addr;
} par[MANY];

static void *par_thread(void *arg)
{
	long i = (long)arg;
	struct sthread_end end;
	for (int k = 0; k < 5; k++) {
		par[i].how = st_run(par[i].sc, own_tag, par[i].o, &end);
		par[i].addr = end.addr;
		if (par[i].how != STHREAD_FAULTED)
			break;
	}
	return NULL;
}

extern char dune_entry_text_start[]; /* libdune's ring-0 entry code */

int main(void)
{
	struct sthread_end end;
	struct sc *none = sc_new();
	sthread_fn faults[] = { fault_read, fault_ud, fault_div, fault_int3, fault_cr3, fault_hlt,
				fault_trap_flag };
	int vectors[] = { T_PGFLT, T_ILLOP, T_DIVIDE, T_BRKPT, T_GPFLT, T_GPFLT, T_DEBUG };
	long rounds;

	st_start(240);
	sthread_set_max(1); /* one worker: every sthread on the same domain */
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		CHECK_EQ(st_run(none, faults[i], NULL, &end), STHREAD_FAULTED);
		CHECK_EQ(end.vector, vectors[i]);
	}
	CHECK_EQ(st_run(none, fault_jump, dune_entry_text_start, &end), STHREAD_FAULTED);
	CHECK_EQ(end.vector, T_PGFLT);

	/* nothing of one sthread reaches the next */
	CHECK_EQ(st_run(none, leave_marks, NULL, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, 'M');
	CHECK_EQ(st_run(none, find_marks, NULL, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, 0);
	CHECK_EQ(global_mark, 0);

	/* smalloc/sfree from sthreads; the allocator survives a trashed tag */
	{
		tag_t t = tag_new(8192);
		struct alloc_args *a = malloc(sizeof(*a));
		tag_t args = tag_new(4096);
		struct alloc_args *ia = smalloc(args, sizeof(*ia));
		struct sc *rw = sc_new(), *ro = sc_new();
		void **range = smalloc(args, 2 * sizeof(void *));
		char *p1, *p2;
		(void)a;
		ia->tag = t;
		ia->n = 0;
		CHECK_EQ(sc_mem_add(rw, t, SC_RW), 0);
		CHECK_EQ(sc_mem_add(rw, args, SC_READ), 0);
		CHECK_EQ(sc_mem_add(ro, t, SC_READ), 0);
		CHECK_EQ(sc_mem_add(ro, args, SC_READ), 0);
		CHECK_EQ(st_run(rw, alloc_in, ia, &end), STHREAD_RETURNED);
		p1 = end.ret;
		CHECK(p1 != NULL && *p1 == 'x');
		CHECK_EQ(st_run(ro, alloc_in, ia, &end), STHREAD_RETURNED);
		CHECK(end.ret == NULL);
		ia->n = 1; /* allocate and free again: the same block next time */
		CHECK_EQ(st_run(rw, alloc_in, ia, &end), STHREAD_RETURNED);
		p2 = end.ret;
		CHECK(p2 != NULL && p2 != p1);
		CHECK(smalloc(t, 100) == p2);
		tag_range(t, &range[0], (size_t *)&range[1]);
		CHECK_EQ(st_run(rw, trash, range, &end), STHREAD_RETURNED);
		CHECK_EQ((unsigned char)p1[0], 0xff);
		/* the records are where the sthread could not reach */
		sfree(p1);
		p2 = smalloc(t, 100);
		CHECK(p2 == p1);
		CHECK(smalloc(t, 8192) == NULL);
		/* a tag in use cannot go; a free one can */
		CHECK_EQ(tag_delete(t), 0);
		free(a);
	}

	/* many, one after the other: the same worker, no leak of slots */
	rounds = tl_iters(300);
	for (long i = 0; i < rounds; i++)
		if (st_run(none, find_marks, NULL, &end) != STHREAD_RETURNED || end.ret) {
			CHECK(!"sequential sthread");
			break;
		}

	/* many at once, each with a tag of its own */
	sthread_set_max(MANY);
	{
		pthread_t th[MANY];
		tag_t tags[MANY];
		for (int i = 0; i < MANY; i++)
			tags[i] = tag_new(4096);
		for (int i = 0; i < MANY; i++) {
			par[i].sc = sc_new();
			CHECK_EQ(sc_mem_add(par[i].sc, tags[i], SC_RW), 0);
			par[i].o = smalloc(tags[i], sizeof(struct own));
			par[i].o->mine = smalloc(tags[i], sizeof(long));
			par[i].o->id = i + 1;
		}
		for (int i = 0; i < MANY; i++)
			par[i].o->other = (long *)((uintptr_t)par[(i + 1) % MANY].o->mine);
		for (long i = 0; i < MANY; i++)
			CHECK_EQ(pthread_create(&th[i], NULL, par_thread, (void *)i), 0);
		for (int i = 0; i < MANY; i++)
			pthread_join(th[i], NULL);
		for (int i = 0; i < MANY; i++) {
			CHECK_EQ(par[i].how, STHREAD_FAULTED);
			CHECK_EQ(par[i].addr, (uintptr_t)par[i].o->other);
			CHECK_EQ(*par[i].o->mine, i + 1);
		}
	}
	return tl_finish("st_isolation");
}
