/* Page tables of the program's own, loaded with load_cr3, as wedge's
 * sthreads use them (written here after apps/wedge/sthread.c):
 *  - a clone of pgroot, PTE_U cleared everywhere (default deny), given back
 *    to user code's text and stack; a writable segment remapped to a
 *    private copy (PTE_ADDR of other pages, P|W|U);
 *  - load_cr3((uintptr_t)root | CR3_NOFLUSH | id), dune_jump_to_user, then
 *    load_cr3((uintptr_t)pgroot | CR3_NOFLUSH | 0): user code runs under
 *    the loaded table: it sees its private copy, writes go there (and set
 *    PTE_D in that table), a page not granted faults;
 *  - two such tables with different PCIDs, alternated: each sees its own
 *    copy, the program sees the original;
 *  - without PCIDs (PVM, CPUs without them) the no-flush bit and the PCID
 *    are dropped with one message, once. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libdune/dune.h"
#include "testlib.h"

#define PG 4096UL

static char ustack[16 * PG] __attribute__((aligned(4096)));
static volatile long data_seg[2 * PG / sizeof(long)] __attribute__((aligned(4096)));
static volatile long secret[PG / sizeof(long)] __attribute__((aligned(4096)));

extern char u_text_start[], u_text_end[];
void u_read(void), u_write(void);
asm(".pushsection .text.peer_cr3,\"ax\"\n"
    ".balign 4096\n"
    "u_text_start:\n"
    "u_read: mov (%rdi), %rdi; mov $500, %eax; syscall; ud2\n"
    "u_write: mov %rsi, (%rdi); mov (%rdi), %rdi; mov $500, %eax; syscall; ud2\n"
    ".balign 4096\n"
    "u_text_end:\n"
    ".popsection\n");

struct sthread {
	ptent_t *root;
	int id;
	char *priv; /* private copy of data_seg */
	uintptr_t walk;
};

static void on_syscall(struct dune_tf *tf)
{
	if (tf->rax == 500)
		dune_ret_from_user((int)tf->rdi);
	dune_ret_from_user(-2);
}

static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)fec;
	dune_ret_from_user((tf->cs & 3) == 3 && addr == (uintptr_t)secret ? -14 : -15);
}

static int in(uintptr_t a, const volatile void *start, uintptr_t len)
{
	return a >= (uintptr_t)start && a < (uintptr_t)start + len;
}

static int walk_protect(const void *arg, ptent_t *pte, void *va)
{
	uintptr_t a = (uintptr_t)va;
	(void)arg;
	*pte &= ~PTE_U; /* default deny */
	if (in(a, u_text_start, (uintptr_t)(u_text_end - u_text_start)) ||
	    in(a, ustack, sizeof(ustack)))
		*pte |= PTE_U;
	return 0;
}

static int walk_remap(const void *arg, ptent_t *pte, void *va)
{
	struct sthread *s = (struct sthread *)arg;
	(void)va;
	*pte = dune_va_to_pa(s->priv + s->walk) | PTE_P | PTE_W | PTE_U;
	s->walk += PG;
	return 0;
}

static int walk_dirty(const void *arg, ptent_t *pte, void *va)
{
	(void)va;
	if (*pte & PTE_D)
		(*(int *)arg)++;
	return 0;
}

