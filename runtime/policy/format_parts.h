/* format_parts.h - pieces the audit and trace formatters share. */
#ifndef DUNEBOX_FORMAT_PARTS_H
#define DUNEBOX_FORMAT_PARTS_H

#include "outbuf.h"

/* s[0..n) as a quoted JSON string. */
void out_json_string(struct outbuf *o, const char *s, size_t n);

/* s[0..n) as a quoted C string, at most max bytes of it, then "..." if
 * there was more. */
void out_c_string(struct outbuf *o, const char *s, size_t n, size_t max);

/* Decoders for --trace, in the kernel's x86-64 values. */
void out_open_flags(struct outbuf *o, unsigned long flags);
void out_mmap_prot(struct outbuf *o, unsigned long prot);
void out_mmap_flags(struct outbuf *o, unsigned long flags);
void out_at_flags(struct outbuf *o, unsigned long flags);
void out_dirfd(struct outbuf *o, long fd);
void out_socket_family(struct outbuf *o, long family);
void out_signal(struct outbuf *o, long sig);

#endif
