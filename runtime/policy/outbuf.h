/* outbuf.h - appending text to a caller's buffer, never past its end and
 * never allocating: the audit and trace formatters run in the monitor's
 * system call path. Once full, further output is dropped and remembered. */
#ifndef DUNEBOX_OUTBUF_H
#define DUNEBOX_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>

struct outbuf {
	char *buf;
	size_t cap;	/* bytes in buf, room for the NUL included */
	size_t len;	/* bytes written, NUL excluded */
	bool full;	/* something did not fit */
};

void out_init(struct outbuf *o, char *buf, size_t cap);
void out_char(struct outbuf *o, char c);
void out_mem(struct outbuf *o, const char *s, size_t n);
void out_str(struct outbuf *o, const char *s);
void out_dec(struct outbuf *o, long v);
void out_udec(struct outbuf *o, unsigned long v);
void out_hex(struct outbuf *o, unsigned long v);	/* 0x1f */
void out_oct(struct outbuf *o, unsigned long v);	/* 0644, or 0 */
void out_udec_width(struct outbuf *o, unsigned long v, int width); /* zero-padded */

/* Flag words: names of the set bits joined by '|', leftovers in hex. */
struct flag_name {
	unsigned long bits;
	const char *name;
};
void out_flags(struct outbuf *o, unsigned long v, const struct flag_name *names, size_t n);

/* The length written, or -ENOSPC if something was dropped; the buffer is
 * NUL-terminated either way (when cap > 0). */
int out_finish(struct outbuf *o);

#endif
