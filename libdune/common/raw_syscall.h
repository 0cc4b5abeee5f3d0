/* both halves - raw system calls: never touch errno (the guest half
 * shares it with the host half through TLS). */
#ifndef LIBDUNE_RAW_SYSCALL_H
#define LIBDUNE_RAW_SYSCALL_H

long raw_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
#define raw_syscall0(n) raw_syscall6(n, 0, 0, 0, 0, 0, 0)
#define raw_syscall1(n, a) raw_syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define raw_syscall2(n, a, b) raw_syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define raw_syscall3(n, a, b, c) \
	raw_syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define raw_syscall4(n, a, b, c, d) \
	raw_syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* the restorer of libdune's own signal handlers (rt_sigreturn) */
void raw_sigreturn(void);

#endif
