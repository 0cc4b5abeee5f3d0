/* Default deny and tags: an sthread reads none of its creator's heap, and
 * sees its globals as they were before main() (its writes stay its own);
 * a tag granted read can be read, not written; read/write both; a tag not
 * granted faults; faults end only the sthread, reported to the joiner. */
#include <stdlib.h>

#include "sttest.h"

static long pristine_global = 7;  /* changed by main after sthread_init */
static long bss_global;           /* ditto */
static char *heap_secret;

static void *read_ptr(void *p)
{
	return (void *)*(volatile long *)p;
}

static void *write_ptr(void *p)
{
	*(volatile long *)p = 0x5eed;
	return (void *)1;
}

/* the globals as this sthread sees them, and its own writes to them */
static void *globals(void *arg)
{
	long seen = pristine_global * 1000 + bss_global;
	(void)arg;
	pristine_global = 99;
	bss_global = 99;
	return (void *)seen;
}

static void *add_in_tag(void *p)
{
	long *v = p;
	v[1] = v[0] + 1;
	return (void *)v[1];
}

int main(void)
{
	struct sthread_end end;
	struct sc *none, *ro, *rw;
	tag_t tag, other;
	long *in_tag, *in_other;

	st_start(120);
	pristine_global = 8;
	bss_global = 5;
	heap_secret = malloc(64);
	strcpy(heap_secret, "heap secret");

	none = sc_new();
	/* the creator's heap: a page fault, reported with its address */
	CHECK_EQ(st_run(none, read_ptr, heap_secret, &end), STHREAD_FAULTED);
	CHECK_EQ(end.vector, T_PGFLT);
	CHECK_EQ(end.addr, (uintptr_t)heap_secret);
	/* the creator's globals: the sthread has the values from before main */
	CHECK_EQ(st_run(none, globals, NULL, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, 7 * 1000 + 0);
	CHECK_EQ(pristine_global, 8); /* its writes stayed in its copy */
	CHECK_EQ(bss_global, 5);
	/* and the next sthread starts from the snapshot again */
	CHECK_EQ(st_run(none, globals, NULL, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, 7 * 1000 + 0);
	/* the creator's stack */
	{
		volatile long local = 42;
		CHECK_EQ(st_run(none, read_ptr, (void *)&local, &end), STHREAD_FAULTED);
		CHECK_EQ(end.addr, (uintptr_t)&local);
	}

	tag = tag_new(8192);
	other = tag_new(4096);
	CHECK(tag && other);
	in_tag = smalloc(tag, 2 * sizeof(long));
	in_other = smalloc(other, sizeof(long));
	in_tag[0] = 41;
	*in_other = 17;
	ro = sc_new();
	rw = sc_new();
	CHECK_EQ(sc_mem_add(ro, tag, SC_READ), 0);
	CHECK_EQ(sc_mem_add(rw, tag, SC_RW), 0);
	CHECK_EQ(sc_mem_add(rw, tag, SC_WRITE), -EINVAL);
	/* read: yes; write: a fault with the write bit */
	CHECK_EQ(st_run(ro, read_ptr, in_tag, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, 41);
	CHECK_EQ(st_run(ro, write_ptr, in_tag, &end), STHREAD_FAULTED);
	CHECK(end.err & FEC_W);
	CHECK_EQ(in_tag[0], 41);
	/* read/write: both, seen by the creator */
	CHECK_EQ(st_run(rw, add_in_tag, in_tag, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, 42);
	CHECK_EQ(in_tag[1], 42);
	/* a tag the context does not grant */
	CHECK_EQ(st_run(rw, read_ptr, in_other, &end), STHREAD_FAULTED);
	CHECK_EQ(end.addr, (uintptr_t)in_other);
	/* grants end with the sthread: the same worker, a context without */
	CHECK_EQ(st_run(none, read_ptr, in_tag, &end), STHREAD_FAULTED);
	/* the process is fine, and so is the heap */
	CHECK(strcmp(heap_secret, "heap secret") == 0);
	return tl_finish("st_memory");
}
