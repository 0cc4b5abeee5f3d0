/* The vCPU list (host/vcpu_list.c) without a guest: the MAX_VCPUS limit
 * holds under concurrent callers (it is counted under the list's lock),
 * and the list reads safely, without the lock, while it grows. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/percpu.h"
#include "host/vcpu_list.h"

#define ADDERS 8
static struct dune_percpu fakes[ADDERS][MAX_VCPUS];
static volatile int adding;

static void *adder(void *arg)
{
	long me = (long)arg, added = 0;
	while (vcpu_list_reserve() == 0) {
		usleep(50); /* making a vCPU takes a while: others ask meanwhile */
		vcpu_list_add(&fakes[me][added]);
		added++;
	}
	return (void *)added;
}

static void *reader(void *arg)
{
	(void)arg;
	while (adding)
		for (unsigned i = 0, n = vcpu_list_len(); i < n; i++)
			if (!vcpu_list_get(i))
				return (void *)1; /* counted before it was written */
	return NULL;
}

static void limit_holds_under_concurrency(void **state)
{
	pthread_t t[ADDERS], r;
	long total = 0;
	void *ret;

	(void)state;
	adding = 1;
	assert_int_equal(pthread_create(&r, NULL, reader, NULL), 0);
	for (long i = 0; i < ADDERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, adder, (void *)i), 0);
	for (int i = 0; i < ADDERS; i++) {
		pthread_join(t[i], &ret);
		total += (long)ret;
	}
	adding = 0;
	pthread_join(r, &ret);
	assert_null(ret);
	assert_int_equal(total, MAX_VCPUS);
	assert_int_equal(vcpu_list_len(), MAX_VCPUS);
	assert_int_equal(vcpu_list_reserve(), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limit_holds_under_concurrency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
