/* JSON strings from arbitrary bytes. Valid UTF-8 is kept as it is; every
 * byte that is not part of a valid sequence becomes \u00XX, so the line is
 * always valid JSON and a reader can tell which bytes were odd. */
#include "audit.h"
#include "format_parts.h"

static bool cont(unsigned char c, unsigned char lo, unsigned char hi)
{
	return c >= lo && c <= hi;
}

/* Length of the valid multi-byte UTF-8 sequence at s, or 0. Overlong
 * forms, surrogates and values past U+10FFFF are not valid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && cont(s[1], 0x80, 0xbf) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return n >= 3 && cont(s[1], lo, hi) && cont(s[2], 0x80, 0xbf) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return n >= 4 && cont(s[1], lo, hi) && cont(s[2], 0x80, 0xbf) &&
		       cont(s[3], 0x80, 0xbf) ? 4 : 0;
	}
	return 0;
}

static void out_u00(struct outbuf *o, unsigned char c)
{
	out_str(o, "\\u00");
	out_char(o, "0123456789abcdef"[c >> 4]);
	out_char(o, "0123456789abcdef"[c & 15]);
}

void out_json_string(struct outbuf *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	out_char(o, '"');
	for (size_t i = 0; i < n && !o->full; ) {
		unsigned char c = s[i];
		size_t seq;
		if (c == '"' || c == '\\') {
			out_char(o, '\\');
			out_char(o, c);
		} else if (c == '\n') {
			out_str(o, "\\n");
		} else if (c == '\t') {
			out_str(o, "\\t");
		} else if (c == '\r') {
			out_str(o, "\\r");
		} else if (c < 0x20 || c == 0x7f) {
			out_u00(o, c);
		} else if (c < 0x80) {
			out_char(o, c);
		} else if ((seq = utf8_len(s + i, n - i))) {
			out_mem(o, str + i, seq);
			i += seq;
			continue;
		} else {
			out_u00(o, c);
		}
		i++;
	}
	out_char(o, '"');
}

int json_quote(const char *s, size_t n, char *buf, size_t len)
{
	struct outbuf o;

	out_init(&o, buf, len);
	out_json_string(&o, s, n);
	return out_finish(&o);
}
