/* host mode - a program's vmcalls where the host hides them (vmcall_scan.c). */
#ifndef LIBDUNE_VMCALL_SCAN_H
#define LIBDUNE_VMCALL_SCAN_H

/* dune_init: one line if the program's code holds vmcall and nothing here
 * would see it run. */
void vmcall_scan(void);

#endif
