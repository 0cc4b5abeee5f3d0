/* sysargs_internal.h - the shape of the table and the checks its entries
 * share. Most calls are described by data (one descriptor per argument);
 * the rest add a function for what depends on flags, commands or nested
 * structures. */
#ifndef DUNEBOX_SYSARGS_INTERNAL_H
#define DUNEBOX_SYSARGS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sysargs.h"

#define SA_PAGE 4096UL
#define SA_PATH_MAX 4096	/* bytes of a path the kernel reads, NUL included */
#define SA_UIO_MAXIOV 1024	/* the kernel refuses longer iovec arrays */
#define SA_NO_LIMIT SIZE_MAX	/* a string the kernel reads up to its NUL */

/* The call being checked: whom to ask, where to explain. */
struct sa_call {
	const char *name;
	sysargs_range_fn ok;
	void *ctx;
	char *why;
	size_t whylen;
};

enum arg_kind {
	ARG_NONE = 0,	/* an integer, or unused */
	ARG_FIXED,	/* size bytes */
	ARG_ARRAY,	/* args[len_arg] elements of size bytes */
	ARG_STRING,	/* NUL-terminated, the kernel reads at most size bytes */
	ARG_IOVEC,	/* args[len_arg] struct iovec, buffers used per access */
	ARG_STRVEC,	/* NULL-terminated array of strings (argv, envp) */
	ARG_PAGES,	/* args[len_arg] bytes from here, rounded out to pages */
};

/* The C type the kernel gives a count argument (it truncates to it). */
enum count_type {
	COUNT_SIZE,	/* size_t, unsigned long */
	COUNT_UINT,	/* unsigned int, u32 */
	COUNT_INT,	/* int, socklen_t as the kernel reads it: < 0 refused */
	COUNT_LONG,	/* long: < 0 refused */
};

struct arg_mem {
	unsigned char kind;		/* enum arg_kind */
	unsigned char access;		/* enum sysargs_access */
	unsigned char len_arg;		/* index of the count argument */
	unsigned char count_type;	/* enum count_type of args[len_arg] */
	unsigned char may_be_null;	/* NULL is allowed: nothing is touched */
	size_t size;			/* bytes, element bytes or string limit */
	const char *name;
};

struct call_mem {
	const char *name;
	const char *unchecked;	/* set: deliberately left out, and why */
	int (*check)(struct sa_call *c, const long a[6]);	/* after arg[] */
	struct arg_mem arg[6];
};

extern const struct call_mem sa_table[];
extern const size_t sa_table_len;

/* Each returns 0, or a negative errno after writing c->why. */
int sa_fail(struct sa_call *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sa_range(struct sa_call *c, int arg, const char *what, uintptr_t addr,
	     size_t len, int access);
int sa_array(struct sa_call *c, int arg, const char *what, uintptr_t addr,
	     size_t n, size_t elem, int access);
int sa_pages(struct sa_call *c, int arg, const char *what, uintptr_t addr, size_t len);
/* sa_range(access), then copies the bytes into dst. */
int sa_copy(struct sa_call *c, int arg, const char *what, uintptr_t addr,
	    void *dst, size_t len, int access);
int sa_count(struct sa_call *c, int arg, long value, int type, size_t *n);
int sa_string(struct sa_call *c, int arg, const char *what, uintptr_t addr,
	      size_t max, size_t *len);
int sa_strvec(struct sa_call *c, int arg, const char *what, uintptr_t vec);
int sa_iovec(struct sa_call *c, int arg, const char *what, uintptr_t iov,
	     size_t n, int access);
int sa_arg(struct sa_call *c, const struct arg_mem *m, int arg, const long a[6]);

#endif
