/* both halves - messages safe anywhere (host loop, guest, trap handlers:
 * no stdio buffers, no malloc) and the end of the process. */
#ifndef LIBDUNE_LOG_H
#define LIBDUNE_LOG_H

/* Prints "libdune: <msg>" on stderr. */
void dune_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int dune_debug; /* DUNE_DEBUG=1 in the environment */
#define dune_dbg(...)                      \
	do {                               \
		if (dune_debug)            \
			dune_log(__VA_ARGS__); \
	} while (0)

/* Ends the process with sig as its cause, whatever handler the program
 * installed (host mode: raw system calls only). */
void die_with_signal(int sig) __attribute__((noreturn));

#endif
