/*
 * seccomp.c - the seccomp-BPF filter on the whole process, built with
 * libseccomp from the monitor's own calls and the calls the policy lets
 * the program's calls reach the kernel with (seccomp_lists.c).
 *
 * What a call gets:
 *  - the never list: the process is killed (SECCOMP_RET_KILL_PROCESS). No
 *    path in dunebox makes these calls, and the inner layer refuses them
 *    to the program, so one reaching the kernel means the monitor was
 *    bypassed or subverted; killing stops the attack at its first step and
 *    shows (status 159, SIGSYS), where an error code would let it probe on.
 *    seccomp itself is on it: nothing may add a filter over the monitor.
 *  - calls whose arguments matter: only the values listed pass: ioctl
 *    requests (libdune's own KVM and dune.ko requests, the program's
 *    terminal, file and socket requests), clone without namespace flags,
 *    socket families of the policy's `net`, prctl options (never
 *    PR_SET_SECCOMP or PR_SET_SYSCALL_USER_DISPATCH: killed; never
 *    PR_SET_MM), mknod of anything but devices, personality queries.
 *  - clone3: ENOSYS (libc falls back to clone, whose flags a filter can read).
 *  - everything else, and listed calls with other values: EPERM. Libraries
 *    probe for calls and take EPERM as "not here"; the program meets it
 *    only where the inner layer let something through the outer refuses.
 *  - other architectures' numbers (x32, int 0x80): the process is killed.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "jail_internal.h"
#include "seccomp_lists.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#endif
#define PRCTL_OPTION_MAX 80   /* options are small numbers; PR_SET_PTRACER is not allowed */
#define LOW32 0xffffffffULL   /* int arguments: the kernel ignores the upper half */
#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		  CLONE_NEWPID | CLONE_NEWNET)

struct filter {
	struct jail_state *s;
	scmp_filter_ctx ctx;
	uint8_t allowed[JAIL_SYSCALLS / 8];
	int r;
};

static int bit(const uint8_t *set, int nr)
{
	return nr >= 0 && nr < JAIL_SYSCALLS && (set[nr / 8] >> (nr % 8)) & 1;
}

static void set_bit(uint8_t *set, int nr)
{
	if (nr >= 0 && nr < JAIL_SYSCALLS)
		set[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

static void clear_bit(uint8_t *set, int nr)
{
	if (nr >= 0 && nr < JAIL_SYSCALLS)
		set[nr / 8] &= (uint8_t)~(1u << (nr % 8));
}

static void add(struct filter *f, uint32_t action, int nr, unsigned n, const struct scmp_arg_cmp *cmp)
{
	int r;
	if (f->r < 0)
		return;
	if ((r = seccomp_rule_add_exact_array(f->ctx, action, nr, n, cmp)) < 0)
		f->r = jail_fail(f->s, r, "a rule for system call %d", nr);
}

/* nr passes when argument `arg` (its low 32 bits) is one of the values */
static void add_values(struct filter *f, int nr, unsigned arg, const unsigned *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct scmp_arg_cmp c = SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, LOW32, v[i]);
		add(f, SCMP_ACT_ALLOW, nr, 1, &c);
	}
}

static void add_ioctls(struct filter *f)
{
	add_values(f, SYS_ioctl, 1, seccomp_host_ioctls, seccomp_host_nioctls);
	if (bit(f->s->c->forwarded, SYS_ioctl))
		add_values(f, SYS_ioctl, 1, seccomp_program_ioctls, seccomp_program_nioctls);
}

static void add_clone(struct filter *f)
{
	struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, NS_FLAGS, 0);
	add(f, SCMP_ACT_ALLOW, SYS_clone, 1, &c);
	add(f, SCMP_ACT_ERRNO(ENOSYS), SYS_clone3, 0, NULL);
}

static void add_sockets(struct filter *f)
{
	static const unsigned unix_only[] = {AF_UNIX};
	static const unsigned internet[] = {AF_UNIX, AF_INET, AF_INET6};
	enum jail_net net = f->s->c->net;
	int forwarded = bit(f->s->c->forwarded, SYS_socket);

	if (net == JAIL_NET_NONE)
		return;
	if (forwarded)
		add_values(f, SYS_socket, 0, net == JAIL_NET_ALL ? internet : unix_only,
			   net == JAIL_NET_ALL ? 3 : 1);
	if (bit(f->s->c->forwarded, SYS_socketpair))
		add_values(f, SYS_socketpair, 0, unix_only, 1);
	if (forwarded && net == JAIL_NET_ALL) { /* routing queries (getaddrinfo) only */
		struct scmp_arg_cmp c[2] = {SCMP_A0(SCMP_CMP_MASKED_EQ, LOW32, AF_NETLINK),
					    SCMP_A2(SCMP_CMP_MASKED_EQ, LOW32, NETLINK_ROUTE)};
		add(f, SCMP_ACT_ALLOW, SYS_socket, 2, c);
	}
}

