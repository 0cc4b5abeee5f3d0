/* httpd.h - the demo server's parts: the supervisor (httpd.c, trusted:
 * accepts, builds each connection's context, joins), the connection
 * handler (handler.c, runs in an sthread with only its connection, the
 * document root and its own tag) and the signing gate (sign.c, the only
 * code that can read the private key). */
#ifndef HTTPD_H
#define HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include "sthread.h"

#define REQ_MAX 8192          /* request line and headers */
#define HEAD_MAX 1024         /* response headers */
#define BODY_MAX (60 * 1024)  /* a file, or what /echo returns */
#define SIG_BYTES 64          /* Ed25519 */
#define KEEPALIVE_MAX 100     /* requests on one connection */

/* what the gate signs, in the connection's tag (lent to the gate) */
struct sign_req {
	const uint8_t *msg;
	size_t len;
	uint8_t sig[SIG_BYTES];
};

/* the gate's trusted argument, in the key's tag */
struct sign_key {
	uint8_t seed[32];
	uint8_t pk[32];
	uint8_t sk[64];
};

/* one connection: all the handler may touch, in one tag */
struct conn {
	int fd;              /* the connection */
	int root;            /* the document root (a directory) */
	int idle_rounds;     /* receive timeouts before giving up */
	struct cgate *sign;  /* the signing gate */
	tag_t tag;           /* this tag (lent to the gate) */
	struct sign_req req;
	size_t in_len;
	char in[REQ_MAX];
	char head[HEAD_MAX];
	char body[BODY_MAX];
};

/* the handler: serves requests on c->fd until it closes or misbehaves */
void *handle_connection(void *c);
/* the gate: signs req->msg with the key (trusted = struct sign_key *) */
void *sign_gate(void *key, void *req);

#endif
