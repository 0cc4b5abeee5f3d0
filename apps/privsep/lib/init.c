/* init.c - sthread_init: dune mode, the image, the template table, the
 * handlers of user code's calls and faults. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "dune.h"
#include "image.h"
#include "sthread.h"
#include "table.h"
#include "traps.h"

static int initialized;

int sthread_init(void)
{
	struct sigaction old;
	int r;

	if (initialized)
		return 0;
	if (!dune_in_guest() && (r = dune_init_and_enter()) != 0) {
		fprintf(stderr, "sthread_init: libdune could not enter dune mode (%d); "
				"see DUNE_DEBUG=1 for why\n", r);
		return r < 0 ? r : -EIO;
	}
	if ((r = image_init()) < 0) {
		fprintf(stderr, "sthread_init: cannot read the program's image (%s)\n",
			strerror(-r));
		return r;
	}
	if ((r = table_template_build()) < 0) {
		fprintf(stderr, "sthread_init: no memory for page tables\n");
		return r;
	}
	traps_install();
	dune_register_syscall_handler(calls_handle);
	/* a write to a closed socket must not end the process for an sthread */
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
	initialized = 1;
	return 0;
}

const char *sthread_end_str(const struct sthread_end *e, char *buf, size_t len)
{
	switch (e->how) {
	case STHREAD_RETURNED:
		snprintf(buf, len, "returned %p", e->ret);
		break;
	case STHREAD_EXITED:
		snprintf(buf, len, "exited with %ld", (long)e->ret);
		break;
	case STHREAD_FAULTED:
		if (e->vector == T_PGFLT)
			snprintf(buf, len, "page fault at 0x%lx (rip 0x%lx, error 0x%lx)",
				 (unsigned long)e->addr, (unsigned long)e->rip, (unsigned long)e->err);
		else
			snprintf(buf, len, "exception %d at rip 0x%lx", e->vector,
				 (unsigned long)e->rip);
		break;
	case STHREAD_KILLED:
		snprintf(buf, len, "killed: denied system call %ld (%s)", e->syscall,
			 calls_name(e->syscall));
		break;
	default:
		snprintf(buf, len, "unknown end %d", e->how);
	}
	return buf;
}
