/* handler.c - one connection: HTTP/1.1 requests (GET and HEAD, keep-alive)
 * for static files under the document root, each response signed by the
 * signing gate. This code runs in an sthread: it may touch only its
 * connection's tag, use its connection and the root, and call the gate.
 * It keeps nothing in globals (an sthread sees them as before main()).
 *
 * DELIBERATE BUG, for the demo (docs/privsep.md): GET /echo?off=N&len=M
 * answers with M bytes starting N bytes from the start of the request
 * buffer, N unchecked (a Heartbleed-like over-read). Built with plain
 * threads it discloses whatever lies there, the private key included;
 * in an sthread the read faults outside the connection's tag.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "httpd.h"

struct request {
	const char *method, *target, *version;
	size_t method_len, target_len, version_len;
	int keep_alive;
	size_t head_len; /* bytes of c->in this request used */
};

/* more: the body follows (MSG_MORE: one segment, not headers held back
 * by Nagle until the client's delayed ACK, 40 ms on keep-alive) */
static int send_all(int fd, const void *p, size_t n, int more)
{
	const char *s = p;
	while (n) {
		ssize_t r = send(fd, s, n, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/* headers then body; a 200's body signed by the gate */
static int respond(struct conn *c, int status, const char *reason, const char *type,
		   const char *body, size_t len, int keep_alive, int head_only)
{
	char sig_hex[2 * SIG_BYTES + 1] = "";
	int n;

	if (status == 200) {
		struct cgate_grant lend = { c->tag, SC_RW };
		void *ret;
		c->req.msg = (const uint8_t *)body;
		c->req.len = len;
		if (cgate_call(c->sign, &lend, 1, &c->req, &ret) || ret) {
			status = 500;
			reason = "Internal Server Error";
			type = "text/plain";
			body = "signing failed\n";
			len = strlen(body);
		} else {
			for (int i = 0; i < SIG_BYTES; i++)
				snprintf(sig_hex + 2 * i, 3, "%02x", c->req.sig[i]);
		}
	}
	n = snprintf(c->head, HEAD_MAX,
		     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s%s%s"
		     "Connection: %s\r\n\r\n",
		     status, reason, type, len, *sig_hex ? "X-Signature: " : "", sig_hex,
		     *sig_hex ? "\r\n" : "", keep_alive ? "keep-alive" : "close");
	if (n < 0 || n >= HEAD_MAX)
		return -1;
	if (send_all(c->fd, c->head, (size_t)n, !head_only && len))
		return -1;
	return head_only || !len ? 0 : send_all(c->fd, body, len, 0);
}

static int error(struct conn *c, int status, const char *reason)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "%d %s\n", status, reason);
	respond(c, status, reason, "text/plain", text, (size_t)n, 0, 0);
	return -1; /* and the connection closes */
}

/* Reads until the end of the headers: their length, 0 if the peer closed
 * (or stayed idle) before a request began, -1 on an error already answered
 * or a connection to drop. */
static long read_head(struct conn *c)
{
	int idle = 0;

	for (;;) {
		char *end = c->in_len >= 4 ? memmem(c->in, c->in_len, "\r\n\r\n", 4) : NULL;
		ssize_t r;
		if (end)
			return end + 4 - c->in;
		if (c->in_len == REQ_MAX)
			return error(c, 431, "Request Header Fields Too Large");
		r = recv(c->fd, c->in + c->in_len, REQ_MAX - c->in_len, 0);
		if (r > 0) {
			c->in_len += (size_t)r;
			idle = 0;
			continue;
		}
		if (r == 0)
			return c->in_len ? -1 : 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		/* a receive timeout: slow clients get a few, then 408 */
		if (++idle < c->idle_rounds)
			continue;
		return c->in_len ? error(c, 408, "Request Timeout") : 0;
	}
}

static int token_char(char ch)
{
	return ch > 32 && ch < 127;
}

/* "METHOD SP TARGET SP HTTP/1.x CRLF": 0, or -1 */
static int parse(struct conn *c, struct request *rq, size_t head_len)
{
	const char *p = c->in, *end = c->in + head_len;
	const char *line_end = memmem(p, head_len, "\r\n", 2);
	const char *h;

	memset(rq, 0, sizeof(*rq));
	rq->head_len = head_len;
	rq->method = p;
	while (p < line_end && token_char(*p))
		p++;
	rq->method_len = (size_t)(p - rq->method);
	if (p >= line_end || *p++ != ' ')
		return -1;
	rq->target = p;
	while (p < line_end && token_char(*p))
		p++;
	rq->target_len = (size_t)(p - rq->target);
	if (p >= line_end || *p++ != ' ')
		return -1;
	rq->version = p;
	rq->version_len = (size_t)(line_end - p);
	if (!rq->method_len || !rq->target_len || rq->version_len != 8 ||
	    memcmp(rq->version, "HTTP/1.", 7) || (p[7] != '0' && p[7] != '1'))
		return -1;
	rq->keep_alive = p[7] == '1';
	/* headers: a Connection: close or keep-alive changes that */
	for (h = line_end + 2; h < end - 2;) {
		const char *e = memmem(h, (size_t)(end - h), "\r\n", 2);
		size_t len = (size_t)(e - h);
		if (len > 11 && !strncasecmp(h, "Connection:", 11)) {
			const char *v = h + 11;
			while (v < e && *v == ' ')
				v++;
			if ((size_t)(e - v) >= 5 && !strncasecmp(v, "close", 5))
				rq->keep_alive = 0;
			else if ((size_t)(e - v) >= 10 && !strncasecmp(v, "keep-alive", 10))
				rq->keep_alive = 1;
		}
		for (size_t i = 0; i < len; i++)
			if (h[i] == 0)
				return -1;
		h = e + 2;
	}
	return 0;
}

/* a query parameter's value as a number */
static long param(const char *q, size_t qlen, const char *name)
{
	size_t nlen = strlen(name);
	for (const char *p = q; p + nlen < q + qlen; p++)
		if ((p == q || p[-1] == '?' || p[-1] == '&') && !strncmp(p, name, nlen) &&
		    p[nlen] == '=')
			return strtol(p + nlen + 1, NULL, 10);
	return 0;
}

static const char *content_type(const char *path, size_t len)
{
	static const struct {
		const char *ext, *type;
	} types[] = { { ".html", "text/html" }, { ".txt", "text/plain" },
		      { ".css", "text/css" }, { ".js", "text/javascript" },
		      { ".png", "image/png" }, { ".json", "application/json" } };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);
		if (len >= e && !strncmp(path + len - e, types[i].ext, e))
			return types[i].type;
	}
	return "application/octet-stream";
}

