/* user.h - what runs in ring 3 (user.S): the entry of every sthread and
 * gate call, and the private calls to ring 0 (numbers no Linux call has;
 * user.S repeats the ones it uses). */
#ifndef STHREAD_USER_H
#define STHREAD_USER_H


#define SYS_ST_RETURN 0x53540001L /* rdi = value: fn or the gate returned */
#define SYS_ST_CGATE 0x53540002L  /* rdi gate, rsi grants, rdx n, r10 arg -> rax, rdx */
#define SYS_ST_SMALLOC 0x53540003L /* rdi tag, rsi n -> rax */
#define SYS_ST_SFREE 0x53540004L   /* rdi pointer */
#define SYS_ST_ARG_OK 0x53540005L  /* rdi p, rsi n, rdx mode -> rax 1/0 */

/* where user code starts: fn(a0, a1), then SYS_ST_RETURN */
void sthread_user_entry(void);
long user_call3(long nr, long a0, long a1, long a2);
/* cgate from user code: status in rax, the value through *ret */
long user_cgate(void *gate, const void *grants, long n, void *arg, void **ret);

#endif
