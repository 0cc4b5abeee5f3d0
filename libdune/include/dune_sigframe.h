/* both halves - dune_sigframe.h (libdune addition, installed beside
 * dune.h): signal frames as Linux builds them on x86-64. Needs
 * _GNU_SOURCE (or _DEFAULT_SOURCE) for struct sigcontext. */
#ifndef LIBDUNE_DUNE_SIGFRAME_H
#define LIBDUNE_DUNE_SIGFRAME_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Signal frames as Linux builds them on x86-64, for code
 * that runs another program's handlers (libdune for the program in dune
 * mode, a sandbox for the program it runs). From the handler's stack
 * pointer up: the restorer as return address, the kernel's ucontext, the
 * siginfo, extra_size bytes of the caller's; the FPU image above, 64-byte
 * aligned. */
struct dune_kucontext {                 /* the kernel's struct ucontext */
	unsigned long uc_flags;
	struct dune_kucontext *uc_link;
	stack_t uc_stack;
	struct sigcontext uc_mcontext;  /* .fpstate: the FPU image */
	uint64_t uc_sigmask;            /* restored by rt_sigreturn */
};

struct dune_sigframe {
	/* in */
	uint64_t sp;             /* the interrupted code's stack pointer */
	const stack_t *altstack; /* its thread's sigaltstack, or NULL */
	int onstack;             /* the action has SA_ONSTACK */
	size_t fpu_size;         /* bytes of FPU image to keep */
	size_t extra_size;       /* bytes the caller keeps beside the frame */
	/* out: dune_sigframe_place; [frame, end) must be writable */
	uint64_t frame, end;     /* frame: the handler's stack pointer */
	struct dune_kucontext *uc;
	siginfo_t *info;
	void *fpstate, *extra;
};
/* Where the frame goes (the out fields); writes nothing. */
void dune_sigframe_place(struct dune_sigframe *f);
/* Writes it: restorer, ucontext (sc with its fpstate pointed at the copy of
 * fpu, uc_stack as sigaltstack reports it, sigmask), siginfo. */
void dune_sigframe_write(const struct dune_sigframe *f, void *restorer,
			 const struct sigcontext *sc, const siginfo_t *info, uint64_t sigmask,
			 const void *fpu);
/* rt_sigreturn, with the frame's ucontext at uc: the caller's extra bytes. */
static inline void *dune_sigframe_extra(struct dune_kucontext *uc)
{
	return (char *)uc + ((sizeof(*uc) + sizeof(siginfo_t) + 7) & ~(size_t)7);
}

#ifdef __cplusplus
}
#endif

#endif
