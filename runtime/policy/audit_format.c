/* JSON lines for --audit, one object per system call:
 * {"time": 1700000000.123456, "pid": 7, "tid": 7, "syscall": "openat",
 *  "nr": 257, "args": [-100, "/etc/shadow", 0, 0, 0, 0], "decision": "deny",
 *  "errno": "EACCES", "result": -13}
 * "errno" only when denied, "result" only when known, "truncated" only
 * when a string was longer than AUDIT_STR_MAX. */
#include <string.h>

#include "audit.h"
#include "format_parts.h"
#include "syscalls.h"

static const char *const decision_names[] = {
	[DECISION_ALLOW] = "allow", [DECISION_DENY] = "deny",
	[DECISION_REWRITE] = "rewrite", [DECISION_EMULATE] = "emulate",
};

static void out_key(struct outbuf *o, const char *key)
{
	out_str(o, ", \"");
	out_str(o, key);
	out_str(o, "\": ");
}

static void out_time(struct outbuf *o, const struct timespec *t)
{
	out_dec(o, t->tv_sec);
	out_char(o, '.');
	out_udec_width(o, (unsigned long)t->tv_nsec / 1000 % 1000000, 6);
}

/* Returns whether the string had to be cut. */
static bool out_args(struct outbuf *o, const struct syscall_event *ev)
{
	bool cut = false;

	out_char(o, '[');
	for (int i = 0; i < 6; i++) {
		const struct str_arg *s = &ev->str[i];
		if (i)
			out_str(o, ", ");
		if (s->ptr) {
			cut |= s->len > AUDIT_STR_MAX;
			out_json_string(o, s->ptr, s->len > AUDIT_STR_MAX ? AUDIT_STR_MAX : s->len);
		} else {
			out_dec(o, ev->args[i]);
		}
	}
	out_char(o, ']');
	return cut;
}

int audit_format(const struct syscall_event *ev, char *buf, size_t len)
{
	const struct decision *d = &ev->decision;
	const char *name = syscall_name(ev->nr);
	unsigned kind = d->kind;
	struct outbuf o;

	out_init(&o, buf, len);
	out_str(&o, "{\"time\": ");
	out_time(&o, &ev->time);
	out_key(&o, "pid");
	out_dec(&o, ev->pid);
	out_key(&o, "tid");
	out_dec(&o, ev->tid);
	out_key(&o, "syscall");
	if (name)
		out_json_string(&o, name, strlen(name));
	else
		out_str(&o, "null");
	out_key(&o, "nr");
	out_dec(&o, ev->nr);
	out_key(&o, "args");
	bool cut = out_args(&o, ev);
	out_key(&o, "decision");
	out_char(&o, '"');
	out_str(&o, kind < sizeof(decision_names) / sizeof(decision_names[0]) ?
		decision_names[kind] : "unknown");
	out_char(&o, '"');
	if (kind == DECISION_DENY) {
		const char *e = errno_name(d->err);
		out_key(&o, "errno");
		if (e) {
			out_char(&o, '"');
			out_str(&o, e);
			out_char(&o, '"');
		} else {
			out_dec(&o, d->err);
		}
	}
	if (ev->has_result) {
		out_key(&o, "result");
		out_dec(&o, ev->result);
	}
	if (cut)
		out_str(&o, ", \"truncated\": true");
	out_str(&o, "}\n");
	return out_finish(&o);
}
