/* both halves - messages that are safe anywhere (host loop, guest, trap
 * handlers) and the end of the process. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/ksigaction.h"
#include "common/log.h"
#include "common/raw_syscall.h"
#include "dune.h"

int dune_debug;

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		long n = raw_syscall3(SYS_write, fd, buf, len);
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void dune_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n = snprintf(buf, sizeof(buf), "libdune: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	write_all(2, buf, (size_t)n);
}

int dune_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	if (n > 0)
		write_all(STDOUT_FILENO, buf, (size_t)n);
	return n;
}

void dune_die(void)
{
	raw_syscall1(SYS_exit_group, 1);
	__builtin_unreachable();
}

void die_with_signal(int sig)
{
	struct dune_ksigaction dfl = { SIG_DFL, 0, NULL, 0 };
	uint64_t set = KSIG_BIT(sig);
	int pid = (int)raw_syscall0(SYS_getpid), tid = (int)raw_syscall0(SYS_gettid);

	raw_syscall4(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	raw_syscall4(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8);
	raw_syscall3(SYS_tgkill, pid, tid, sig);
	raw_syscall1(SYS_exit_group, 128 + sig);
	__builtin_unreachable();
}
