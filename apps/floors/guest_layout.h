/*
 * guest_layout.h - the floors guest's memory, ports and commands, shared by
 * the guest code (guest.S) and the host side (floors.c).
 *
 * Guest-virtual equals guest-physical, all below 2 MiB under one leaf table.
 */
#ifndef FLOORS_GUEST_LAYOUT_H
#define FLOORS_GUEST_LAYOUT_H

#define G_PML4 0x1000
#define G_PDPT 0x2000
#define G_PD 0x3000
#define G_PT 0x4000      /* the leaf table: maps 0..2 MiB in 4 KiB pages */
#define G_GDT 0x5000
#define G_IDT 0x6000
#define G_TSS 0x7000
#define G_MAILBOX 0x8000 /* host <-> guest, user-accessible */
#define G_SCRATCH 0x9000 /* the page the page-table and INVLPG floors change */
#define G_NOT_PRESENT 0xa000 /* never mapped: the ring-0 trap floor's #PF */
#define G_TRAP_STACK_TOP 0xe000 /* 0xc000..0xe000: TSS.RSP0, traps from ring 3 */
#define G_KSTACK_TOP 0x10000 /* 0xe000..0x10000: the dispatcher's */
#define G_USTACK_TOP 0x14000 /* 0x11000..0x14000, user */
#define G_CODE 0x20000   /* guest.S's kernel pages (supervisor), then its user pages */
#define G_MEM_SIZE 0x40000 /* memory slot 0: exactly this much, mapped */
#define G_PT_FRESH 0xb000 /* the leaf table of the fresh region */
#define G_FRESH 0x200000  /* slot 1, 2 MiB the host keeps unpopulated: first touches */
#define G_FRESH_SIZE 0x200000
#define G_MMIO 0x100000  /* mapped in the page table, no memory slot: MMIO exit */

#define PTE_INDEX(va) (((va) >> 12) & 511)
#define PDE_INDEX(va) (((va) >> 21) & 511)

/* selectors; STAR puts the kernel at 0x08 and sysret's user CS at 0x20 */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x18
#define SEL_UCODE 0x20
#define SEL_TSS 0x28
#define GDT_ENTRIES 7

/* ports the guest writes */
#define PORT_READY 0x10  /* mailbox holds the last result; send the next command */
#define PORT_FLOOR 0x11  /* the port-I/O floor itself */
#define PORT_FAIL 0x12   /* an unexpected exception: the mailbox says which */

/* mailbox fields (byte offsets) */
#define MB_CMD 0
#define MB_ITERS 8
#define MB_LSTAR_RING0 16 /* syscalls that reached LSTAR in ring 0 (hardware) */
#define MB_LSTAR_FAULT 24 /* ... that faulted at LSTAR in ring 3 (PVM) */
#define MB_KSP 32         /* the dispatcher's stack while user code runs */
#define MB_FAIL_VEC 40
#define MB_FAIL_RIP 48
#define MB_FAIL_ERR 56
#define MB_FAIL_CR2 64
#define MB_LSTAR_USER 72 /* syscalls that reached the user-page LSTAR */

/* commands (MB_CMD) */
#define CMD_NOP 0        /* the baseline: the dispatcher alone */
#define CMD_PIO 1        /* `out` to PORT_FLOOR: exit to userspace */
#define CMD_MMIO 2       /* a store to G_MMIO: exit to userspace */
#define CMD_CPUID 3      /* an exit the kernel handles */
#define CMD_SYSCALL3 4   /* ring-3 `syscall` to the ring-0 LSTAR and back */
#define CMD_TRAP3 5      /* ring-3 int3 to a ring-0 handler, iretq back */
#define CMD_TRAP0 6      /* ring-0 #PF (not-present page) to a handler, iretq back */
#define CMD_CR3 7        /* mov to CR3 (same value) */
#define CMD_INVLPG 8     /* invlpg of the scratch page */
#define CMD_PTWRITE 9    /* store to a live leaf entry, then use it: shadowed on PVM */
#define CMD_PTWRITE_ONLY 10 /* store to a live leaf entry, no flush, no use */
#define CMD_PTSTORE3 11  /* the same store from ring 3 (the leaf table is user-writable) */
#define CMD_SYSCALL3_USER 12 /* ring-3 `syscall` with LSTAR on a user page */
#define CMD_FIRST_TOUCH 13 /* a store to each of n fresh pages (n <= 512) */
#define CMD_MMIO3 14       /* the MMIO store from ring 3 (a deprivileged program's doorbell) */
#define NR_CMDS 15

#endif
