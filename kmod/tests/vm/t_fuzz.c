// SPDX-License-Identifier: GPL-2.0
/*
 * Random ioctls with random arguments on VM and vCPU fds, a fixed number of
 * times (DUNE_FUZZ_ITERS, default 20000; seed DUNE_FUZZ_SEED). Passes if
 * nothing crashes; a timer interrupts guests that run away.
 */
#include <sys/time.h>
#include "dtest.h"

static const unsigned long cmds[] = {
	DUNE_GET_INFO, DUNE_SET_SLOT, DUNE_CREATE_VCPU, DUNE_RUN, DUNE_GET_REGS,
	DUNE_SET_REGS, DUNE_GET_SREGS, DUNE_SET_SREGS, DUNE_GET_MSRS, DUNE_SET_MSRS,
	DUNE_GET_XCR0, DUNE_SET_XCR0, DUNE_GET_FPU, DUNE_SET_FPU,
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static uint8_t *buf;		/* 3 pages: random, random, PROT_NONE */

static void *random_arg(void)
{
	switch (rnd() % 8) {
	case 0: return NULL;
	case 1: return (void *)(uintptr_t)rnd();
	case 2: return (void *)(uintptr_t)0xffffffff81000000ull;	/* kernel address */
	case 3: return buf + 8192 - (rnd() % 64);			/* runs into PROT_NONE */
	default: return buf + (rnd() % 64) * 8;
	}
}

static void randomize(void)
{
	size_t i;

	for (i = 0; i < 8192; i += 8) {
		uint64_t v = rnd();

		/* sometimes plausible values: small numbers, page-aligned addresses */
		switch (v % 4) {
		case 0: v &= 0xff; break;
		case 1: v &= ~0xfffull; v &= 0xffffffffffull; break;
		default: break;
		}
		memcpy(buf + i, &v, 8);
	}
}

int main(void)
{
	const char *s_iters = getenv("DUNE_FUZZ_ITERS");
	const char *s_seed = getenv("DUNE_FUZZ_SEED");
	long iters = s_iters ? atol(s_iters) : 20000;
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	struct sigaction sa;
	struct dt_vm vm;
	int vcpus[8], nvcpus = 0;
	long i, ok = 0;

	extern const char fuzz_guest_start[], fuzz_guest_end[];
	asm(".pushsection .rodata\nfuzz_guest_start:\n1: out %al, $0x50\njmp 1b\nfuzz_guest_end:\n.popsection");

	alarm(300);
	rng_state = s_seed ? strtoull(s_seed, NULL, 0) : 0x9e3779b97f4a7c15ull;
	printf("t_fuzz: %ld iterations, seed %#llx\n", iters, (unsigned long long)rng_state);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	buf = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	DT_CHECK(buf != MAP_FAILED, "mmap");
	mprotect(buf + 8192, 4096, PROT_NONE);
	dt_vm_create(&vm, fuzz_guest_start, fuzz_guest_end);
	vcpus[nvcpus++] = vm.vcpu;
	/* interrupts runaway guests (this replaces the alarm(); the harness has its own timeout) */
	setitimer(ITIMER_REAL, &it, NULL);

	for (i = 0; i < iters; i++) {
		unsigned long cmd;
		int fd, r;

		randomize();
		switch (rnd() % 4) {
		case 0: fd = vm.fd; break;
		case 1: fd = vcpus[rnd() % nvcpus]; break;
		case 2: fd = vm.vcpu; break;
		default: fd = (rnd() & 1) ? vm.fd : vm.vcpu; break;
		}
		switch (rnd() % 4) {
		case 0: cmd = (uint32_t)rnd(); break;
		case 1: cmd = _IOC(rnd() % 4, DUNE_IOCTL_MAGIC, rnd() % 0x20, rnd() % 0x3fff); break;
		default: cmd = cmds[rnd() % (sizeof(cmds) / sizeof(cmds[0]))]; break;
		}
		if (cmd == DUNE_SET_SLOT && (rnd() % 4) != 0) {
			/* mostly valid-looking slots over our own buffer, never slot 0 */
			struct dune_slot *s = (struct dune_slot *)buf;

			s->slot = 1 + rnd() % 8;
			s->flags = rnd() % 3 == 0 ? (uint32_t)rnd() : 0;
			s->gpa = DT_HIGH_GPA + (rnd() % 16) * 4096;
			s->size = (rnd() % 3) * 4096;
			s->hva = (uintptr_t)buf + (rnd() % 3) * 4096;
			r = ioctl(fd, cmd, buf);
		} else if (cmd == DUNE_CREATE_VCPU) {
			r = ioctl(vm.fd, cmd, rnd() % 4 ? 0 : rnd());
			if (r >= 0) {
				if (nvcpus < 8)
					vcpus[nvcpus++] = r;
				else
					close(r);
			}
		} else {
			r = ioctl(fd, cmd, random_arg());
		}
		if (r >= 0)
			ok++;
		if (i % 1000 == 0) {
			/* put the main vCPU back in a runnable state now and then */
			struct dune_sregs sr;
			struct dune_regs rg;

			dt_build_guest(vm.mem, &sr);
			memcpy(vm.mem + DT_CODE, fuzz_guest_start, fuzz_guest_end - fuzz_guest_start);
			ioctl(vm.vcpu, DUNE_SET_SREGS, &sr);
			memset(&rg, 0, sizeof(rg));
			rg.rip = DT_CODE;
			rg.rflags = 2;
			ioctl(vm.vcpu, DUNE_SET_REGS, &rg);
			printf("t_fuzz: %ld done, %ld accepted\n", i, ok);
			fflush(stdout);
		}
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	while (nvcpus > 1)
		close(vcpus[--nvcpus]);
	dt_vm_destroy(&vm);
	printf("t_fuzz: ok (%ld of %ld accepted)\n", ok, iters);
	return 0;
}
