/* strace-style lines for --trace:
 *   [pid 123] openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3
 *   [pid 123] openat(AT_FDCWD, "/root/x", O_RDONLY) = -1 EACCES (denied by policy)
 * The number after "pid" is the thread's id, as in strace. */
#include "audit.h"
#include "format_parts.h"
#include "syscalls.h"
#include "trace_signatures.h"

static void out_arg(struct outbuf *o, char kind, long v, const struct str_arg *str)
{
	if (str->ptr) {		/* the monitor copied it: show it, whatever kind */
		out_c_string(o, str->ptr, str->len, TRACE_STR_MAX);
		return;
	}
	switch (kind) {
	case 's':	/* no copy: the pointer */
	case 'x':
		if (v)
			out_hex(o, v);
		else
			out_str(o, "NULL");
		return;
	case 'X': out_hex(o, v); return;
	case 'u': out_udec(o, v); return;
	case 'f': out_dec(o, (int)v); return;
	case 'D': out_dirfd(o, v); return;
	case 'o': out_open_flags(o, v); return;
	case 'm': out_oct(o, v); return;
	case 'p': out_mmap_prot(o, v); return;
	case 'M': out_mmap_flags(o, v); return;
	case 'a': out_at_flags(o, v); return;
	case 'F': out_socket_family(o, v); return;
	case 'S': out_signal(o, v); return;
	default: out_dec(o, v); return;
	}
}

static void out_errno(struct outbuf *o, int err)
{
	const char *name = errno_name(err);

	out_str(o, "-1 ");
	if (name) {
		out_str(o, name);
	} else {
		out_str(o, "errno ");
		out_dec(o, err);
	}
}

static void out_result(struct outbuf *o, const struct syscall_event *ev)
{
	const struct decision *d = &ev->decision;

	out_str(o, " = ");
	if (d->kind == DECISION_DENY) {
		out_errno(o, d->err);
		out_str(o, " (denied by policy)");
		return;
	}
	if (!ev->has_result)
		out_char(o, '?');
	else if (ev->result < 0 && ev->result >= -4095)
		out_errno(o, -ev->result);
	else if (trace_returns_pointer(ev->nr))
		out_hex(o, ev->result);
	else
		out_dec(o, ev->result);
	if (d->kind == DECISION_REWRITE)
		out_str(o, " (/tmp made private)");
	else if (d->kind == DECISION_EMULATE)
		out_str(o, " (emulated)");
}

int trace_format(const struct syscall_event *ev, char *buf, size_t len)
{
	static const char no_signature[] = "XXXXXX";
	const char *name = syscall_name(ev->nr);
	const char *sig = trace_signature(ev->nr);
	struct outbuf o;

	out_init(&o, buf, len);
	out_str(&o, "[pid ");
	out_dec(&o, ev->tid ? ev->tid : ev->pid);
	out_str(&o, "] ");
	if (name) {
		out_str(&o, name);
	} else {
		out_str(&o, "syscall_");
		out_dec(&o, ev->nr);
	}
	out_char(&o, '(');
	if (!sig)
		sig = no_signature;
	for (int i = 0; i < 6 && sig[i]; i++) {
		if (i)
			out_str(&o, ", ");
		out_arg(&o, sig[i], ev->args[i], &ev->str[i]);
	}
	out_char(&o, ')');
	out_result(&o, ev);
	out_char(&o, '\n');

	int r = out_finish(&o);
	if (r < 0 && len >= 5) {	/* cut short: still one line, and says so */
		size_t at = o.len < len - 5 ? o.len : len - 5;
		buf[at] = '.', buf[at + 1] = '.', buf[at + 2] = '.', buf[at + 3] = '\n';
		buf[at + 4] = '\0';
	}
	return r;
}
