/* tiny_elf.c - builds the executable described in tiny_elf.h. */
#include <stddef.h>
#include <string.h>

#include "tiny_elf.h"

/* rel32 from the end of a 7-byte rip-relative instruction at code+at */
static void put_rel32(struct tiny_elf *t, unsigned long base, int at, unsigned long target)
{
	unsigned long next = base + offsetof(struct tiny_elf, code) + at + 7;
	int rel = (int)(target - next);

	memcpy(&t->code[at + 3], &rel, 4);
}

unsigned long tiny_data_vaddr(const struct tiny_elf *t)
{
	return t->ph[1].p_vaddr;
}

void tiny_elf_init(struct tiny_elf *t, int type, const char *interp)
{
	static const unsigned char code[] = {
		0xb8, 0x3c, 0, 0, 0,          /* mov $60 (exit), %eax */
		0x0f, 0xb6, 0x3d, 0, 0, 0, 0, /* movzbl data+16(%rip), %edi */
		0x0f, 0xb6, 0x0d, 0, 0, 0, 0, /* movzbl data+probe(%rip), %ecx */
		0x01, 0xcf,                   /* add %ecx, %edi */
		0x83, 0xc7, 0x2a,             /* add $42, %edi */
		0x0f, 0x05,                   /* syscall */
	};
	unsigned long base = type == ET_EXEC ? TINY_EXEC_BASE : 0;
	unsigned long data_off = offsetof(struct tiny_elf, data);
	unsigned long data = base + TINY_DATA_GAP + data_off;

	memset(t, 0, sizeof(*t));
	memcpy(t->eh.e_ident, ELFMAG, SELFMAG);
	t->eh.e_ident[EI_CLASS] = ELFCLASS64;
	t->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	t->eh.e_ident[EI_VERSION] = EV_CURRENT;
	t->eh.e_type = type;
	t->eh.e_machine = EM_X86_64;
	t->eh.e_version = EV_CURRENT;
	t->eh.e_entry = base + offsetof(struct tiny_elf, code);
	t->eh.e_phoff = offsetof(struct tiny_elf, ph);
	t->eh.e_ehsize = sizeof(Elf64_Ehdr);
	t->eh.e_phentsize = sizeof(Elf64_Phdr);
	t->eh.e_phnum = 4;

	t->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
				 .p_vaddr = base, .p_paddr = base, .p_filesz = sizeof(*t),
				 .p_memsz = sizeof(*t), .p_align = 0x1000 };
	t->ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = data_off,
				 .p_vaddr = data, .p_paddr = data, .p_filesz = TINY_DATA_FILESZ,
				 .p_memsz = 0x3000, .p_align = 0x1000 };
	t->ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
	t->ph[3] = (Elf64_Phdr){ .p_type = PT_NULL };
	if (interp) {
		strncpy(t->interp, interp, sizeof(t->interp) - 1);
		t->ph[3] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_flags = PF_R,
					 .p_offset = offsetof(struct tiny_elf, interp),
					 .p_filesz = strlen(t->interp) + 1, .p_align = 1 };
	}
	memcpy(t->code, code, sizeof(code));
	put_rel32(t, base, 5, data + TINY_DATA_FILESZ);
	put_rel32(t, base, 12, data + TINY_BSS_PROBE);
	memcpy(t->data, "tiny data here!", TINY_DATA_FILESZ);
	memset(t->data + TINY_DATA_FILESZ, 0xaa, sizeof(t->data) - TINY_DATA_FILESZ);
}
