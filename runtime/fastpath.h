/* fastpath.h - the program's system calls that need nothing of the
 * monitor but its checks: libdune's host half runs them straight from
 * ring 0 (dune_set_user_fast_syscalls), the rest take sys_handler. */
#ifndef DUNEBOX_FASTPATH_H
#define DUNEBOX_FASTPATH_H

/* After the policy, the audit and the trace are settled: computes the set
 * from the policy and hands it to libdune (none while anything is audited
 * or traced: every call must pass the monitor then). */
void fastpath_setup(void);
/* ... and a first touch of user memory brings its neighbours in too */
void fastpath_fault_around(void);

#endif
