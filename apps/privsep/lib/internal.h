/* internal.h - libsthread's pieces and how they meet.
 *
 *  image.c    what every sthread starts from: the program's code and
 *             read-only data, a snapshot of its globals before main(), a
 *             TLS template
 *  table.c    page tables for user code (the template and lookups)
 *  domain.c   a domain: private memory (stack, TLS, globals copy) and the
 *             table user code runs under; scrubbed between uses
 *  tag.c      tags and their allocator
 *  context.c  security contexts
 *  run.c      user code on this thread: entering, ending, the frames of
 *             gate calls
 *  worker.c   the threads sthreads run on; sthread_create/join
 *  calls.c    system calls of user code, checked against its context
 *  fds.c      the descriptors a run may use
 *  gate.c     callgates
 *  traps.c    faults of user code
 *  user.S     what runs in ring 3: the entry and the private calls
 */
#ifndef STHREAD_INTERNAL_H
#define STHREAD_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "blocks.h"
#include "dune.h"
#include "sthread.h"

/* ---- limits ---- */
#define SC_MAX_TAGS 16
#define SC_MAX_FDS 16
#define SC_MAX_GATES 8
#define RUN_MAX_OWNED_FDS 32
#define GATE_MAX_DEPTH 4
#define SYS_WORDS 8 /* bitmap of system call numbers below 512 */
#define STACK_PAGES 32 /* 128 KiB of stack per domain */

/* private calls from user code (not Linux numbers) */
#define SYS_ST_RETURN 0x53540001L /* rdi = value: fn or the gate returned */
#define SYS_ST_CGATE 0x53540002L  /* rdi gate, rsi grants, rdx n, r10 arg -> rax, rdx */
#define SYS_ST_SMALLOC 0x53540003L /* rdi tag, rsi n -> rax */
#define SYS_ST_SFREE 0x53540004L   /* rdi pointer */
#define SYS_ST_ARG_OK 0x53540005L  /* rdi p, rsi n, rdx mode -> rax 1/0 */

/* ---- image.c ---- */
struct range {
	uintptr_t start, end;
	int exec;
};

struct image {
	struct range ro[64];      /* code, read-only data, RELRO, vDSO */
	int nro;
	struct range globals[32]; /* writable data of every object */
	int nglobals;
	size_t globals_size;      /* bytes, page multiples */
	uint8_t *snapshot;        /* globals as they were before main() */
	/* the TLS template: [lo, end) of a fresh thread, fs inside */
	uint8_t *tls;
	size_t tls_size;
	uintptr_t tls_lo_offset;  /* lo & 4095: kept, so alignments hold */
	uintptr_t tls_fs_offset;  /* fs - lo */
	int xsave;                /* the FPU is reset with XRSTOR (else FXRSTOR) */
};
extern struct image image;
int image_snapshot(void);    /* the constructor's part: globals */
int image_init(void);        /* the rest, at sthread_init */
/* 1 in every domain's copy of the globals, 0 in the program's */
extern volatile int sthread_in_domain;

/* ---- table.c ---- */
extern ptent_t *table_template; /* image.ro, user-readable */
int table_template_build(void);
/* the leaf entry of va in root, made if missing; NULL on failure */
ptent_t *table_entry(ptent_t *root, uintptr_t va, int create);
/* [addr, addr + len) reachable by user code under root for reading (and
 * writing), through the same frames as in the program: what a system
 * call may be given */
int table_user_range_ok(ptent_t *root, uintptr_t addr, size_t len, int write);

/* ---- tag.c ---- */
struct tag {
	uintptr_t base;
	size_t size;
	int users;            /* domains that map it now (tags_lock) */
	struct blocks blocks; /* the allocator's records, outside the tag */
	struct tag *next;
};
struct tag *tag_lookup(tag_t t);          /* a live tag, or NULL */
struct tag *tag_containing(uintptr_t va); /* the tag holding va, or NULL */
void tags_lock(void);
void tags_unlock(void);
void *smalloc_in(struct tag *t, size_t n);
/* frees p's block if may(its tag) agrees (may NULL: always); -EPERM, -EINVAL */
int sfree_in(uintptr_t p, int (*may)(struct tag *t, void *arg), void *arg);

/* ---- context.c ---- */
struct sc {
	struct {
		struct tag *tag;
		int mode;
	} mem[SC_MAX_TAGS];
	int nmem;
	struct {
		int fd, mode;
	} fds[SC_MAX_FDS];
	int nfds;
	uint64_t sys[SYS_WORDS];
	struct cgate *gates[SC_MAX_GATES];
	int ngates;
	int deny;
};
int sc_allows_call(const struct sc *sc, long nr);
int sc_tag_mode(const struct sc *sc, const struct tag *tag); /* 0 if not granted */
int sc_has_gate(const struct sc *sc, const struct cgate *gate);
int sc_check_live(const struct sc *sc); /* its tags still exist: 0 or -EINVAL */