static void make_sthread(struct sthread *s, int id, long value)
{
	s->id = id;
	s->priv = mmap(NULL, sizeof(data_seg), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	CHECK(s->priv != MAP_FAILED);
	memcpy(s->priv, (const void *)data_seg, sizeof(data_seg));
	((long *)s->priv)[0] = value;
	s->root = dune_vm_clone(pgroot);
	CHECK(s->root != NULL);
	dune_vm_page_walk(s->root, VA_START, VA_END, walk_protect, s);
	s->walk = 0;
	dune_vm_page_walk(s->root, (void *)data_seg, (void *)((uintptr_t)data_seg + sizeof(data_seg) - PG),
			  walk_remap, s);
}

static int run_in(struct sthread *s, void (*fn)(void), uintptr_t rdi, long rsi)
{
	struct dune_tf tf;
	int r;
	memset(&tf, 0, sizeof(tf));
	tf.rip = (uint64_t)fn;
	tf.rsp = (uint64_t)(ustack + sizeof(ustack)) - 8;
	tf.rflags = 0x02;
	tf.rdi = rdi;
	tf.rsi = (uint64_t)rsi;
	load_cr3((uintptr_t)s->root | CR3_NOFLUSH | (unsigned)s->id);
	r = dune_jump_to_user(&tf);
	load_cr3((uintptr_t)pgroot | CR3_NOFLUSH | 0);
	return r;
}

static int guest_has_pcid(void)
{
	unsigned a = 1, b, c = 0, d;
	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (c >> 17) & 1;
}

/* in a child whose stderr is kept: libdune's message is counted there */
static int body(void)
{
	struct sthread a, b;
	int dirty = 0;

	tl_enter();
	dune_register_syscall_handler(on_syscall);
	dune_register_pgflt_handler(on_pf);

	data_seg[0] = 1;
	make_sthread(&a, 1, 100);
	make_sthread(&b, 2, 200);

	/* each sees its own copy, alternately, with no flush asked for */
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(run_in(&a, u_read, (uintptr_t)data_seg, 0), 100 + i);
		CHECK_EQ(run_in(&b, u_read, (uintptr_t)data_seg, 0), 200 + i);
		CHECK_EQ(data_seg[0], 1);
		CHECK_EQ(run_in(&a, u_write, (uintptr_t)data_seg, 101 + i), 101 + i);
		CHECK_EQ(run_in(&b, u_write, (uintptr_t)data_seg, 201 + i), 201 + i);
	}
	CHECK_EQ(((long *)a.priv)[0], 103);
	CHECK_EQ(((long *)b.priv)[0], 203);
	CHECK_EQ(data_seg[0], 1);

	/* the write set PTE_D in that table (wedge's recycle reads it) */
	dune_vm_page_walk(a.root, (void *)data_seg, (void *)((uintptr_t)data_seg + sizeof(data_seg) - PG),
			  walk_dirty, &dirty);
	CHECK_EQ(dirty, 1);

	/* default deny: a page not granted faults in user mode */
	CHECK_EQ(run_in(&a, u_read, (uintptr_t)secret, 0), -14);
	/* the program itself still reaches everything */
	secret[0] = 7;
	CHECK_EQ(secret[0], 7);
	return (tl_failures ? 1 : 0) | (dune_guest_ring() == 3 ? 2 : 0) | (guest_has_pcid() ? 4 : 0);
}

static void run_body(void *arg)
{
	(void)arg;
	exit(body());
}

int main(void)
{
	char text[8192];
	int r, notes, ring3, pcid;

	tl_watchdog(120);
	r = tl_child_for(run_body, NULL, text, sizeof(text), 100);
	fputs(text, stderr); /* libdune's own words, whatever happened */
	r = WIFEXITED(r) ? WEXITSTATUS(r) : 128 + WTERMSIG(r);
	CHECK(r >= 0 && r < 8);
	CHECK_EQ(r & 1, 0);
	ring3 = (r >> 1) & 1;
	pcid = (r >> 2) & 1;
	notes = tl_count(text, "CR3_NOFLUSH/PCIDs");
	CHECK(notes <= 1);
	if (r >= 0 && r < 8) {
		if (ring3)
			CHECK_EQ(notes, 1); /* a deprivileged guest has no PCIDs */
		else if (pcid)
			CHECK_EQ(notes, 0);
		else
			CHECK_EQ(notes, 1);
	}
	printf("PCID message: %d (guest ring %d, CPUID PCID %d)\n", notes, ring3 ? 3 : 0, pcid);
	return tl_finish("peer_cr3");
}
