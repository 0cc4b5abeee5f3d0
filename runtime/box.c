/*
 * box.c - the box's state (struct box, the program thread's box_thread)
 * and its messages: a line on the monitor's stderr, a line in the audit,
 * and the end of the box when the program cannot go on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "policy/audit.h"

struct box box = {.audit_fd = -1, .trace_fd = -1, .err_fd = 2, .vfork_fd = -1, .vfork_wait_fd = -1};
__thread struct box_thread *self;
int box_pid;

static void vmsg(const char *what, const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "dunebox: %s", what);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(box.err_fd, line, (size_t)n) < 0)
		return;
}

void box_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

static void audit_note(const char *kind, const char *text)
{
	char buf[1400], q[1100];
	struct timespec ts;
	int n;
	if (box.audit_fd < 0 || json_quote(text, strlen(text), q, sizeof(q)) < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(buf, sizeof(buf), "{\"time\": %ld.%06ld, \"pid\": %d, \"tid\": %d, "
		     "\"event\": \"%s\", \"detail\": %s}\n", (long)ts.tv_sec, ts.tv_nsec / 1000,
		     box_pid, self ? self->tid : 0, kind, q);
	if (n > 0 && n < (int)sizeof(buf) && write(box.audit_fd, buf, (size_t)n) < 0)
		return;
}

void box_report(const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (box.log_denials)
		box_msg("%s: blocked: %s", box.prog, text);
	audit_note("blocked", text);
}

void box_die(int sig, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	box_msg("%s: %s; ended with SIG%s", box.prog, text, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	audit_note("killed", text);
	syscall(SYS_exit_group, 128 + sig);
	__builtin_unreachable();
}