/* GET /echo?off=N&len=M: the deliberate over-read (see the top) */
static int echo(struct conn *c, struct request *rq, int head_only)
{
	long off = param(rq->target, rq->target_len, "off");
	long len = param(rq->target, rq->target_len, "len");

	if (len < 0 || len > BODY_MAX)
		len = BODY_MAX;
	memcpy(c->body, c->in + off, (size_t)len); /* BUG: off is not checked */
	return respond(c, 200, "OK", "application/octet-stream", c->body, (size_t)len,
		       rq->keep_alive, head_only);
}

static int serve_file(struct conn *c, struct request *rq, int head_only)
{
	char path[256];
	size_t len = rq->target_len, got = 0;
	const char *q = memchr(rq->target, '?', len);
	struct stat st;
	int fd;

	if (q)
		len = (size_t)(q - rq->target);
	if (rq->target[0] != '/')
		return error(c, 400, "Bad Request");
	if (len >= sizeof(path) - 16)
		return error(c, 414, "URI Too Long");
	memcpy(path, rq->target + 1, len - 1);
	path[len - 1] = 0;
	if (len == 1 || path[len - 2] == '/')
		strcat(path, "index.html");
	if (strstr(path, "..") || path[0] == '/')
		return error(c, 403, "Forbidden");
	fd = openat(c->root, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? error(c, 404, "Not Found")
							   : error(c, 403, "Forbidden");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > BODY_MAX) {
		close(fd);
		return error(c, 403, "Forbidden");
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, c->body + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return respond(c, 200, "OK", content_type(path, strlen(path)), c->body, got,
		       rq->keep_alive, head_only);
}

void *handle_connection(void *arg)
{
	struct conn *c = arg;

	for (int served = 0; served < KEEPALIVE_MAX; served++) {
		struct request rq;
		long head = read_head(c);
		int r, head_only;
		if (head <= 0)
			break;
		if (parse(c, &rq, (size_t)head) < 0) {
			error(c, 400, "Bad Request");
			break;
		}
		head_only = rq.method_len == 4 && !memcmp(rq.method, "HEAD", 4);
		if (!head_only && !(rq.method_len == 3 && !memcmp(rq.method, "GET", 3))) {
			error(c, 405, "Method Not Allowed");
			break;
		}
		if (served == KEEPALIVE_MAX - 1)
			rq.keep_alive = 0;
		if (rq.target_len >= 5 && !memcmp(rq.target, "/echo", 5) &&
		    (rq.target_len == 5 || rq.target[5] == '?'))
			r = echo(c, &rq, head_only);
		else
			r = serve_file(c, &rq, head_only);
		if (r < 0 || !rq.keep_alive)
			break;
		/* what the client sent after this request (pipelining) */
		c->in_len -= rq.head_len;
		memmove(c->in, c->in + rq.head_len, c->in_len);
	}
	return NULL;
}
