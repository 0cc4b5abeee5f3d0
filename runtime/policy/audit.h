/* audit.h - one system call as the monitor saw it, written as a JSON line
 * (--audit FILE) or an strace-style line (--trace).
 *
 * The formatters write into the caller's buffer and never allocate, never
 * call into libc beyond memcpy/strlen, and never touch program memory:
 * strings come already copied, as (pointer, length). */
#ifndef DUNEBOX_AUDIT_H
#define DUNEBOX_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "policy.h"

struct str_arg {
	const char *ptr;	/* NULL: the argument is shown as a number */
	size_t len;
};

struct syscall_event {
	struct timespec time;	/* CLOCK_REALTIME when the call arrived */
	int pid, tid;
	long nr;
	long args[6];
	struct str_arg str[6];	/* copied strings for path (or buffer) arguments */
	struct decision decision;
	bool has_result;
	long result;		/* as the kernel returns it: -errno on failure */
};

/* Longest string the formatters take from a str_arg; the JSON line says
 * "truncated": true when one was longer. */
#define AUDIT_STR_MAX 4096
/* A buffer this big holds any audit line (six strings, all escaped). */
#define AUDIT_LINE_MAX (6 * 6 * AUDIT_STR_MAX + 1024)
/* Bytes of each string --trace shows before "...". */
#define TRACE_STR_MAX 64
#define TRACE_LINE_MAX 1024

/* One JSON object and '\n'. Returns its length, or -ENOSPC (the buffer
 * then holds no usable line). */
int audit_format(const struct syscall_event *ev, char *buf, size_t len);

/* One strace-style line and '\n'. Returns its length, or -ENOSPC when it
 * was cut short (the buffer then holds the part that fit). */
int trace_format(const struct syscall_event *ev, char *buf, size_t len);

/* s[0..n) as a JSON string, quotes included: UTF-8 passes through, other
 * bytes and control characters become \u00XX. Same return as above. */
int json_quote(const char *s, size_t n, char *buf, size_t len);

/* Format, then write(2) the line to fd in one call; buf is scratch.
 * Return 0 or -errno. */
int audit_emit(int fd, const struct syscall_event *ev, char *buf, size_t len);
int trace_emit(int fd, const struct syscall_event *ev, char *buf, size_t len);

#endif
