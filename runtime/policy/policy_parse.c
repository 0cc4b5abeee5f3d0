/* The policy text format (POLICY.md): one rule a line, words separated by
 * blanks, `#` to the end of the line is a comment. The text is read in
 * place and never changed; any input gives either a policy or one
 * "NAME:LINE: message" error. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "syscalls.h"

struct word {
	const char *s;
	size_t n;
};

struct parser {
	struct policy *p;
	const char *name;
	int line;
	char *err;
	size_t errlen;
	/* where each thing was first said, to report duplicates; 0 = not yet */
	int sys_line[SYSCALL_NR_MAX];
	int path_line[POLICY_MAX_PATHS];
	int default_line, net_line, tmp_line, log_line;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Next word of the line [*pos, end); false at the end or at a comment. */
static bool next_word(const char **pos, const char *end, struct word *w)
{
	const char *s = *pos;

	while (s < end && is_blank(*s))
		s++;
	if (s == end || *s == '#') {
		*pos = end;
		return false;
	}
	w->s = s;
	while (s < end && !is_blank(*s))
		s++;
	w->n = s - w->s;
	*pos = s;
	return true;
}

static bool word_is(const struct word *w, const char *lit)
{
	return strlen(lit) == w->n && !memcmp(w->s, lit, w->n);
}

/* A word as it may appear in a one-line message: printable, bounded. */
static const char *shown(const struct word *w, char *buf, size_t len)
{
	size_t n = w->n < len - 4 ? w->n : len - 4, i;

	for (i = 0; i < n; i++) {
		unsigned char c = w->s[i];
		buf[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	if (n < w->n)
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ps->err && ps->errlen) {
		n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->name, ps->line);
		if (n >= 0 && (size_t)n < ps->errlen) {
			va_start(ap, fmt);
			vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
			va_end(ap);
		}
	}
	return -EINVAL;
}

/* The one word a rule like `net unix` takes, as an index into choices. */
static int one_choice(struct parser *ps, const char **pos, const char *end,
		      const char *keyword, const char *const *choices, int count,
		      const char *expected)
{
	struct word w, extra;
	char b[80];

	if (!next_word(pos, end, &w))
		return fail(ps, "%s: expected %s", keyword, expected);
	for (int i = 0; i < count; i++) {
		if (word_is(&w, choices[i])) {
			if (next_word(pos, end, &extra))
				return fail(ps, "%s: unexpected '%s' after '%s'", keyword,
					    shown(&extra, b, sizeof(b)), choices[i]);
			return i;
		}
	}
	return fail(ps, "%s: expected %s, not '%s'", keyword, expected, shown(&w, b, sizeof(b)));
}

static int said_once(struct parser *ps, int *seen, const char *keyword)
{
	if (*seen)
		return fail(ps, "'%s' given twice (first on line %d)", keyword, *seen);
	*seen = ps->line;
	return 0;
}

/* "errno=NAME" -> the number, or a failure. */
static int errno_word(struct parser *ps, const struct word *w)
{
	struct word v = { w->s + 6, w->n - 6 };
	char b[80];
	int err = errno_from_name(v.s, v.n);

	if (err <= 0)
		return fail(ps, "unknown errno name '%s'", shown(&v, b, sizeof(b)));
	return err;
}

static bool is_errno_word(const struct word *w)
{
	return w->n >= 6 && !memcmp(w->s, "errno=", 6);
}

/* Finds the one errno= word of the line, if any; EPERM otherwise. */
static int line_errno(struct parser *ps, const char *pos, const char *end, bool allowed)
{
	struct word w;
	int err = EPERM, found = 0;

	while (next_word(&pos, end, &w)) {
		if (!is_errno_word(&w))
			continue;
		if (!allowed)
			return fail(ps, "errno= only goes with deny");
		if (found++)
			return fail(ps, "errno= given twice");
		if ((err = errno_word(ps, &w)) < 0)
			return err;
	}
	return err;
}

static int rule_default(struct parser *ps, const char *pos, const char *end)
{
	struct word w, extra;
	char b[80];
	int r, err;

	if ((r = said_once(ps, &ps->default_line, "default")))
		return r;
	if (!next_word(&pos, end, &w))
		return fail(ps, "default: expected allow or deny");
	bool deny = word_is(&w, "deny");
	if (!deny && !word_is(&w, "allow"))
		return fail(ps, "default: expected allow or deny, not '%s'", shown(&w, b, sizeof(b)));
	if ((err = line_errno(ps, pos, end, deny)) < 0)
		return err;
	while (next_word(&pos, end, &extra))
		if (!is_errno_word(&extra))
			return fail(ps, "default: unexpected '%s'", shown(&extra, b, sizeof(b)));
	ps->p->fallback.action = deny ? RULE_DENY : RULE_ALLOW;
	ps->p->fallback.err = deny ? err : 0;
	return 0;
}

