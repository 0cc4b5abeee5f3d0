/* run.c - user code on this thread: a run starts at level 0 (an sthread,
 * or a gate the program calls itself) in that level's domain, and may
 * call gates, each a level above, under the gate's own domain and context.
 * A gate call saves its caller's frame, FPU state and FS base and starts
 * the gate at its entry; the gate's return (or failure) puts them back
 * with only the status and the value changed, so nothing of the gate is
 * left in the caller's registers and nothing of the caller reaches the
 * gate but its argument. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dune.h"
#include "gate.h"
#include "image.h"
#include "run.h"
#include "sthread.h"
#include "user.h"

__thread struct run *current_run;

#define USER_CS (GD_UT | 3)
#define USER_DS (GD_UD | 3)
#define RFLAGS_IF 0x202

/* a fresh frame at entry's start: no register of whoever ran before */
static void start_frame(struct dune_tf *tf, struct domain *d, void *fn, void *a0, void *a1)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = (uint64_t)sthread_user_entry;
	tf->rsp = d->stack_top;
	tf->rdi = (uint64_t)fn;
	tf->rsi = (uint64_t)a0;
	tf->rdx = (uint64_t)a1;
	tf->rcx = (uint64_t)image.xsave;
	tf->rflags = RFLAGS_IF;
	tf->cs = USER_CS;
	tf->ss = USER_DS;
}

struct gate_frame *run_frames_new(void)
{
	return aligned_alloc(64, sizeof(struct gate_frame) * GATE_MAX_DEPTH);
}

void run_user(struct run *run, void *fn, void *a0, void *a1)
{
	struct run *outer = current_run;
	struct dune_tf tf;
	int r;

	current_run = run;
	if ((r = dune_set_user_root(run->lv[0].dom->root)) < 0) {
		run->end.how = STHREAD_FAULTED;
		run->end.err = (uint64_t)-r;
		run->gate_status = r;
		current_run = outer;
		return;
	}
	dune_set_user_fs(run->lv[0].dom->fs);
	start_frame(&tf, run->lv[0].dom, fn, a0, a1);
	dune_jump_to_user(&tf);
	dune_set_user_root(NULL);
	current_run = outer;
}

void run_end(struct run *run, int how)
{
	run->end.how = how;
	dune_ret_from_user(how);
}

int run_fail(struct dune_tf *tf, int how, int vector, uint64_t addr, uint64_t err, long nr)
{
	struct run *run = current_run;

	if (run->depth > 0) {
		/* a gate failed: its call fails, its caller goes on */
		run_gate_leave(run, tf, how == STHREAD_FAULTED ? -EFAULT :
					how == STHREAD_KILLED ? -EPERM : -ECHILD, 0);
		return 0;
	}
	run->end.vector = vector;
	run->end.addr = addr;
	run->end.rip = tf->rip;
	run->end.err = err;
	run->end.syscall = nr;
	if (how == STHREAD_EXITED)
		run->end.ret = (void *)(long)(int)tf->rdi;
	run->gate_status = how == STHREAD_FAULTED ? -EFAULT : how == STHREAD_KILLED ? -EPERM : -ECHILD;
	run_end(run, how);
}

int run_gate_enter(struct run *run, struct dune_tf *tf, struct cgate *gate,
		   const struct cgate_grant *grants, int n, void *arg)
{
	struct gate_frame *frame;
	struct level *lv;
	struct domain *d;
	size_t fpu_size;
	uint64_t xcr0;
	void *fpu;

	if (run->depth == GATE_MAX_DEPTH)
		return -ELOOP;
	if (!(d = gate_instance_get(gate)))
		return -EAGAIN;
	lv = &run->lv[run->depth + 1];
	lv->ctx = &gate->ctx;
	lv->dom = d;
	lv->gate = gate;
	lv->lent_from = d->nlent;
	fdtab_init(&lv->fds, &gate->ctx);
	for (int i = 0; i < n; i++) {
		int r = domain_lend(d, (struct tag *)grants[i].tag, grants[i].mode);
		if (r < 0) {
			domain_unlend(d, lv->lent_from);
			gate_instance_put(gate, d);
			return r;
		}
	}
	if (dune_set_user_root(d->root) < 0) {
		domain_unlend(d, lv->lent_from);
		gate_instance_put(gate, d);
		return -ENOMEM;
	}
	frame = &run->frames[run->depth];
	frame->tf = *tf;
	frame->fs = dune_get_user_fs();
	fpu = dune_user_fpu(tf, &fpu_size, &xcr0);
	memcpy(frame->fpu, fpu, fpu_size);
	run->depth++;
	dune_set_user_fs(d->fs);
	start_frame(tf, d, gate->fn, gate->trusted, arg);
	return 0;
}

void run_gate_leave(struct run *run, struct dune_tf *tf, int status, uint64_t value)
{
	struct level *lv = &run->lv[run->depth];
	struct gate_frame *frame;
	size_t fpu_size;
	uint64_t xcr0;
	void *fpu;

	fdtab_close_owned(&lv->fds);
	domain_unlend(lv->dom, lv->lent_from);
	domain_scrub(lv->dom);
	gate_instance_put(lv->gate, lv->dom);
	run->depth--;
	frame = &run->frames[run->depth];
	*tf = frame->tf;
	fpu = dune_user_fpu(tf, &fpu_size, &xcr0);
	memcpy(fpu, frame->fpu, fpu_size);
	dune_set_user_fs(frame->fs);
	/* the caller's table was set before: a pool page still */
	dune_set_user_root(run->lv[run->depth].dom->root);
	tf->rax = (uint64_t)(long)status;
	tf->rdx = value;
}
