/* User code under a page table of the program's own (dune_set_user_root),
 * while the program and its handlers stay on theirs:
 *  - user code sees the root's frame at an address where pgroot has
 *    another; an address the root does not map faults (FEC_U, CR2);
 *  - ring 0's pages libdune adds to the root are not user-accessible;
 *  - a handler runs under the program's table (it reads the program's
 *    value at that same address);
 *  - a handler may switch the root of the frame it returns to;
 *  - two threads run user code under two roots at once, each seeing its
 *    own frame at the same address;
 *  - NULL brings back the default (the program's memory).
 * The same on every host: the user view (PVM) and ring 0 below ring 3. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "common/state.h" /* the IDT's address */
#include "testlib.h"

#define SYS_REPORT 600  /* ends user mode with rdi */
#define SYS_SWITCH 601  /* the handler switches to the other root */
#define SYS_PEEK 602    /* the handler reports what it reads at rdi */

/* user code in a page of its own, so that a root maps exactly it */
void u_read_report(void), u_switch_read(void), u_peek(void), u_loop(void);
asm(".pushsection .text.uroot_test, \"ax\"\n"
    ".balign 4096\n"
    "u_code_start:\n"
    /* report *rdi */
    "u_read_report: mov (%rdi), %rdi; mov $600, %eax; syscall; ud2\n"
    /* switch roots in the handler, then report *rdi */
    "u_switch_read: mov %rdi, %rbx; mov $601, %eax; syscall; mov (%rbx), %rdi;"
    " mov $600, %eax; syscall; ud2\n"
    /* the handler's own view of rdi, reported */
    "u_peek: mov $602, %eax; syscall; mov %rax, %rdi; mov $600, %eax; syscall; ud2\n"
    /* rsi times: *rdi must equal rdx, else report 0; then report 1 */
    "u_loop: 1: cmp (%rdi), %rdx; jne 2f; dec %rsi; jnz 1b; mov $1, %edi;"
    " mov $600, %eax; syscall; ud2\n"
    "2: xor %edi, %edi; mov $600, %eax; syscall; ud2\n"
    ".balign 4096\n"
    ".popsection\n");
extern char u_code_start[];

/* the address both kinds of table map, differently */
static uint64_t shared_page[512] __attribute__((aligned(4096)));
static uint64_t other_global __attribute__((aligned(4096)));

struct root {
	ptent_t *table;
	uint64_t *data;   /* its frame at &shared_page */
	uint8_t *stack;   /* a page mapped at its own address */
};
static struct root roots[2];
static __thread int on_root; /* which root the handler switches away from */

static ptent_t *new_page(void)
{
	struct page *pg = dune_page_alloc();
	return pg ? (ptent_t *)dune_page2pa(pg) : NULL;
}

static int map(ptent_t *root, void *va, void *frame_va, ptent_t flags)
{
	ptent_t *pte;
	int r = dune_vm_lookup(root, va, CREATE_NORMAL, &pte);
	if (r)
		return r;
	*pte = dune_va_to_pa(frame_va) | PTE_P | PTE_U | flags;
	return 0;
}

static int make_root(struct root *r, uint64_t value)
{
	r->table = new_page();
	r->data = (uint64_t *)new_page();
	r->stack = (uint8_t *)new_page();
	if (!r->table || !r->data || !r->stack)
		return -1;
	r->data[0] = value;
	if (map(r->table, u_code_start, u_code_start, 0) ||
	    map(r->table, shared_page, r->data, PTE_NX) ||
	    map(r->table, r->stack, r->stack, PTE_W | PTE_NX))
		return -1;
	return 0;
}

static void on_syscall(struct dune_tf *tf)
{
	switch (tf->rax) {
	case SYS_REPORT:
		dune_ret_from_user((int)tf->rdi);
	case SYS_SWITCH:
		on_root ^= 1;
		tf->rax = (uint64_t)dune_set_user_root(roots[on_root].table);
		return;
	case SYS_PEEK:
		tf->rax = *(volatile uint64_t *)tf->rdi;
		return;
	default:
		dune_ret_from_user(-2);
	}
}