static void add_prctl(struct filter *f)
{
	for (unsigned opt = 1; opt <= PRCTL_OPTION_MAX; opt++) {
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, LOW32, opt);
		if (opt == PR_SET_SECCOMP || opt == PR_SET_SYSCALL_USER_DISPATCH)
			add(f, SCMP_ACT_KILL_PROCESS, SYS_prctl, 1, &c);
		else if (opt != PR_SET_MM)
			add(f, SCMP_ACT_ALLOW, SYS_prctl, 1, &c);
	}
}

static void add_mknod_personality(struct filter *f)
{
	static const unsigned kinds[] = {0, S_IFREG, S_IFIFO, S_IFSOCK};
	static const unsigned personas[] = {PER_LINUX, ADDR_NO_RANDOMIZE, 0xffffffffu};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct scmp_arg_cmp m = SCMP_A1(SCMP_CMP_MASKED_EQ, S_IFMT, kinds[i]);
		struct scmp_arg_cmp at = SCMP_A2(SCMP_CMP_MASKED_EQ, S_IFMT, kinds[i]);
		if (bit(f->s->c->forwarded, SYS_mknod))
			add(f, SCMP_ACT_ALLOW, SYS_mknod, 1, &m);
		if (bit(f->s->c->forwarded, SYS_mknodat))
			add(f, SCMP_ACT_ALLOW, SYS_mknodat, 1, &at);
	}
	if (bit(f->s->c->forwarded, SYS_personality))
		add_values(f, SYS_personality, 0, personas, 3);
}

static int is_checked(int nr)
{
	switch (nr) {
	case SYS_ioctl: case SYS_clone: case SYS_clone3: case SYS_socket: case SYS_socketpair:
	case SYS_prctl: case SYS_mknod: case SYS_mknodat: case SYS_personality:
		return 1;
	}
	return 0;
}

bool jail_filter_kills(const struct jail_config *c, int nr)
{
	if (c->without & JAIL_SECCOMP)
		return false;
	if (c->native_exec && (nr == SYS_execve || nr == SYS_execveat))
		return false;
	for (size_t i = 0; i < seccomp_never_ncalls; i++)
		if (seccomp_never_calls[i] == nr)
			return true;
	return false;
}

static int build(struct filter *f)
{
	const struct jail_config *c = f->s->c;

	for (int nr = 0; nr < JAIL_SYSCALLS; nr++)
		if (bit(c->forwarded, nr))
			set_bit(f->allowed, nr);
	for (size_t i = 0; i < seccomp_monitor_ncalls; i++)
		set_bit(f->allowed, seccomp_monitor_calls[i]);
	for (size_t i = 0; i < seccomp_never_ncalls; i++) {
		int nr = seccomp_never_calls[i];
		if (!jail_filter_kills(c, nr)) {
			set_bit(f->allowed, nr);
			continue;
		}
		clear_bit(f->allowed, nr);
		add(f, SCMP_ACT_KILL_PROCESS, nr, 0, NULL);
		f->s->seccomp_killed++;
	}
	for (int nr = 0; nr < JAIL_SYSCALLS; nr++) {
		if (!bit(f->allowed, nr) || is_checked(nr))
			continue;
		add(f, SCMP_ACT_ALLOW, nr, 0, NULL);
		f->s->seccomp_allowed++;
	}
	add_ioctls(f);
	add_clone(f);
	add_sockets(f);
	add_prctl(f);
	add_mknod_personality(f);
	return f->r;
}

static int load(struct jail_state *s, scmp_filter_ctx ctx)
{
	int r;
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
		return jail_fail(s, r, "filter attributes");
	if ((r = seccomp_load(ctx)) < 0)
		return jail_fail(s, r, "loading the filter");
	return 0;
}

int seccomp_apply(struct jail_state *s)
{
	struct filter f = {.s = s, .ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))};
	int r;
	if (!f.ctx)
		return jail_fail(s, -ENOMEM, "no filter context");
	r = build(&f);
	if (r == 0)
		r = load(s, f.ctx);
	seccomp_release(f.ctx);
	return r;
}

/* The process outside that only waits: it needs next to nothing. */
int seccomp_apply_waiter(struct jail_state *s)
{
	static const int calls[] = {SYS_wait4, SYS_waitid, SYS_exit, SYS_exit_group,
				    SYS_rt_sigreturn, SYS_rt_sigaction, SYS_rt_sigprocmask,
				    SYS_write, SYS_close, SYS_unlinkat, SYS_restart_syscall, SYS_kill,
				    SYS_nanosleep, SYS_clock_nanosleep};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int r = 0;
	if (!ctx)
		return jail_fail(s, -ENOMEM, "no filter context");
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]) && r >= 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0);
	r = r < 0 ? jail_fail(s, r, "the waiting process's filter") : load(s, ctx);
	seccomp_release(ctx);
	return r;
}
