/* sign.c - the signing gate: the only code whose context holds the key's
 * tag. It runs at its start for every call, with the caller's connection
 * tag lent for that call, and trusts nothing the caller chose: the request
 * and the message must lie in what the caller lent (else a compromised
 * handler could point it at the key itself), checked on copies. */
#include <sodium.h>

#include "httpd.h"

void *sign_gate(void *key, void *arg)
{
	const struct sign_key *k = key;
	struct sign_req *req = arg;
	const uint8_t *msg;
	size_t len;

	if (!cgate_arg_ok(req, sizeof(*req), SC_RW))
		return (void *)1;
	msg = req->msg;
	len = req->len;
	if (!cgate_arg_ok(msg, len, SC_READ))
		return (void *)1;
	crypto_sign_detached(req->sig, NULL, msg, len, k->sk);
	return NULL;
}
