// SPDX-License-Identifier: GPL-2.0
/*
 * EPT: faults outside every slot, slots added and deleted at run time,
 * host remaps seen by the guest (mmu_notifier), read-only host mappings
 * and read-only slots, and the vDSO's vvar page (VM_PFNMAP).
 */
#include "dtest.h"

/* read the first qword of the high GiB and report it, forever */
DT_GUEST(reader,
	"1: mov 0x40000000, %rax\n"
	"out %eax, $0x20\n"
	"jmp 1b\n");

/* read, report, write rdi there, report 0x22, stop */
DT_GUEST(writer,
	"mov 0x40000000, %rax\n"
	"out %eax, $0x20\n"
	"mov %rdi, 0x40000000\n"
	"mov $1, %eax\n"
	"out %eax, $0x22\n"
	"hlt\n");

static void *map_page(uint64_t value)
{
	uint64_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	DT_CHECK(p != MAP_FAILED, "mmap");
	p[0] = value;
	return p;
}

static void test_reader(void)
{
	struct dt_vm vm;
	struct dune_exit ex;
	uint64_t *page, *again;
	int i;

	dt_vm_create(&vm, reader_start, reader_end);
	/* no slot: the load is an MMIO exit, completed by the next RUN */
	dt_expect(&vm, &ex, DUNE_EXIT_MMIO, -1);
	DT_CHECK(ex.mmio.gpa == DT_HIGH_GPA && ex.mmio.len == 8 && !ex.mmio.is_write,
		 "no-slot load fields");
	ex.mmio.data = 0x10101010;
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x20);
	DT_CHECK(ex.io.value == 0x10101010, "mmio value %#x", ex.io.value);

	page = map_page(0x11111111);
	dt_set_slot(vm.fd, 1, DT_HIGH_GPA, 4096, page, 0);
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x20);
	DT_CHECK(ex.io.value == 0x11111111, "first value %#x", ex.io.value);

	/* host writes are visible (same page) */
	page[0] = 0x22222222;
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x20);
	DT_CHECK(ex.io.value == 0x22222222, "second value %#x", ex.io.value);

	/* replace the host page: the notifier must drop the old translation */
	again = mmap(page, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	DT_CHECK(again == page, "mmap fixed");
	again[0] = 0x33333333;
	for (i = 0; i < 3; i++) {
		dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x20);
		DT_CHECK(ex.io.value == 0x33333333, "after remap %#x", ex.io.value);
	}

	/* munmap: the guest gets a host fault */
	munmap(page, 4096);
	dt_expect(&vm, &ex, DUNE_EXIT_EPT_FAULT, -1);
	DT_CHECK(ex.ept.cause == DUNE_EPT_HOST_FAULT, "cause after munmap %u", ex.ept.cause);

	/* delete the slot: no slot again, so MMIO */
	dt_set_slot(vm.fd, 1, 0, 0, NULL, 0);
	dt_expect(&vm, &ex, DUNE_EXIT_MMIO, -1);
	DT_CHECK(ex.mmio.gpa == DT_HIGH_GPA, "mmio after delete");

	/* overlapping slots are refused */
	{
		struct dune_slot s = { .slot = 2, .gpa = 0x1000, .size = 4096,
				       .hva = (uintptr_t)vm.mem };

		DT_CHECK(ioctl(vm.fd, DUNE_SET_SLOT, &s) < 0 && errno == EEXIST, "overlap accepted");
	}
	dt_vm_destroy(&vm);
}

static void test_readonly(int slot_flag)
{
	struct dt_vm vm;
	struct dune_exit ex;
	struct dune_regs r;
	uint64_t *page = map_page(0x44444444);

	dt_vm_create(&vm, writer_start, writer_end);
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_REGS, &r) == 0, "GET_REGS");
	r.rdi = 0x55555555;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_REGS, &r) == 0, "SET_REGS");
	if (!slot_flag)
		DT_CHECK(mprotect(page, 4096, PROT_READ) == 0, "mprotect");
	dt_set_slot(vm.fd, 1, DT_HIGH_GPA, 4096, page, slot_flag ? DUNE_SLOT_READONLY : 0);

	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x20);
	DT_CHECK(ex.io.value == 0x44444444, "read-only read %#x", ex.io.value);
	dt_expect(&vm, &ex, DUNE_EXIT_EPT_FAULT, -1);
	DT_CHECK(ex.ept.cause == DUNE_EPT_HOST_FAULT && (ex.ept.qualification & DUNE_EPT_WRITE) &&
		 ex.ept.gpa == DT_HIGH_GPA, "write fault fields");
	/* the guest retries the write: still refused */
	dt_expect(&vm, &ex, DUNE_EXIT_EPT_FAULT, -1);

	if (slot_flag)
		dt_set_slot(vm.fd, 1, DT_HIGH_GPA, 4096, page, 0);
	else
		DT_CHECK(mprotect(page, 4096, PROT_READ | PROT_WRITE) == 0, "mprotect rw");
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x22);
	DT_CHECK(page[0] == 0x55555555, "guest write after unprotect: %#llx",
		 (unsigned long long)page[0]);
	dt_expect(&vm, &ex, DUNE_EXIT_HLT, -1);
	dt_vm_destroy(&vm);
	munmap(page, 4096);
}

/* the vvar page: VM_IO|VM_PFNMAP, read through follow_pte */
static void test_vvar(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long lo = 0, hi = 0;
	struct dt_vm vm;
	struct dune_exit ex;

	DT_CHECK(f, "maps");
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "[vvar]")) {
			sscanf(line, "%lx-%lx", &lo, &hi);
			break;
		}
	}
	fclose(f);
	if (!lo) {
		printf("t_ept: no [vvar] mapping, skipping that part\n");
		return;
	}
	dt_vm_create(&vm, reader_start, reader_end);
	/* the guest reads offset 0: the vdso_data page (pvclock pages may be absent) */
	dt_set_slot(vm.fd, 1, DT_HIGH_GPA, hi - lo, (void *)lo, 0);
	dt_run(&vm, &ex);
	if (ex.reason != DUNE_EXIT_IO) {
		dt_print_exit(&ex);
		DT_FAIL("vvar read did not complete");
	}
	printf("t_ept: vvar first word %#x\n", ex.io.value);
	dt_vm_destroy(&vm);
}

int main(void)
{
	alarm(120);
	test_reader();
	printf("t_ept: reader ok\n");
	test_readonly(0);
	printf("t_ept: read-only host mapping ok\n");
	test_readonly(1);
	printf("t_ept: read-only slot ok\n");
	test_vvar();
	printf("t_ept: ok\n");
	return 0;
}
