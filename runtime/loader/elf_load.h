/*
 * elf_load.h - loads an x86-64 Linux executable into this process.
 *
 * dunebox's monitor loads the sandboxed program at the program's own
 * addresses in its own address space, then enters it in ring 3 with
 * rsp = stack_top and rip = entry. This code runs in the monitor as plain
 * libc code; it is also run and tested natively.
 *
 *   elf_check()  parses and validates an image in memory, maps nothing
 *   elf_load()   elf_check() on a file, then maps program, interpreter and
 *                stack inside the limits and writes argc/argv/envp/auxv
 *   elf_unload() unmaps everything elf_load() mapped
 *
 * Errors are -errno with one line in err, "<path>: <cause> (<remedy>)":
 *   -ENOEXEC  the program is not a valid x86-64 ELF executable
 *   -ELIBBAD  its interpreter is not a valid ELF shared object
 *   -ENOENT   the program or its interpreter does not exist
 *   -EACCES   not a regular file, not executable, or on a noexec mount
 *   -ENOMEM   it does not fit inside the limits
 *   -EEXIST   a segment would land on an existing mapping of the monitor
 *   -E2BIG    argv and envp do not fit on the stack
 *   -EINVAL   bad limits
 * On failure nothing stays mapped and no descriptor stays open.
 */
#ifndef RUNTIME_ELF_LOAD_H
#define RUNTIME_ELF_LOAD_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_PHNUM 128 /* real programs have about 15 program headers */
#define ELF_MAX_LOADS 16  /* PT_LOADs per image; real ones have 2 to 5 */
#define ELF_USER_TOP (1UL << 47) /* no segment may end above user space */
/* a PT_LOAD maps file pages then anonymous bss pages: two per load, for
 * program and interpreter, plus the stack and its guard page */
#define ELF_MAX_REGIONS (2 * 2 * ELF_MAX_LOADS + 2)
#define ELF_DEFAULT_STACK (8UL << 20)
#define ELF_MIN_ADDR 0x10000UL /* vm.mmap_min_addr: nothing is placed lower */

/* One PT_LOAD with memsz > 0, unbiased, as in the file. */
struct elf_segment {
	uint64_t vaddr, memsz;
	uint64_t offset, filesz;
	int prot; /* PROT_* from p_flags */
};

/* What elf_check() learned: enough to map the image without the file's
 * headers again. */
struct elf_plan {
	int type;             /* ET_EXEC or ET_DYN */
	uint64_t entry;       /* e_entry, unbiased */
	uint64_t span_lo;     /* page-rounded [span_lo, span_hi) covers all loads */
	uint64_t span_hi;
	uint64_t align;       /* an ET_DYN load bias is a multiple of this */
	int has_phdr;         /* 1 if the program headers are in memory... */
	uint64_t phdr_vaddr;  /* ...at this unbiased address */
	int phnum;
	int exec_stack;       /* PT_GNU_STACK asks for an executable stack */
	int nr_loads;
	struct elf_segment loads[ELF_MAX_LOADS]; /* sorted, disjoint pages */
	int has_interp;
	char interp[PATH_MAX]; /* PT_INTERP: absolute path */
};

/* One mmap made by elf_load(); [start, end) is page-aligned. */
struct load_region {
	uintptr_t start, end;
	int prot;
};

struct loaded_image {
	uintptr_t entry;       /* first rip: the interpreter's entry, else the program's */
	uintptr_t stack_top;   /* first rsp: points at argc, 16-byte aligned */
	uintptr_t brk_start;   /* page after the program's highest segment */
	uintptr_t phdr;        /* AT_PHDR */
	uintptr_t base;        /* AT_BASE: interpreter load bias, 0 without one */
	uintptr_t prog_entry;  /* AT_ENTRY: program entry, biased */
	uintptr_t prog_bias;   /* 0 for ET_EXEC */
	int exec_stack;        /* the stack region is also PROT_EXEC */
	int nr_regions;
	struct load_region regions[ELF_MAX_REGIONS]; /* every mapping, stack included */
};

/* Where the program may live. Everything elf_load() maps lies inside
 * [lo, hi): ET_EXEC segments where they were linked, an ET_DYN program
 * bottom-up from lo, the stack top-down from hi, the interpreter top-down
 * below the stack. */
struct load_limits {
	uintptr_t lo, hi;     /* page-aligned; lo below ELF_MIN_ADDR counts as ELF_MIN_ADDR */
	size_t stack_size;    /* 0: ELF_DEFAULT_STACK; a guard page is added below */
	uintptr_t vdso;       /* AT_SYSINFO_EHDR; 0 leaves the entry out */
	/* NULL: files are opened by name. Else how a name (the program's, or
	 * its interpreter's) becomes a descriptor: one the caller resolved and
	 * checked, O_PATH is enough; -errno when it may not be used. */
	int (*open_file)(void *ctx, const char *path, int is_interp);
	void *open_ctx;
};

/* Validates the ELF image buf[0, len) as an x86-64 executable or shared
 * object and fills plan. Maps nothing; never reads outside buf; ignores
 * section headers, as Linux does. Returns 0, or -ENOEXEC (-EINVAL for a
 * NULL buf) with the cause in err (no file name in front). */
int elf_check(const void *buf, size_t len, struct elf_plan *plan, char *err, size_t errlen);

/* Loads path with its interpreter and builds its initial stack. argv and
 * envp may be NULL (empty). out is valid only on success. */
int elf_load(const char *path, char *const argv[], char *const envp[],
	     const struct load_limits *lim, struct loaded_image *out,
	     char *err, size_t errlen);

/* Unmaps every region of img and empties it; safe to call twice. */
void elf_unload(struct loaded_image *img);

#endif