static uintptr_t expect_addr;

static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	if ((tf->cs & 3) != 3 || !(fec & FEC_U)) {
		dune_printf("FAIL page fault not from user mode: addr 0x%lx fec 0x%lx\n",
			    (unsigned long)addr, (unsigned long)fec);
		dune_die();
	}
	dune_ret_from_user(addr == expect_addr ? 14 + (fec & FEC_P ? 100 : 0) : -14);
}

static void on_ud(struct dune_tf *tf)
{
	dune_ret_from_user((tf->cs & 3) == 3 ? -6 : -7);
}

static int run_on(int which, void (*fn)(void), uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	struct dune_tf tf;
	memset(&tf, 0, sizeof(tf));
	on_root = which;
	if (which >= 0 && dune_set_user_root(roots[which].table))
		return -100;
	if (which < 0 && dune_set_user_root(NULL))
		return -101;
	tf.rip = (uint64_t)fn;
	tf.rsp = which >= 0 ? (uint64_t)roots[which].stack + PGSIZE - 8 : 0;
	tf.rflags = 0x202;
	tf.rdi = rdi;
	tf.rsi = rsi;
	tf.rdx = rdx;
	return dune_jump_to_user(&tf);
}

static long loops;

static void *concurrent(void *arg)
{
	int which = (int)(long)arg;
	long ok = 0;
	for (long i = 0; i < loops; i++)
		ok += run_on(which, u_loop, (uint64_t)shared_page, 50, which ? 0xbbbb : 0xaaaa) == 1;
	dune_set_user_root(NULL);
	return (void *)ok;
}

int main(void)
{
	pthread_t t[2];
	void *res[2];

	tl_watchdog(120);
	tl_enter();
	dune_register_syscall_handler(on_syscall);
	dune_register_pgflt_handler(on_pf);
	dune_register_intr_handler(T_ILLOP, on_ud);
	shared_page[0] = 0x1111;
	other_global = 0x2222;
	CHECK_EQ(make_root(&roots[0], 0xaaaa), 0);
	CHECK_EQ(make_root(&roots[1], 0xbbbb), 0);

	/* not a pool page: refused */
	CHECK_EQ(dune_set_user_root((ptent_t *)shared_page), -EINVAL);

	/* the root's frame, not pgroot's */
	CHECK_EQ(run_on(0, u_read_report, (uint64_t)shared_page, 0, 0), 0xaaaa);
	CHECK_EQ(run_on(1, u_read_report, (uint64_t)shared_page, 0, 0), 0xbbbb);
	/* the program's memory the root leaves out */
	expect_addr = (uintptr_t)&other_global;
	CHECK_EQ(run_on(0, u_read_report, (uint64_t)&other_global, 0, 0), 14);
	/* ring 0's pages are in the root, but not for user code */
	expect_addr = dune_state.idt_base;
	CHECK_EQ(run_on(0, u_read_report, dune_state.idt_base, 0, 0), 114);
	/* the handler runs under the program's table */
	CHECK_EQ(run_on(0, u_peek, (uint64_t)shared_page, 0, 0), 0x1111);
	/* switched by a handler for the frame it returns to */
	CHECK_EQ(run_on(0, u_switch_read, (uint64_t)shared_page, 0, 0), 0xbbbb);
	CHECK_EQ(run_on(1, u_switch_read, (uint64_t)shared_page, 0, 0), 0xaaaa);
	/* back to the default: the program's memory */
	CHECK_EQ(run_on(-1, u_read_report, (uint64_t)shared_page, 0, 0), 0x1111);
	CHECK_EQ(shared_page[0], 0x1111);

	/* two vCPUs, two roots, the same address, at once */
	loops = tl_iters(200);
	for (long i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, concurrent, (void *)i), 0);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(pthread_join(t[i], &res[i]), 0);
	CHECK_EQ((long)res[0], loops);
	CHECK_EQ((long)res[1], loops);

	dune_vm_free(roots[0].table);
	dune_vm_free(roots[1].table);
	return tl_finish("ring3_user_root");
}
