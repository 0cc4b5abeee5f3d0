/*
 * floors.h - this host's floors: what the smallest guest pays for each
 * hardware event libdune's paths are made of, measured with a hand-written
 * guest on raw /dev/kvm (no libdune), with KVM's own exit counts.
 */
#ifndef FLOORS_H
#define FLOORS_H

enum floor_id {
	FLOOR_PIO,          /* port-I/O exit to userspace and back */
	FLOOR_MMIO,         /* MMIO exit to userspace and back */
	FLOOR_MMIO3,        /* the same, the store from ring 3 */
	FLOOR_CPUID,        /* an exit the kernel handles (cpuid) */
	FLOOR_SYSCALL3,     /* ring-3 `syscall` event to ring 0 and back */
	FLOOR_SYSCALL3_USER, /* the same with LSTAR on a user page (PVM: stays in ring 3) */
	FLOOR_TRAP3,        /* ring-3 int3 to a ring-0 handler, iretq back */
	FLOOR_TRAP0,        /* ring-0 #PF, iretq back */
	FLOOR_CR3,          /* mov to CR3 */
	FLOOR_INVLPG,       /* invlpg */
	FLOOR_PTE_CHANGE,   /* store to a live leaf entry + invlpg + use */
	FLOOR_PT_STORE,     /* store to a live leaf entry alone */
	FLOOR_PT_STORE3,    /* the same from ring 3 */
	FLOOR_FIRST_TOUCH,  /* first store to a page the host has not populated */
	NR_FLOORS
};

#define FLOOR_DETAIL_MAX 160

struct floor {
	const char *key;    /* short name for other tables ("trap3") */
	const char *what;   /* one line */
	long iters;
	double ns;          /* per operation, median of the repetitions; < 0: not measured */
	double exits;       /* KVM's per-vCPU `exits` per operation; < 0: no stats */
	double emulated;    /* `insn_emulation` per operation (PVM emulates ring 0) */
	char detail[FLOOR_DETAIL_MAX]; /* other counters per operation, nonzero ones */
	double spread;      /* floors_combine: max/min - 1 of the runs combined */
};

struct floors {
	int measured;       /* 0: /dev/kvm missing or the guest failed */
	char why[160];      /* ... and why */
	char syscall_path[80]; /* how the ring-3 syscall reached ring 0 */
	struct floor f[NR_FLOORS];
};

/* Measures every floor in a child process (its VM never meets the
 * caller's); iterations scaled by scale (DUNE_ITERS_SCALE). */
void floors_measure(struct floors *out, double scale);
void floors_print(const struct floors *fl);
/* out = the mean of a and b (measured around a run), spread noted */
void floors_combine(const struct floors *a, const struct floors *b, struct floors *out);

#endif
