/* User code as Dune's programs run it (written here after
 * bench/bench_dune_ring.c and apps/sandbox):
 *  - a page mapped with dune_vm_map_pages(PERM_R), no PTE_U: user code's
 *    write faults; the handler ORs PTE_P|PTE_W|PTE_U|PTE_A|PTE_D into the
 *    entry through dune_vm_lookup, flushes nothing, returns; the write
 *    then completes (one fault);
 *  - system-call arguments: ARG0..ARG5 are rdi rsi rdx r10 r8 r9, and the
 *    rcx slot holds the fourth too (where Dune's entry put it); a handler
 *    that changes ARG3 before dune_passthrough_syscall changes the call;
 *  - dune_pop_trap_frame resumes a frame with every register loaded. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libdune/dune.h"
#include "testlib.h"

#define MAP_ADDR 0x400000000000UL

static char ustack[64 * 1024] __attribute__((aligned(4096)));
static volatile int pf_count;
static volatile uint64_t args[7];
static int file_fd;

void u_touch(void), u_args(void), u_pwrite(void);
asm(".text\n"
    /* bench_dune_ring's userlevel_pgflt: a write, then a system call */
    "u_touch: movabs $0x400000000000, %rax; movb $1, (%rax); mov $186, %eax; syscall; ud2\n"
    "u_args: mov $1, %edi; mov $2, %esi; mov $3, %edx; mov $4, %r10d; mov $5, %r8d;"
    " mov $6, %r9d; mov $600, %eax; syscall; ud2\n"
    /* pwrite64(fd = rdi, buf = rsi, 1, offset 0): the handler moves it */
    "u_pwrite: mov $1, %edx; xor %r10d, %r10d; mov $18, %eax; syscall;"
    " mov %rax, %rdi; mov $601, %eax; syscall; ud2\n");

static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	ptent_t *pte;
	(void)fec;
	(void)tf;
	pf_count++;
	if (pf_count > 1 || dune_vm_lookup(pgroot, (void *)addr, 0, &pte))
		dune_ret_from_user(-1);
	*pte |= PTE_P | PTE_W | PTE_U | PTE_A | PTE_D;
}

static void on_syscall(struct dune_tf *tf)
{
	switch (tf->rax) {
	case SYS_gettid:
		dune_ret_from_user(0);
	case 600:
		args[0] = ARG0(tf);
		args[1] = ARG1(tf);
		args[2] = ARG2(tf);
		args[3] = ARG3(tf);
		args[4] = ARG4(tf);
		args[5] = ARG5(tf);
		args[6] = tf->rcx;
		dune_ret_from_user(0);
	case 601:
		dune_ret_from_user((int)ARG0(tf));
	case SYS_pwrite64:
		ARG3(tf) = 5; /* the sandbox's way: rewrite, then pass through */
		dune_passthrough_syscall(tf);
		return;
	default:
		dune_ret_from_user(-2);
	}
}

static int run(void (*fn)(void), uint64_t rdi, uint64_t rsi)
{
	struct dune_tf tf;
	memset(&tf, 0, sizeof(tf));
	tf.rip = (uint64_t)fn;
	tf.rsp = (uint64_t)(ustack + sizeof(ustack)) - 8;
	tf.rflags = 0x02;
	tf.rdi = rdi;
	tf.rsi = rsi;
	return dune_jump_to_user(&tf);
}

/* dune_pop_trap_frame: resume at pop_target with the frame's registers;
 * pop_target records them and returns from call_pop */
struct regs_seen {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rsp, rflags;
};
struct regs_seen seen;
uint64_t saved_rsp;
void call_pop(struct dune_tf *tf), pop_target(void);
asm(".text\n"
    "call_pop: push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15;"
    " mov %rsp, saved_rsp(%rip); call dune_pop_trap_frame\n"
    "pop_target: mov %rax, seen+0(%rip); mov %rbx, seen+8(%rip); mov %rcx, seen+16(%rip);"
    " mov %rdx, seen+24(%rip); mov %rsi, seen+32(%rip); mov %rdi, seen+40(%rip);"
    " mov %rbp, seen+48(%rip); mov %r8, seen+56(%rip); mov %r9, seen+64(%rip);"
    " mov %r10, seen+72(%rip); mov %r11, seen+80(%rip); mov %r12, seen+88(%rip);"
    " mov %r13, seen+96(%rip); mov %r14, seen+104(%rip); mov %r15, seen+112(%rip);"
    " mov %rsp, seen+120(%rip); pushfq; popq seen+128(%rip);"
    " mov saved_rsp(%rip), %rsp; pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx;"
    " ret\n");

