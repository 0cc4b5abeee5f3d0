/*
 * kvm_smoke: smoke test for the emulated machines (tests/vm).
 *
 * Opens /dev/kvm, creates a VM with one vCPU in real mode and runs a tiny
 * guest that alternates `out` to port 0x10 (a counter) and `in` from port 0x11
 * (0 = go on, 1 = stop) and finally executes `hlt`.  Every exit reason, port,
 * direction and value is checked.  Exits 0 on success, 1 on failure.
 *
 * The behaviour depends on the name it is run under (argv[0]'s basename):
 *   ...broken...  the guest sends a wrong first value: must FAIL
 *   ...hang...    the guest spins forever (IF=1) and no watchdog is armed:
 *                 must be killed by the harness's per-test timeout (TIMEOUT)
 *   ...hang_noif  the same with IF=0 (under Bochs this freezes the machine)
 * Iterations: 2000 * DUNE_ITERS_SCALE (at least 3).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEM_SIZE 0x10000
#define CODE_GPA 0x1000

static const char *prog = "kvm_smoke";

static void die(const char *what)
{
	printf("%s: FAIL: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

static void fail(const char *fmt, unsigned long a, unsigned long b)
{
	printf("%s: FAIL: ", prog);
	printf(fmt, a, b);
	printf("\n");
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	int broken, hang;
	long iters;
	const char *s;

	prog = base ? base + 1 : (argc > 0 ? argv[0] : prog);
	broken = strstr(prog, "broken") != NULL;
	hang = strstr(prog, "hang") != NULL;
	setvbuf(stdout, NULL, _IONBF, 0);

	s = getenv("DUNE_ITERS_SCALE");
	iters = (long)(2000 * (s ? atof(s) : 1.0));
	if (iters < 3)
		iters = 3;
	printf("%s: DUNE_IN_EMULATOR=%s DUNE_ITERS_SCALE=%s iterations=%ld\n", prog,
	       getenv("DUNE_IN_EMULATOR") ? getenv("DUNE_IN_EMULATOR") : "(unset)",
	       s ? s : "(unset)", iters);
	if (!hang)
		alarm(60); /* watchdog: SIGALRM kills us, the harness sees FAIL */

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("open /dev/kvm");
	int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		fail("KVM_GET_API_VERSION returned %ld, expected %ld", api, KVM_API_VERSION);
	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0)
		fail("no KVM_CAP_USER_MEMORY (%lu%lu)", 0, 0);

	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	/* Needed by VMX without unrestricted guest for real mode; harmless elsewhere. */
	if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0)
		die("KVM_SET_TSS_ADDR");

	uint8_t *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap guest memory");

	/* Real-mode guest code at CODE_GPA. */
	const uint8_t code_ok[] = {
		0xb3, 0x42,       /* 0: mov $0x42, %bl */
		0x88, 0xd8,       /* 2: mov %bl, %al */
		0xe6, 0x10,       /* 4: out %al, $0x10 */
		0xfe, 0xc3,       /* 6: inc %bl */
		0xe4, 0x11,       /* 8: in $0x11, %al */
		0x84, 0xc0,       /* a: test %al, %al */
		0x74, 0xf4,       /* c: jz 2 */
		0xf4,             /* e: hlt */
	};
	const uint8_t code_hang[] = { 0xeb, 0xfe }; /* jmp . */
	if (hang)
		memcpy(mem + CODE_GPA, code_hang, sizeof(code_hang));
	else
		memcpy(mem + CODE_GPA, code_ok, sizeof(code_ok));
	if (broken)
		mem[CODE_GPA + 1] = 0x43; /* wrong first value */

	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");

	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	int runsz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (runsz < (int)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, runsz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	struct kvm_regs regs;
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rflags = 0x2;
	/*
	 * The spinning guest runs with IF=1: Bochs 2.7 turns the L1 timer
	 * interrupt into a VM exit only when the nested guest has IF set, so a
	 * guest spinning with IF=0 freezes the whole emulated machine there
	 * ("hang_noif" shows it; only the host-side limit ends that).
	 */
	if (hang && !strstr(prog, "noif"))
		regs.rflags |= 0x200;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");

	double t0 = now_us();
	long exits = 0;
	for (long i = 0; i < iters; i++) {
		/* out $0x10 */
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		exits++;
		if (run->exit_reason != KVM_EXIT_IO)
			fail("iteration %lu: exit reason %lu, expected KVM_EXIT_IO", i, run->exit_reason);
		if (run->io.direction != KVM_EXIT_IO_OUT || run->io.port != 0x10 || run->io.size != 1)
			fail("iteration %lu: unexpected I/O exit on port 0x%lx", i, run->io.port);
		uint8_t v = *((uint8_t *)run + run->io.data_offset);
		if (v != (uint8_t)(0x42 + i))
			fail("guest sent 0x%lx, expected 0x%lx", v, (uint8_t)(0x42 + i));
		/* in $0x11 */
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		exits++;
		if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_IN ||
		    run->io.port != 0x11)
			fail("iteration %lu: expected IN from port 0x11, got exit %lu", i, run->exit_reason);
		*((uint8_t *)run + run->io.data_offset) = (i == iters - 1);
	}
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		die("KVM_RUN");
	exits++;
	if (run->exit_reason != KVM_EXIT_HLT)
		fail("exit reason %lu after the loop, expected KVM_EXIT_HLT (%lu)", run->exit_reason,
		     KVM_EXIT_HLT);
	double t1 = now_us();

	printf("%s: PASS: %ld exits, %.1f us per exit\n", prog, exits, (t1 - t0) / exits);
	return 0;
}
