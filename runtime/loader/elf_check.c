/*
 * elf_check.c - parses and validates an executable before anything is
 * mapped. Every field the loader relies on is checked here, so the mapping
 * code can trust the plan.
 *
 * libelf parses a copy of just the ELF header and the program headers,
 * read after their bounds are checked. Section headers, which Linux and
 * this loader ignore, are left out of the copy: a broken section table
 * cannot make libelf refuse a runnable program, and an image in memory and
 * a file behind a descriptor are parsed from the very same bytes.
 */
#include <errno.h>
#include <gelf.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loader_internal.h"

typedef unsigned long long ull; /* for printf: uint64_t is unsigned long here */

/* what libelf gets to see */
struct header_copy {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[ELF_MAX_PHNUM];
};

static int src_read(const struct elf_source *s, uint64_t off, void *dst, size_t len)
{
	char *p = dst;

	if (off > s->size || len > s->size - off)
		return -1;
	if (!len)
		return 0;
	if (s->buf) {
		memcpy(dst, (const char *)s->buf + off, len);
		return 0;
	}
	while (len) {
		ssize_t n = pread(s->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* the file shrank under us */
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static int prot_of(uint32_t flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

/* e_ident first, by hand: libelf would accept other classes and byte
 * orders, and converting those could write into a caller's buffer. */
static int check_ident(const unsigned char *id, uint64_t size, char *err, size_t errlen)
{
	if (size < SELFMAG || memcmp(id, ELFMAG, SELFMAG))
		return errmsg(err, errlen, -ENOEXEC, "not an ELF file (bad magic)");
	if (id[EI_CLASS] == ELFCLASS32)
		return errmsg(err, errlen, -ENOEXEC,
			      "32-bit ELF file (only x86-64 programs run here: rebuild it for x86-64)");
	if (id[EI_CLASS] != ELFCLASS64)
		return errmsg(err, errlen, -ENOEXEC, "unknown ELF class %d", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return errmsg(err, errlen, -ENOEXEC,
			      "not a little-endian ELF file (EI_DATA %d; only x86-64 runs here)", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return errmsg(err, errlen, -ENOEXEC, "unknown ELF version %d", id[EI_VERSION]);
	if (size < sizeof(Elf64_Ehdr))
		return errmsg(err, errlen, -ENOEXEC,
			      "truncated: %llu bytes, less than an ELF header", (ull)size);
	return 0;
}

static int check_header(const GElf_Ehdr *eh, uint64_t size, char *err, size_t errlen)
{
	uint64_t table;

	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return errmsg(err, errlen, -ENOEXEC,
			      "ELF type %u is not an executable (%s)", eh->e_type,
			      eh->e_type == ET_REL ? "an object file: link it first" :
			      eh->e_type == ET_CORE ? "a core dump" : "want ET_EXEC or ET_DYN");
	if (eh->e_machine != EM_X86_64)
		return errmsg(err, errlen, -ENOEXEC,
			      "built for ELF machine %u, not x86-64 (rebuild it for x86-64)", eh->e_machine);
	if (eh->e_version != EV_CURRENT)
		return errmsg(err, errlen, -ENOEXEC, "unknown ELF version %u", eh->e_version);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return errmsg(err, errlen, -ENOEXEC, "program header size %u, not %zu",
			      eh->e_phentsize, sizeof(Elf64_Phdr));
	if (eh->e_phnum == 0)
		return errmsg(err, errlen, -ENOEXEC, "no program headers");
	if (eh->e_phnum > ELF_MAX_PHNUM)
		return errmsg(err, errlen, -ENOEXEC, "%u program headers, more than the %d allowed",
			      eh->e_phnum, ELF_MAX_PHNUM);
	table = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > size || table > size - eh->e_phoff)
		return errmsg(err, errlen, -ENOEXEC,
			      "program headers at offset %#llx (%u entries) extend past the end of the file (%llu bytes; truncated?)",
			      (ull)eh->e_phoff, eh->e_phnum, (ull)size);
	return 0;
}

static int add_load(struct elf_plan *p, const GElf_Phdr *ph, int i, uint64_t size,
		    char *err, size_t errlen)
{
	struct elf_segment *prev, *s;

	if (ph->p_filesz > ph->p_memsz)
		return errmsg(err, errlen, -ENOEXEC,
			      "segment %d: file size %#llx exceeds memory size %#llx",
			      i, (ull)ph->p_filesz, (ull)ph->p_memsz);
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return errmsg(err, errlen, -ENOEXEC,
			      "segment %d: file bytes [%#llx, +%#llx) extend past the end of the file (%llu bytes; truncated?)",
			      i, (ull)ph->p_offset, (ull)ph->p_filesz, (ull)size);
	/* bounding every end by user space also rules out overflow below */
	if (ph->p_vaddr >= ELF_USER_TOP || ph->p_memsz > ELF_USER_TOP - ph->p_vaddr)
		return errmsg(err, errlen, -ENOEXEC,
			      "segment %d: [%#llx, +%#llx) ends beyond the 47-bit user address space",
			      i, (ull)ph->p_vaddr, (ull)ph->p_memsz);
	if ((ph->p_vaddr - ph->p_offset) % PAGE_SIZE)
		return errmsg(err, errlen, -ENOEXEC,
			      "segment %d: address %#llx and file offset %#llx differ modulo the page size",
			      i, (ull)ph->p_vaddr, (ull)ph->p_offset);
	if (ph->p_align > 1 && (!is_pow2(ph->p_align) || ph->p_align >= ELF_USER_TOP))
		return errmsg(err, errlen, -ENOEXEC, "segment %d: bad alignment %#llx",
			      i, (ull)ph->p_align);
	if (!ph->p_memsz)
		return 0; /* maps nothing, as in Linux */
	if (p->nr_loads == ELF_MAX_LOADS)
		return errmsg(err, errlen, -ENOEXEC, "more than %d loadable segments", ELF_MAX_LOADS);
	if (p->nr_loads) {
		prev = &p->loads[p->nr_loads - 1];
		if (ph->p_vaddr < prev->vaddr)
			return errmsg(err, errlen, -ENOEXEC,
				      "segment %d at %#llx comes before the previous one at %#llx (PT_LOAD must be sorted by address)",
				      i, (ull)ph->p_vaddr, (ull)prev->vaddr);
		/* one page cannot hold two segments' bytes, offsets or rights */
		if (PAGE_DOWN(ph->p_vaddr) < PAGE_UP(prev->vaddr + prev->memsz))
			return errmsg(err, errlen, -ENOEXEC,
				      "segment %d at %#llx overlaps the pages of the previous one [%#llx, %#llx)",
				      i, (ull)ph->p_vaddr, (ull)prev->vaddr, (ull)(prev->vaddr + prev->memsz));
	}
	s = &p->loads[p->nr_loads++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->prot = prot_of(ph->p_flags);
	if (ph->p_align > p->align)
		p->align = ph->p_align;
	return 0;
}

static int read_interp(struct elf_plan *p, const GElf_Phdr *ph, const struct elf_source *src,
		       char *err, size_t errlen)
{
	if (p->has_interp)
		return errmsg(err, errlen, -ENOEXEC, "more than one PT_INTERP");
	if (ph->p_filesz < 2 || ph->p_filesz > sizeof(p->interp))
		return errmsg(err, errlen, -ENOEXEC,
			      "PT_INTERP of %llu bytes is no path (2 to %zu bytes with the NUL)",
			      (ull)ph->p_filesz, sizeof(p->interp));
	if (src_read(src, ph->p_offset, p->interp, ph->p_filesz))
		return errmsg(err, errlen, -ENOEXEC,
			      "PT_INTERP at offset %#llx extends past the end of the file (truncated?)",
			      (ull)ph->p_offset);
	if (p->interp[ph->p_filesz - 1])
		return errmsg(err, errlen, -ENOEXEC, "interpreter path is not NUL-terminated");
	if (strlen(p->interp) != ph->p_filesz - 1)
		return errmsg(err, errlen, -ENOEXEC, "interpreter path has a NUL inside it");
	if (p->interp[0] != '/')
		return errmsg(err, errlen, -ENOEXEC, "interpreter path \"%.64s\" is not absolute",
			      p->interp);
	p->has_interp = 1;
	return 0;
}

/* AT_PHDR must point at the program headers in memory: find the load whose
 * file bytes hold them; a PT_PHDR must say the same address. */
static int place_phdrs(struct elf_plan *p, const GElf_Ehdr *eh, int has_pt_phdr,
		       uint64_t pt_phdr_vaddr, char *err, size_t errlen)
{
	uint64_t table = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);

	for (int i = 0; i < p->nr_loads; i++) {
		const struct elf_segment *s = &p->loads[i];
		if (eh->e_phoff >= s->offset && eh->e_phoff - s->offset <= s->filesz &&
		    table <= s->filesz - (eh->e_phoff - s->offset)) {
			p->has_phdr = 1;
			p->phdr_vaddr = s->vaddr + (eh->e_phoff - s->offset);
			break;
		}
	}
	if (has_pt_phdr && (!p->has_phdr || p->phdr_vaddr != pt_phdr_vaddr))
		return errmsg(err, errlen, -ENOEXEC,
			      "PT_PHDR at %#llx does not match where a PT_LOAD maps the program headers",
			      (ull)pt_phdr_vaddr);
	return 0;
}

static int check_entry(const struct elf_plan *p, char *err, size_t errlen)
{
	for (int i = 0; i < p->nr_loads; i++) {
		const struct elf_segment *s = &p->loads[i];
		if ((s->prot & PROT_EXEC) && p->entry >= s->vaddr && p->entry - s->vaddr < s->memsz)
			return 0;
	}
	return errmsg(err, errlen, -ENOEXEC, "entry point %#llx is not inside an executable segment",
		      (ull)p->entry);
}

/* Walks the program headers through libelf; file_eh is the real header
 * (e_phoff as in the file, not as in the copy). */
static int check_elf(Elf *e, const GElf_Ehdr *file_eh, const struct elf_source *src,
		     struct elf_plan *p, char *err, size_t errlen)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	uint64_t pt_phdr_vaddr = 0;
	int has_pt_phdr = 0, rc = 0;

	if (!gelf_getehdr(e, &eh))
		return errmsg(err, errlen, -ENOEXEC, "bad ELF header (libelf: %s)", elf_errmsg(-1));
	p->type = eh.e_type;
	p->entry = eh.e_entry;
	p->phnum = eh.e_phnum;
	p->align = PAGE_SIZE;

	for (int i = 0; i < eh.e_phnum; i++) {
		if (!gelf_getphdr(e, i, &ph))
			return errmsg(err, errlen, -ENOEXEC, "bad program header %d (libelf: %s)",
				      i, elf_errmsg(-1));
		switch (ph.p_type) {
		case PT_LOAD:
			rc = add_load(p, &ph, i, src->size, err, errlen);
			break;
		case PT_INTERP:
			rc = read_interp(p, &ph, src, err, errlen);
			break;
		case PT_GNU_STACK:
			p->exec_stack = !!(ph.p_flags & PF_X);
			break;
		case PT_PHDR:
			if (has_pt_phdr)
				return errmsg(err, errlen, -ENOEXEC, "more than one PT_PHDR");
			has_pt_phdr = 1;
			pt_phdr_vaddr = ph.p_vaddr;
			break;
		default:
			break; /* PT_TLS, PT_DYNAMIC, notes: the program's business */
		}
		if (rc)
			return rc;
	}
	if (!p->nr_loads)
		return errmsg(err, errlen, -ENOEXEC, "no loadable (PT_LOAD) segment");
	rc = check_entry(p, err, errlen);
	if (rc)
		return rc;
	p->span_lo = PAGE_DOWN(p->loads[0].vaddr);
	p->span_hi = PAGE_UP(p->loads[p->nr_loads - 1].vaddr + p->loads[p->nr_loads - 1].memsz);
	return place_phdrs(p, file_eh, has_pt_phdr, pt_phdr_vaddr, err, errlen);
}

int elf_check_source(const struct elf_source *src, struct elf_plan *plan, char *err, size_t errlen)
{
	unsigned char head[sizeof(Elf64_Ehdr)] = { 0 };
	size_t n = src->size < sizeof(head) ? (size_t)src->size : sizeof(head);
	struct header_copy copy;
	GElf_Ehdr eh;
	Elf *e;
	int rc;

	memset(plan, 0, sizeof(*plan));
	if (src_read(src, 0, head, n))
		return errmsg(err, errlen, -ENOEXEC, "cannot read the ELF header");
	rc = check_ident(head, src->size, err, errlen);
	if (rc)
		return rc;
	memcpy(&eh, head, sizeof(eh));
	rc = check_header(&eh, src->size, err, errlen);
	if (rc)
		return rc;

	copy.eh = eh;
	copy.eh.e_phoff = offsetof(struct header_copy, ph);
	copy.eh.e_shoff = 0;
	copy.eh.e_shnum = 0;
	copy.eh.e_shstrndx = SHN_UNDEF;
	if (src_read(src, eh.e_phoff, copy.ph, eh.e_phnum * sizeof(Elf64_Phdr)))
		return errmsg(err, errlen, -ENOEXEC, "cannot read the program headers");
	if (elf_version(EV_CURRENT) == EV_NONE)
		return errmsg(err, errlen, -ENOEXEC, "libelf: %s", elf_errmsg(-1));
	e = elf_memory((char *)&copy, sizeof(copy.eh) + eh.e_phnum * sizeof(Elf64_Phdr));
	if (!e)
		return errmsg(err, errlen, -ENOEXEC, "libelf: %s", elf_errmsg(-1));
	rc = check_elf(e, &eh, src, plan, err, errlen);
	elf_end(e);
	return rc;
}

int elf_check(const void *buf, size_t len, struct elf_plan *plan, char *err, size_t errlen)
{
	struct elf_source src = { .buf = buf, .fd = -1, .size = len };

	if (!buf && len)
		return errmsg(err, errlen, -EINVAL, "no buffer");
	return elf_check_source(&src, plan, err, errlen);
}