static char pop_stack[4096] __attribute__((aligned(16)));

static void pop_trap_frame_checks(void)
{
	struct dune_tf tf;
	uint16_t cs, ss;
	memset(&tf, 0, sizeof(tf));
	asm volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
	tf.rax = 0x1001;
	tf.rbx = 0x1002;
	tf.rcx = 0x1003;
	tf.rdx = 0x1004;
	tf.rsi = 0x1005;
	tf.rdi = 0x1006;
	tf.rbp = 0x1007;
	tf.r8 = 0x1008;
	tf.r9 = 0x1009;
	tf.r10 = 0x100a;
	tf.r11 = 0x100b;
	tf.r12 = 0x100c;
	tf.r13 = 0x100d;
	tf.r14 = 0x100e;
	tf.r15 = 0x100f;
	tf.rip = (uint64_t)pop_target;
	tf.rsp = (uint64_t)(pop_stack + sizeof(pop_stack) - 64);
	tf.rflags = 0x202 | 0x1; /* CF set: rflags come from the frame */
	tf.cs = cs;
	tf.ss = ss;
	call_pop(&tf);
	CHECK_EQ(seen.rax, 0x1001);
	CHECK_EQ(seen.rbx, 0x1002);
	CHECK_EQ(seen.rcx, 0x1003);
	CHECK_EQ(seen.rdx, 0x1004);
	CHECK_EQ(seen.rsi, 0x1005);
	CHECK_EQ(seen.rdi, 0x1006);
	CHECK_EQ(seen.rbp, 0x1007);
	CHECK_EQ(seen.r8, 0x1008);
	CHECK_EQ(seen.r9, 0x1009);
	CHECK_EQ(seen.r10, 0x100a);
	CHECK_EQ(seen.r11, 0x100b);
	CHECK_EQ(seen.r12, 0x100c);
	CHECK_EQ(seen.r13, 0x100d);
	CHECK_EQ(seen.r14, 0x100e);
	CHECK_EQ(seen.r15, 0x100f);
	CHECK_EQ(seen.rsp, tf.rsp);
	CHECK(seen.rflags & 1);
}

int main(void)
{
	char path[] = "/tmp/peer_user_XXXXXX", buf[8] = { 0 };

	tl_watchdog(120);
	tl_enter();
	dune_register_pgflt_handler(on_pf);
	dune_register_syscall_handler(on_syscall);

	/* bench_dune_ring's test_pgflt */
	CHECK_EQ(dune_vm_map_pages(pgroot, (void *)MAP_ADDR, 1, PERM_R), 0);
	CHECK_EQ(run(u_touch, 0, 0), 0);
	CHECK_EQ(pf_count, 1);
	CHECK_EQ(*(volatile char *)MAP_ADDR, 1);

	/* the arguments, Dune's spellings */
	CHECK_EQ(run(u_args, 0, 0), 0);
	for (int i = 0; i < 6; i++)
		CHECK_EQ(args[i], i + 1);
	CHECK_EQ(args[6], 4); /* tf->rcx: ARG3 in Dune */

	/* ARG3 rewritten, then passed through: the byte lands at offset 5 */
	file_fd = mkstemp(path);
	CHECK(file_fd >= 0);
	unlink(path);
	CHECK_EQ(run(u_pwrite, (uint64_t)file_fd, (uint64_t)"z"), 1);
	CHECK_EQ(pread(file_fd, buf, sizeof(buf), 0), 6);
	CHECK_EQ(buf[5], 'z');
	CHECK_EQ(buf[0], 0);
	close(file_fd);

	pop_trap_frame_checks();
	return tl_finish("peer_user");
}
