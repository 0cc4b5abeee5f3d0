/* User memory named precisely (dune_init(false) + dune_set_user_memory):
 * user code runs from its region and reaches nothing of the program's
 * outside it, also memory mapped after the rule was set; user code's FS
 * base (dune_set_user_fs); the return hook sees every way back to user
 * code. On every host, like ring3_user. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testlib.h"

#define REGION (4UL << 20)

/* position-independent user code, copied into the region */
void u_code_start(void), u_code_end(void), u_load(void), u_fs(void), u_call(void);
asm(".text\n"
    "u_code_start:\n"
    "u_load: mov (%rdi), %rdi; mov $500, %eax; syscall; ud2\n"
    "u_fs: mov %fs:0, %rdi; mov $500, %eax; syscall; ud2\n"
    "u_call: mov $501, %eax; syscall; mov $501, %eax; syscall; mov %rax, %rdi;"
    " mov $500, %eax; syscall; ud2\n"
    "u_code_end:\n");

static char *region;
static long program_secret = 77;
static volatile uintptr_t fault_addr;
static volatile long hook_calls;

static void on_syscall(struct dune_tf *tf)
{
	if (tf->rax == 500)
		dune_ret_from_user((int)tf->rdi);
	tf->rax = 3; /* 501: answered */
}

static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)fec;
	fault_addr = addr;
	dune_ret_from_user((tf->cs & 3) == 3 ? -14 : -1);
}

static void on_return(struct dune_tf *tf)
{
	(void)tf;
	hook_calls++;
}

static int run(void (*fn)(void), uint64_t rdi)
{
	struct dune_tf tf;
	memset(&tf, 0, sizeof(tf));
	tf.rip = (uintptr_t)region + ((uintptr_t)fn - (uintptr_t)u_code_start);
	tf.rsp = (uintptr_t)region + REGION - 64;
	tf.rflags = 0x202;
	tf.rdi = rdi;
	return dune_jump_to_user(&tf);
}

int main(void)
{
	char *outside, *later;

	tl_watchdog(120);
	region = mmap(NULL, REGION, PROT_READ | PROT_WRITE | PROT_EXEC,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(region != MAP_FAILED);
	memcpy(region, (void *)u_code_start, (uintptr_t)u_code_end - (uintptr_t)u_code_start);
	((long *)(region + 0x1000))[0] = 42;
	((long *)(region + 0x2000))[0] = 4242; /* FS block */
	outside = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	outside[0] = 1;

	tl_require_vm();
	CHECK_EQ(dune_init(false), 0);
	CHECK_EQ(dune_enter(), 0);
	dune_register_syscall_handler(on_syscall);
	dune_register_pgflt_handler(on_pf);
	dune_register_user_return_hook(on_return);
	CHECK_EQ(dune_set_user_memory((uintptr_t)region, (uintptr_t)region + REGION), 0);

	CHECK_EQ(run(u_load, (uintptr_t)region + 0x1000), 42);      /* its own memory */
	CHECK_EQ(run(u_load, (uintptr_t)&program_secret), -14);     /* the program's */
	CHECK_EQ(fault_addr, (uintptr_t)&program_secret);
	CHECK_EQ(run(u_load, (uintptr_t)outside), -14);
	CHECK_EQ(run(u_load, (uintptr_t)dune_get_user_fs()), -14);  /* the program's TLS */

	/* memory mapped later follows the rule where it lands */
	later = mmap(region + REGION / 2, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(later == region + REGION / 2);
	((long *)later)[0] = 99;
	CHECK_EQ(run(u_load, (uintptr_t)later), 99);
	outside = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	outside[0] = 2;
	CHECK_EQ(run(u_load, (uintptr_t)outside), -14);
	/* a second range */
	CHECK_EQ(dune_add_user_memory((uintptr_t)outside, (uintptr_t)outside + 4096), 0);
	CHECK_EQ(run(u_load, (uintptr_t)outside), 2);
	CHECK_EQ(dune_add_user_memory((uintptr_t)region, (uintptr_t)region + 4096), -EEXIST);
	CHECK_EQ(run(u_load, (uintptr_t)&program_secret), -14);

	/* user code's FS base */
	dune_set_user_fs((uintptr_t)region + 0x2000);
	CHECK_EQ(run(u_fs, 0), 4242);
	CHECK_EQ(dune_get_user_fs(), (uintptr_t)region + 0x2000);
	CHECK(program_secret == 77); /* the program's own FS still works */

	/* the hook: after each of the two answered calls */
	hook_calls = 0;
	CHECK_EQ(run(u_call, 0), 3);
	CHECK_EQ(hook_calls, 2);
	/* libdune's own descriptors are known as such (they sit at the top of
	 * the descriptor space, above the soft limit when it is lower) */
	int owned = 0;
	for (int fd = 0; fd < 65536; fd++) {
		char path[64], link[128];
		ssize_t n;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (strstr(link, "kvm") || strstr(link, "dune")) {
			CHECK(dune_owns_fd(fd));
			owned++;
		}
	}
	CHECK(owned >= 2); /* the VM and this thread's vCPU at least */
	CHECK(!dune_owns_fd(1));
	return tl_finish("ring3_precise");
}
