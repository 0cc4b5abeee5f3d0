/* Strings as --trace shows them: C escapes, at most max bytes, then "...". */
#include "format_parts.h"

void out_c_string(struct outbuf *o, const char *str, size_t n, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t shown = n < max ? n : max;

	out_char(o, '"');
	for (size_t i = 0; i < shown && !o->full; i++) {
		unsigned char c = s[i];
		switch (c) {
		case '"':  out_str(o, "\\\""); break;
		case '\\': out_str(o, "\\\\"); break;
		case '\n': out_str(o, "\\n"); break;
		case '\t': out_str(o, "\\t"); break;
		case '\r': out_str(o, "\\r"); break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				out_char(o, c);
			} else {	/* three octal digits: never read as more */
				out_char(o, '\\');
				out_char(o, '0' + (c >> 6));
				out_char(o, '0' + ((c >> 3) & 7));
				out_char(o, '0' + (c & 7));
			}
		}
	}
	out_char(o, '"');
	if (shown < n)
		out_str(o, "...");
}