/* ---- domain.c ---- */
struct domain {
	ptent_t *root;
	uint8_t *mem;       /* [guard][stack][TLS][globals copy] */
	size_t mem_size;
	uintptr_t stack_top, fs;
	uint8_t *tls, *globals_copy;
	ptent_t **own_ptes; /* the entries of the pages above, for scrubbing */
	int nown;
	struct {
		struct tag *tag;
		int mode, prev; /* prev: its mode from earlier loans, or 0 */
	} lent[SC_MAX_TAGS + CGATE_MAX_GRANTS]; /* tags mapped now */
	int nlent;
};
struct domain *domain_new(void);
void domain_free(struct domain *d);
/* maps the tag (user-readable, writable with SC_WRITE); counts a user */
int domain_lend(struct domain *d, struct tag *tag, int mode);
/* unmaps tags lent from index `from` on */
void domain_unlend(struct domain *d, int from);
/* pages written since the last scrub back to their first state */
void domain_scrub(struct domain *d);

/* ---- fds.c ---- */
struct fd_entry {
	int fd, mode;
	int owned; /* opened by the run: closed when its level ends */
};
struct fdtab {
	struct fd_entry e[SC_MAX_FDS + RUN_MAX_OWNED_FDS];
	int n;
};
void fdtab_init(struct fdtab *t, const struct sc *sc);
struct fd_entry *fdtab_find(struct fdtab *t, int fd);
int fdtab_own(struct fdtab *t, int fd, int mode); /* -EMFILE when full */
void fdtab_forget(struct fdtab *t, int fd);
void fdtab_close_owned(struct fdtab *t);

/* ---- run.c ---- */
/* one level: the sthread itself, or a gate it called */
struct level {
	const struct sc *ctx;
	struct domain *dom;
	struct cgate *gate; /* NULL at the sthread's own level */
	struct fdtab fds;
	int lent_from;      /* the caller's grants in dom from here on */
};

/* what a gate call saved of its caller (the frame goes back as it was) */
struct gate_frame {
	struct dune_tf tf;
	uint64_t fs;
	uint8_t fpu[4096] __attribute__((aligned(64)));
};

struct run {
	struct level lv[GATE_MAX_DEPTH + 1];
	int depth;
	struct gate_frame *frames; /* GATE_MAX_DEPTH of them (the owner's) */
	struct sthread_end end;
	int gate_status;    /* a run that is a gate call from the program */
	void *gate_ret;
};
/* The run on this thread while user code runs (the handlers' context). */
extern __thread struct run *current_run;
/* room for a run's gate frames, or NULL */
struct gate_frame *run_frames_new(void);
/* Runs level 0 of run on this thread from fn(a0, a1) until it ends;
 * run->end says how. */
void run_user(struct run *run, void *fn, void *a0, void *a1);
/* ends level 0 (from a handler): never returns */
void run_end(struct run *run, int how) __attribute__((noreturn));
/* From a handler of user code's trap or call: the current level fails
 * (how: enum sthread_how). Level 0 ends (no return); a gate's call returns
 * its failure to the caller's frame in tf, and this returns 0. */
int run_fail(struct dune_tf *tf, int how, int vector, uint64_t addr, uint64_t err, long nr);
/* A gate call from user code: tf becomes the gate's start (0), or stays
 * the caller's (-errno: no instance, too deep, grants that do not map). */
int run_gate_enter(struct run *run, struct dune_tf *tf, struct cgate *gate,
		   const struct cgate_grant *grants, int n, void *arg);
/* The gate at the top returns: the caller's frame back in tf, with status
 * in rax and value in rdx. */
void run_gate_leave(struct run *run, struct dune_tf *tf, int status, uint64_t value);
/* where user code starts: fn(a0, a1), then SYS_ST_RETURN (user.S) */
void sthread_user_entry(void);

/* ---- calls.c ---- */
void calls_handle(struct dune_tf *tf);
int calls_supported(long nr);
const char *calls_name(long nr);

/* ---- gate.c ---- */
struct cgate {
	struct sc ctx;
	cgate_fn fn;
	void *trusted;
	pthread_mutex_t lock;
	struct domain *idle[64];
	int nidle;
};
struct domain *gate_instance_get(struct cgate *gate);
void gate_instance_put(struct cgate *gate, struct domain *d);

/* ---- traps.c ---- */
void traps_install(void);

/* ---- user.S: private calls from user code ---- */
long user_call3(long nr, long a0, long a1, long a2);
/* cgate from user code: status in rax, the value through *ret */
long user_cgate(void *gate, const void *grants, long n, void *arg, void **ret);

#endif
