/* image.h - what every sthread starts from: the program's code and
 * read-only data, a snapshot of its globals before main(), a TLS template
 * (image.c). */
#ifndef STHREAD_IMAGE_H
#define STHREAD_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct range {
	uintptr_t start, end;
	int exec;
};

struct image {
	struct range ro[64];      /* code, read-only data, RELRO, vDSO */
	int nro;
	struct range globals[32]; /* writable data of every object */
	int nglobals;
	size_t globals_size;      /* bytes, page multiples */
	uint8_t *snapshot;        /* globals as they were before main() */
	/* the TLS template: [lo, end) of a fresh thread, fs inside */
	uint8_t *tls;
	size_t tls_size;
	uintptr_t tls_lo_offset;  /* lo & 4095: kept, so alignments hold */
	uintptr_t tls_fs_offset;  /* fs - lo */
	int xsave;                /* the FPU is reset with XRSTOR (else FXRSTOR) */
};
extern struct image image;
int image_snapshot(void);    /* the constructor's part: globals */
int image_init(void);        /* the rest, at sthread_init */
/* 1 in every domain's copy of the globals, 0 in the program's */
extern volatile int sthread_in_domain;

#endif
