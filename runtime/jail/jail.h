/*
 * jail.h - dunebox's outer layer: the kernel's own isolation around the
 * whole dunebox process (supervisor, monitor and program), set up once at
 * start-up, before the monitor runs a line of the program.
 *
 *   namespaces  user (the caller's uid and gid only), mount, pid, ipc, net
 *               (unless net is allowed), uts, cgroup
 *   root        a tmpfs root holding bind mounts of the policy's paths
 *               (read-only where the policy says so), a private /tmp and a
 *               /dev with only the nodes allowed, a fresh /proc; pivot_root
 *   landlock    the policy's file rules again, in the kernel, plus scoping of
 *               signals and abstract unix sockets where the kernel has it
 *   privileges  no_new_privs, every capability dropped, securebits locked
 *   seccomp     a filter allowing the monitor's own calls and the calls the
 *               policy lets the program forward; never seccomp, ptrace, bpf,
 *               mount, keyctl, fanotify, kexec, ... (seccomp.c says why)
 *   limits      memory and process limits: cgroup v2 where delegated to us,
 *               rlimits otherwise
 *
 * jail_enter() returns in a new process, pid 1 of the new pid namespace,
 * inside every layer; the caller's process stays outside, waits for it and
 * exits with its status, so nothing of the box outlives dunebox. Each layer
 * that cannot be had stops dunebox with one line naming the layer, the
 * cause and the flag that runs without it (jail_layer_flag()).
 */
#ifndef DUNEBOX_JAIL_H
#define DUNEBOX_JAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Layers the user may give up by name (--without NAME,...). */
enum jail_layer {
	JAIL_NAMESPACES = 1 << 0, /* the namespaces and the bind-mount root */
	JAIL_LANDLOCK = 1 << 1,
	JAIL_SECCOMP = 1 << 2,
};
#define JAIL_LAYERS_ALL (JAIL_NAMESPACES | JAIL_LANDLOCK | JAIL_SECCOMP)

enum jail_access { JAIL_NONE, JAIL_RO, JAIL_RW };
enum jail_net { JAIL_NET_NONE, JAIL_NET_UNIX, JAIL_NET_ALL };

#define JAIL_MAX_PATHS 160
#define JAIL_MAX_KEEP_FDS 8
#define JAIL_SYSCALLS 512

struct jail_path {
	const char *path; /* absolute, normalized */
	enum jail_access access;
};

struct jail_config {
	struct jail_path paths[JAIL_MAX_PATHS]; /* the policy's fs rules */
	unsigned npaths;
	bool private_tmp;          /* /tmp is a fresh tmpfs */
	enum jail_net net;         /* socket families; ALL keeps the host's network */
	/* system calls the policy lets the program's calls reach the kernel
	 * with (a bit per number); the monitor's own are added by the jail */
	uint8_t forwarded[JAIL_SYSCALLS / 8];
	unsigned without;          /* enum jail_layer bits the user gave up */
	int keep_fds[JAIL_MAX_KEEP_FDS]; /* opened before: kept open (-1: unused) */
	int device_fd;             /* libdune's host device (-1: none), see landlock.c */
	uint64_t memory_limit;     /* bytes; 0: half the machine's memory */
	uint64_t pids_limit;       /* tasks; 0: JAIL_DEFAULT_PIDS */
	bool native_exec;          /* test builds: the program runs natively, so
				      the filter lets execve through */
};
#define JAIL_DEFAULT_PIDS 1024

/* What was set up, for --trace: one line, no newline. */
struct jail_report {
	char line[512];
};

void jail_config_init(struct jail_config *c);
/* --without's argument: "landlock,seccomp" -> bits; -1 if a name is unknown */
int jail_parse_layers(const char *list);
/* the flag that runs without a layer, for messages */
const char *jail_layer_flag(enum jail_layer layer);

/* Whether the filter kills the process for system call nr: the caller
 * refuses these itself, where the program can be told EPERM */
bool jail_filter_kills(const struct jail_config *c, int nr);

/*
 * Sets the layers up and returns 0 in the jailed process (pid 1 of the new
 * pid namespace). On failure returns -1 with one line in err (layer, cause,
 * remedy). The calling process never returns on success: it waits for the
 * jailed one and exits with its status.
 */
int jail_enter(const struct jail_config *c, struct jail_report *rep, char *err, size_t errlen);

#endif
