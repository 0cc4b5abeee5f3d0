/* Bounded, allocation-free text output (see outbuf.h). */
#include <errno.h>
#include <string.h>

#include "outbuf.h"

void out_init(struct outbuf *o, char *buf, size_t cap)
{
	o->buf = buf;
	o->cap = buf ? cap : 0;
	o->len = 0;
	o->full = false;
	if (o->cap)
		buf[0] = '\0';
}

void out_mem(struct outbuf *o, const char *s, size_t n)
{
	if (o->full || o->len + n + 1 > o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

void out_char(struct outbuf *o, char c)
{
	out_mem(o, &c, 1);
}

void out_str(struct outbuf *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void out_base(struct outbuf *o, unsigned long v, unsigned base, int width)
{
	char digits[64];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width && n < (int)sizeof(digits))
		digits[n++] = '0';
	while (n)
		out_char(o, digits[--n]);
}

void out_udec(struct outbuf *o, unsigned long v)
{
	out_base(o, v, 10, 0);
}

void out_udec_width(struct outbuf *o, unsigned long v, int width)
{
	out_base(o, v, 10, width);
}

void out_dec(struct outbuf *o, long v)
{
	if (v < 0) {
		out_char(o, '-');
		out_base(o, -(unsigned long)v, 10, 0);	/* LONG_MIN too */
	} else {
		out_base(o, v, 10, 0);
	}
}

void out_hex(struct outbuf *o, unsigned long v)
{
	out_str(o, "0x");
	out_base(o, v, 16, 0);
}

void out_oct(struct outbuf *o, unsigned long v)
{
	out_char(o, '0');
	if (v)
		out_base(o, v, 8, 0);
}

void out_flags(struct outbuf *o, unsigned long v, const struct flag_name *names, size_t n)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (names[i].bits && (v & names[i].bits) == names[i].bits) {
			if (any)
				out_char(o, '|');
			out_str(o, names[i].name);
			v &= ~names[i].bits;
			any = true;
		}
	}
	if (v || !any) {
		if (any)
			out_char(o, '|');
		if (v)
			out_hex(o, v);
		else
			out_char(o, '0');
	}
}

int out_finish(struct outbuf *o)
{
	if (o->cap)
		o->buf[o->len] = '\0';
	return o->full ? -ENOSPC : (int)o->len;
}
