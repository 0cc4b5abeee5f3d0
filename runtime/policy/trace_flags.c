/* Names for the flag words and numbers --trace decodes. Values are the
 * kernel's for x86-64, written out: libc headers hide some (O_LARGEFILE
 * is 0 in glibc's) and this file must not depend on which libc it is. */
#include "format_parts.h"

#define N(table) (sizeof(table) / sizeof(table[0]))

static const struct flag_name open_flags[] = {
	{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" }, { 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" },
	{ 04010000, "O_SYNC" }, { 010000, "O_DSYNC" }, { 020000, "O_ASYNC" },
	{ 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" },
	{ 020200000, "O_TMPFILE" }, { 0200000, "O_DIRECTORY" },
	{ 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" }, { 010000000, "O_PATH" },
};

void out_open_flags(struct outbuf *o, unsigned long flags)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

	out_str(o, modes[flags & 3]);
	if (flags & ~3UL) {
		out_char(o, '|');
		out_flags(o, flags & ~3UL, open_flags, N(open_flags));
	}
}

static const struct flag_name prot_flags[] = {
	{ 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" },
	{ 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" },
};

void out_mmap_prot(struct outbuf *o, unsigned long prot)
{
	if (prot)
		out_flags(o, prot, prot_flags, N(prot_flags));
	else
		out_str(o, "PROT_NONE");
}

static const struct flag_name map_flags[] = {
	{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x40, "MAP_32BIT" },
	{ 0x100, "MAP_GROWSDOWN" }, { 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" }, { 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" }, { 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" }, { 0x4000000, "MAP_UNINITIALIZED" },
};

/* The low bits are a type, not flags. */
void out_mmap_flags(struct outbuf *o, unsigned long flags)
{
	static const char *const types[] = { "0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE" };
	unsigned long rest = flags & ~0xfUL;

	if (flags & 0xc)
		out_hex(o, flags & 0xf);
	else
		out_str(o, types[flags & 3]);
	if (rest) {
		out_char(o, '|');
		out_flags(o, rest, map_flags, N(map_flags));
	}
}

static const struct flag_name at_flags[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" },
	{ 0x400, "AT_SYMLINK_FOLLOW" }, { 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" }, { 0x2000, "AT_STATX_FORCE_SYNC" },
	{ 0x4000, "AT_STATX_DONT_SYNC" }, { 0x8000, "AT_RECURSIVE" },
};

void out_at_flags(struct outbuf *o, unsigned long flags)
{
	out_flags(o, flags, at_flags, N(at_flags));
}

void out_dirfd(struct outbuf *o, long fd)
{
	if ((int)fd == -100)
		out_str(o, "AT_FDCWD");
	else
		out_dec(o, (int)fd);
}

void out_socket_family(struct outbuf *o, long family)
{
	static const char *const names[] = {
		[0] = "AF_UNSPEC", [1] = "AF_UNIX", [2] = "AF_INET", [3] = "AF_AX25",
		[4] = "AF_IPX", [5] = "AF_APPLETALK", [10] = "AF_INET6",
		[15] = "AF_KEY", [16] = "AF_NETLINK", [17] = "AF_PACKET",
		[29] = "AF_CAN", [31] = "AF_BLUETOOTH", [38] = "AF_ALG",
		[40] = "AF_VSOCK", [44] = "AF_XDP",
	};

	if (family >= 0 && family < (long)N(names) && names[family])
		out_str(o, names[family]);
	else
		out_dec(o, family);
}

void out_signal(struct outbuf *o, long sig)
{
	static const char *const names[] = {
		"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
		"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
		"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
		"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
		"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
		"SIGSYS",
	};

	if (sig >= 0 && sig < (long)N(names)) {
		out_str(o, names[sig]);
	} else if (sig >= 32 && sig <= 64) {
		out_str(o, "SIGRT_");
		out_dec(o, sig - 32);
	} else {
		out_dec(o, sig);
	}
}
