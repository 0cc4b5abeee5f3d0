/* sthread.h - privilege separation inside one process (libsthread), after
 * Wedge (Bittau et al., NSDI'08): sthreads, tags, security contexts and
 * callgates.
 *
 * An sthread runs a function in ring 3 under a page table of its own that
 * maps only the program's code (and read-only data), its own stack and TLS,
 * its own copy of the program's globals as they were before main(), and
 * the tags its security context grants. Nothing else of its creator's
 * memory is there: default deny. Its system calls are checked in ring 0
 * against its context (allowed calls, file descriptors and their modes,
 * memory the kernel would touch); a denied call fails with -EPERM or ends
 * the sthread, as the context says. A fault ends that sthread only; its
 * joiner learns how it ended. A callgate is a function that runs with a
 * context of its own (for instance the only one holding a private key),
 * entered only at its start through cgate_call, returning a value.
 *
 * The implementation runs on libdune (dune mode); docs/privsep.md has the
 * design and the threat model. The same API has an unprotected
 * implementation (plain threads or processes, no isolation) for comparing
 * programs built both ways.
 */
#ifndef STHREAD_H
#define STHREAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- set-up ---- */

/* Call first in main(), before any secret reaches a global: moves the
 * process into dune mode (libdune) and records what every sthread starts
 * from. Threads that create or join sthreads must be created after it.
 * 0, or -errno with one line on stderr saying why. */
int sthread_init(void);

/* ---- tags: memory that contexts grant ---- */

typedef struct tag *tag_t;

/* A tag of at least size bytes (rounded up to pages), zeroed. NULL and
 * errno on failure. */
tag_t tag_new(size_t size);
/* Frees the tag; its memory is zeroed. -EBUSY while a running sthread or a
 * callgate holds it. */
int tag_delete(tag_t tag);
/* n bytes (16-byte aligned) from the tag, or NULL. The allocator's records
 * live outside the tag, so an sthread that may write the tag cannot
 * corrupt them. In an sthread: allowed when its context grants the tag
 * read/write. */
void *smalloc(tag_t tag, size_t n);
void sfree(void *p);
/* The tag's memory: [*base, *base + *size). */
void tag_range(tag_t tag, void **base, size_t *size);

/* ---- security contexts ---- */

#define SC_READ 1
#define SC_WRITE 2
#define SC_RW (SC_READ | SC_WRITE)

enum sc_deny {
	SC_DENY_EPERM, /* a denied system call fails with -EPERM (default) */
	SC_DENY_KILL,  /* ... ends the sthread (STHREAD_KILLED) */
};

struct sc;
struct cgate;

/* An empty context: no memory, no descriptors, no system calls. */
struct sc *sc_new(void);
/* A copy to extend: a context for one sthread from a common one. */
struct sc *sc_dup(const struct sc *sc);
void sc_free(struct sc *sc);
/* Grants a tag with SC_READ or SC_RW. -EINVAL for other modes. */
int sc_mem_add(struct sc *sc, tag_t tag, int mode);
/* Grants a descriptor with SC_READ, SC_WRITE or SC_RW: which calls may use
 * it (read-like, write-like; calls that do neither need either). A granted
 * directory lets openat()/openat2() open files beneath it, with its mode
 * as the most they may ask (no "..", absolute paths or symlinks out). The
 * descriptor must stay open, with the same file, until the sthreads
 * holding it are joined. */
int sc_fd_add(struct sc *sc, int fd, int mode);
/* Allows system calls by number, or by names ("read write openat").
 * -EINVAL (and nothing changes) for a call sthreads can never have (it
 * would act on the whole process: mmap, clone, signals, ...); the list is
 * in docs/privsep.md. exit and exit_group always end the sthread. */
int sc_sys_add(struct sc *sc, long nr);
int sc_sys_allow(struct sc *sc, const char *names);
void sc_set_deny(struct sc *sc, enum sc_deny action);
/* Lets sthreads of this context call the gate. */
int sc_cgate_add(struct sc *sc, struct cgate *gate);

/* ---- sthreads ---- */

typedef struct sthread sthread_t;
typedef void *(*sthread_fn)(void *arg);

/* How an sthread ended (sthread_join's value, struct sthread_end.how). */
enum sthread_how {
	STHREAD_RETURNED = 0, /* fn returned: ret */
	STHREAD_EXITED,       /* it called exit/exit_group: ret = the status */
	STHREAD_FAULTED,      /* an exception: vector, addr (CR2 for #PF), rip */
	STHREAD_KILLED,       /* a system call its context denies, with
				 * SC_DENY_KILL: syscall */
};

struct sthread_end {
	int how;            /* enum sthread_how */
	void *ret;
	int vector;         /* STHREAD_FAULTED */
	uint64_t addr, rip, err;
	long syscall;       /* STHREAD_KILLED */
};

/* Starts fn(arg) in an sthread with a copy of sc (later changes to sc do
 * not reach it). 0 or -errno: -EAGAIN when every sthread slot is busy
 * (sthread_set_max), -EPERM from a thread not in dune mode. */
int sthread_create(sthread_t **st, struct sc *sc, sthread_fn fn, void *arg);
/* Waits for it; returns how it ended (enum sthread_how) and fills *end if
 * end is not NULL; the handle is gone after. */
int sthread_join(sthread_t *st, struct sthread_end *end);
/* How many sthreads may run at once (default 64); the slots are made as
 * needed and kept. */
void sthread_set_max(unsigned n);
/* One line describing an end, for logs: "returned 0x2a", "page fault at
 * 0x7f.. (rip 0x55..)", "killed: denied system call 57 (fork)". */
const char *sthread_end_str(const struct sthread_end *end, char *buf, size_t len);

/* ---- callgates ---- */

/* A gate's function: trusted is what its creator bound to it (say, the
 * address of a key in a tag only the gate's context grants), arg what the
 * caller passes. */
typedef void *(*cgate_fn)(void *trusted, void *arg);

/* A gate running fn with its own context (a copy of sc) and trusted. */
struct cgate *cgate_new(struct sc *sc, cgate_fn fn, void *trusted);
void cgate_free(struct cgate *gate);

/* Tags the caller lends the gate for one call (it must hold them at least
 * as widely); the gate sees them at their usual addresses. */
struct cgate_grant {
	tag_t tag;
	int mode; /* SC_READ or SC_RW */
};

/* From an sthread whose context has the gate: runs the gate's function at
 * its start with the gate's context plus the grants (at most
 * CGATE_MAX_GRANTS), and its value in *ret. Also callable outside
 * sthreads (the creator), with the same isolation. 0, or -EPERM (not
 * allowed, or the gate's context denied a call with SC_DENY_KILL),
 * -EFAULT (the gate faulted), -ECHILD (it called exit), -EINVAL (bad
 * grants), -EAGAIN (no instance), -ELOOP (gates nested too deep). */
#define CGATE_MAX_GRANTS 8
int cgate_call(struct cgate *gate, const struct cgate_grant *grants, int ngrants, void *arg,
	       void **ret);

/* In a gate: 1 if [p, p + n) lies in one tag its caller lent to this call
 * with at least mode (SC_READ or SC_RW), else 0. A gate's argument comes
 * from a caller it does not trust: whatever it reads or writes through
 * pointers the caller chose should pass this first (else the caller could
 * point the gate at the gate's own memory, a key for instance). */
int cgate_arg_ok(const void *p, size_t n, int mode);

#ifdef __cplusplus
}
#endif

#endif /* STHREAD_H */
