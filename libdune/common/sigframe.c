/* both halves - sigframe.c: signal frames as Linux builds them on x86-64
 * (dune.h): libdune's for the program in dune mode (host/signals.c), and
 * a sandbox's for the program it runs. */
#include <string.h>

#include "common/x86.h"
#include "dune_sigframe.h"

#define RETURN_ADDRESS sizeof(uint64_t) /* pretcode: the handler's ret pops it */

void dune_sigframe_place(struct dune_sigframe *f)
{
	const stack_t *alt = f->altstack;
	uint64_t sp = f->sp, fpstate;
	size_t size = RETURN_ADDRESS + ((sizeof(struct dune_kucontext) + sizeof(siginfo_t) +
					 f->extra_size + 7) & ~(size_t)7);
	int on_alt = alt && alt->ss_size && sp - (uintptr_t)alt->ss_sp < alt->ss_size;

	if (f->onstack && alt && alt->ss_size && !on_alt)
		sp = (uintptr_t)alt->ss_sp + alt->ss_size;
	else
		sp -= RED_ZONE_SIZE;
	fpstate = (sp - f->fpu_size) & ~(uint64_t)(XSAVE_ALIGN - 1);
	/* as at a function's entry: rsp + 8 aligned, the return address below */
	f->frame = ((fpstate - size) & ~(uint64_t)(STACK_ALIGN - 1)) - RETURN_ADDRESS;
	f->end = fpstate + f->fpu_size;
	f->uc = (struct dune_kucontext *)(f->frame + RETURN_ADDRESS);
	f->info = (siginfo_t *)(f->uc + 1);
	f->extra = dune_sigframe_extra(f->uc);
	f->fpstate = (void *)fpstate;
}

void dune_sigframe_write(const struct dune_sigframe *f, void *restorer,
			 const struct sigcontext *sc, const siginfo_t *info, uint64_t sigmask,
			 const void *fpu)
{
	const stack_t *alt = f->altstack;
	int has_alt = alt && alt->ss_size;

	*(uint64_t *)f->frame = (uintptr_t)restorer;
	memset(f->uc, 0, sizeof(*f->uc));
	if (has_alt) {
		f->uc->uc_stack.ss_sp = alt->ss_sp;
		f->uc->uc_stack.ss_size = alt->ss_size;
		f->uc->uc_stack.ss_flags = f->sp - (uintptr_t)alt->ss_sp < alt->ss_size ? SS_ONSTACK : 0;
	} else {
		f->uc->uc_stack.ss_flags = SS_DISABLE;
	}
	f->uc->uc_mcontext = *sc;
	f->uc->uc_mcontext.fpstate = f->fpstate;
	f->uc->uc_sigmask = sigmask;
	memcpy(f->info, info, sizeof(*info));
	memcpy(f->fpstate, fpu, f->fpu_size);
}