static int rule_syscalls(struct parser *ps, const char *pos, const char *end, bool deny)
{
	const char *keyword = deny ? "deny" : "allow";
	int err = line_errno(ps, pos, end, deny), names = 0;
	struct word w;
	char b[80];

	if (err < 0)
		return err;
	while (next_word(&pos, end, &w)) {
		if (is_errno_word(&w))
			continue;
		long nr = syscall_number(w.s, w.n);
		if (nr < 0)
			return fail(ps, "unknown system call '%s'", shown(&w, b, sizeof(b)));
		struct syscall_rule *rule = &ps->p->sys[nr];
		if (ps->sys_line[nr]) {
			bool same = rule->action == (deny ? RULE_DENY : RULE_ALLOW) &&
				    (!deny || rule->err == err);
			return fail(ps, "%s rule for '%s' (first on line %d)",
				    same ? "duplicate" : "conflicting",
				    syscall_name(nr), ps->sys_line[nr]);
		}
		ps->sys_line[nr] = ps->line;
		rule->action = deny ? RULE_DENY : RULE_ALLOW;
		rule->err = deny ? err : 0;
		names++;
	}
	if (!names)
		return fail(ps, "%s: expected system call names", keyword);
	return 0;
}

static int rule_fs(struct parser *ps, const char *pos, const char *end)
{
	static const char *const modes[] = { "none", "ro", "rw" };
	struct word w, path, extra;
	char text[POLICY_PATH_MAX], norm[POLICY_PATH_MAX], b[80];
	int mode = -1, len;

	if (!next_word(&pos, end, &w))
		return fail(ps, "fs: expected ro, rw or none and a path");
	for (int i = 0; i < 3; i++)
		if (word_is(&w, modes[i]))
			mode = i;
	if (mode < 0)
		return fail(ps, "fs: expected ro, rw or none, not '%s'", shown(&w, b, sizeof(b)));
	if (!next_word(&pos, end, &path))
		return fail(ps, "fs %s: expected a path", modes[mode]);
	if (next_word(&pos, end, &extra))
		return fail(ps, "fs: unexpected '%s' after the path", shown(&extra, b, sizeof(b)));
	if (path.s[0] != '/')
		return fail(ps, "bad path '%s': must be absolute", shown(&path, b, sizeof(b)));
	if (path.n >= sizeof(text))
		return fail(ps, "bad path '%s': too long", shown(&path, b, sizeof(b)));
	memcpy(text, path.s, path.n);
	text[path.n] = '\0';
	if ((len = path_normalize(NULL, text, norm, sizeof(norm))) < 0)
		return fail(ps, "bad path '%s': %s", shown(&path, b, sizeof(b)), strerror(-len));

	struct policy *p = ps->p;
	for (unsigned i = 0; i < p->npaths; i++) {
		struct path_rule *r = &p->paths[i];
		if (r->len == (unsigned)len && !memcmp(p->pool + r->off, norm, len))
			return fail(ps, "%s rule for '%s' (first on line %d)",
				    r->mode == mode ? "duplicate" : "conflicting",
				    norm, ps->path_line[i]);
	}
	if (policy_add_path(p, norm, mode) < 0)
		return fail(ps, "too many fs rules (at most %d, %d bytes of paths)",
			    POLICY_MAX_PATHS, POLICY_POOL_SIZE);
	ps->path_line[p->npaths - 1] = ps->line;
	return 0;
}

static int parse_line(struct parser *ps, const char *pos, const char *end)
{
	static const char *const nets[] = { "none", "unix", "all" };
	static const char *const tmps[] = { "shared", "private" };
	static const char *const logs[] = { "none", "denied", "all" };
	struct word kw;
	char b[80];
	int r;

	if (!next_word(&pos, end, &kw))
		return 0;
	if (word_is(&kw, "default"))
		return rule_default(ps, pos, end);
	if (word_is(&kw, "allow"))
		return rule_syscalls(ps, pos, end, false);
	if (word_is(&kw, "deny"))
		return rule_syscalls(ps, pos, end, true);
	if (word_is(&kw, "fs"))
		return rule_fs(ps, pos, end);
	if (word_is(&kw, "net")) {
		if ((r = said_once(ps, &ps->net_line, "net")) ||
		    (r = one_choice(ps, &pos, end, "net", nets, 3, "none, unix or all")) < 0)
			return r;
		ps->p->net = r;	/* choices are in enum net_mode order */
		return 0;
	}
	if (word_is(&kw, "tmp")) {
		if ((r = said_once(ps, &ps->tmp_line, "tmp")) ||
		    (r = one_choice(ps, &pos, end, "tmp", tmps, 2, "private or shared")) < 0)
			return r;
		ps->p->tmp = r;
		return 0;
	}
	if (word_is(&kw, "log")) {
		if ((r = said_once(ps, &ps->log_line, "log")) ||
		    (r = one_choice(ps, &pos, end, "log", logs, 3, "denied, all or none")) < 0)
			return r;
		ps->p->log = r;
		return 0;
	}
	return fail(ps, "unknown keyword '%s'", shown(&kw, b, sizeof(b)));
}

int policy_parse(struct policy *p, const char *text, const char *name,
		 char *err, size_t errlen)
{
	struct parser ps = { .p = p, .name = name ? name : "<policy>",
			     .err = err, .errlen = errlen };
	int r = 0;

	if (err && errlen)
		err[0] = '\0';
	policy_empty(p);
	if (!text)
		return fail(&ps, "no text");
	for (const char *line = text; *line && !r; ) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		ps.line++;
		r = parse_line(&ps, line, end);
		line = *end ? end + 1 : end;
	}
	if (r)
		policy_empty(p);	/* a half-read policy must not be used */
	return r;
}
