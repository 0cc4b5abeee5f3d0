/* Landlock, privileges and limits, each set up in a child on a tree the
 * test makes; and the whole jail (jail_enter) from the inside. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "jailtest.h"

/* not under /tmp: the whole jail gives the box a /tmp of its own */
static char top[] = "/var/tmp/jail-test.XXXXXX";
static char p_ro[128], p_rw[128], p_none[128], p_inner[128];

static void path(char *out, const char *rel)
{
	snprintf(out, 128, "%s/%s", top, rel);
}

static void put(const char *rel, const char *text)
{
	char p[160];
	int fd;
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int setup(void **state)
{
	char p[160];
	(void)state;
	assert_non_null(mkdtemp(top));
	path(p_ro, "ro");
	path(p_rw, "rw");
	path(p_none, "ro/secret");
	path(p_inner, "rw/kept");
	for (const char *d = "ro\0rw\0ro/secret\0rw/kept\0rw/other\0"; *d; d += strlen(d) + 1) {
		snprintf(p, sizeof(p), "%s/%s", top, d);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	put("ro/file", "ro");
	put("ro/secret/key", "key");
	put("rw/kept/file", "kept");
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	return system(cmd) == 0 ? 0 : -1;
}

static int can_open(const char *rel, int flags)
{
	char p[160];
	int fd;
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	fd = open(p, flags | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : -errno;
}

static void landlock_child(void *arg)
{
	struct jail_config c;
	struct jail_state s;
	char err[512];
	(void)arg;
	jail_config_init(&c);
	c.paths[c.npaths++] = (struct jail_path){p_ro, JAIL_RO};
	c.paths[c.npaths++] = (struct jail_path){p_none, JAIL_NONE};
	c.paths[c.npaths++] = (struct jail_path){p_rw, JAIL_RW};
	c.paths[c.npaths++] = (struct jail_path){p_inner, JAIL_RO};
	state_for(&s, &c, err, sizeof(err));
	if (landlock_apply(&s) < 0) {
		fprintf(stderr, "%s\n", err);
		_exit(errno == ENOSYS || errno == EOPNOTSUPP ? 77 : 100);
	}
	CHILD_CHECK(1, can_open("ro/file", O_RDONLY) == 0);
	CHILD_CHECK(2, can_open("ro/file", O_WRONLY) == -EACCES);
	CHILD_CHECK(3, can_open("ro/new", O_WRONLY | O_CREAT) == -EACCES);
	CHILD_CHECK(4, can_open("ro/secret/key", O_RDONLY) == -EACCES);  /* none inside ro */
	/* Landlock adds rights down a tree: a directory holding a stricter rule
	 * gets only what both allow (names cannot be made right in it) */
	CHILD_CHECK(5, can_open("rw/new", O_WRONLY | O_CREAT) == -EACCES);
	CHILD_CHECK(11, can_open("rw/other/new", O_WRONLY | O_CREAT) == 0);
	CHILD_CHECK(6, can_open("rw/kept/file", O_RDONLY) == 0);
	CHILD_CHECK(7, can_open("rw/kept/file", O_WRONLY) == -EACCES);   /* ro inside rw */
	CHILD_CHECK(8, can_open("rw/kept/new", O_WRONLY | O_CREAT) == -EACCES);
	CHILD_CHECK(9, can_open("ro", O_RDONLY | O_DIRECTORY) == 0);       /* listing allowed */
	CHILD_CHECK(10, open("/etc/hostname", O_RDONLY) < 0 && errno == EACCES); /* no rule */
}

static void landlock_holds_the_rules(void **state)
{
	(void)state;
	int status = in_child(landlock_child, NULL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		skip();
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int status_value(const char *key)
{
	char *text = NULL, *p;
	size_t cap = 0;
	FILE *f = fopen("/proc/self/status", "r");
	long v = -1;
	while (f && getline(&text, &cap, f) > 0)
		if (!strncmp(text, key, strlen(key)) && (p = strchr(text, ':')))
			v = strtol(p + 1, NULL, 16);
	free(text);
	if (f)
		fclose(f);
	return (int)v;
}

static void privs_child(void *arg)
{
	struct jail_config c;
	struct jail_state s;
	char err[512];
	(void)arg;
	jail_config_init(&c);
	state_for(&s, &c, err, sizeof(err));
	CHILD_CHECK(1, privs_drop(&s) == 0);
	CHILD_CHECK(2, status_value("CapEff") == 0 && status_value("CapPrm") == 0);
	CHILD_CHECK(3, status_value("CapBnd") == 0 && status_value("CapAmb") == 0);
	CHILD_CHECK(4, status_value("NoNewPrivs") == 1);
	CHILD_CHECK(5, setuid(12345) < 0 || getuid() != 0);                 /* root gets no power back */
	CHILD_CHECK(6, (prctl(PR_GET_SECUREBITS) & 0x3) == 0x3); /* NOROOT, locked */
}

static void privileges_gone(void **state)
{
	(void)state;
	int status = in_child(privs_child, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void limits_child(void *arg)
{
	struct jail_config c;
	struct jail_state s;
	struct rlimit rl;
	char err[512];
	(void)arg;
	jail_config_init(&c);
	state_for(&s, &c, err, sizeof(err));
	s.memory_limit = 64 << 20;
	s.pids_limit = 16;
	CHILD_CHECK(1, limits_rlimits(&s) == 0);
	CHILD_CHECK(2, getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_max == 64 << 20);
	CHILD_CHECK(3, getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_max == 16);
	CHILD_CHECK(4, getrlimit(RLIMIT_RTPRIO, &rl) == 0 && rl.rlim_max == 0);
	CHILD_CHECK(5, mmap(NULL, 128 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0) == MAP_FAILED && errno == ENOMEM);
	rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
	CHILD_CHECK(6, getuid() == 0 || setrlimit(RLIMIT_DATA, &rl) < 0); /* no way back up */
}

static void limits_set(void **state)
{
	(void)state;
	int status = in_child(limits_child, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void enter_child(void *arg)
{
	struct jail_config c;
	struct jail_report rep;
	char err[1024], buf[8];
	struct stat st;
	int fd;
	(void)arg;
	jail_config_init(&c);
	c.paths[c.npaths++] = (struct jail_path){"/", JAIL_RO};
	c.paths[c.npaths++] = (struct jail_path){p_none, JAIL_NONE};
	c.paths[c.npaths++] = (struct jail_path){p_rw, JAIL_RW};
	c.private_tmp = true;
	c.net = JAIL_NET_UNIX;
	if (jail_enter(&c, &rep, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		_exit(strstr(err, "user namespace") ? 77 : 100);
	}
	/* from here on: inside, as pid 1 of the new pid namespace */
	CHILD_CHECK(1, getpid() == 1);
	CHILD_CHECK(2, stat("/dev/kvm", &st) < 0 && errno == ENOENT);
	CHILD_CHECK(3, can_open("ro/file", O_WRONLY) == -EROFS || can_open("ro/file", O_WRONLY) == -EACCES);
	CHILD_CHECK(4, (fd = open(p_none, O_RDONLY | O_DIRECTORY)) < 0 || read(fd, buf, 1) < 0);
	CHILD_CHECK(5, can_open("ro/secret/key", O_RDONLY) < 0);
	CHILD_CHECK(6, can_open("rw/other/made-inside", O_WRONLY | O_CREAT) == 0);
	CHILD_CHECK(7, stat(top, &st) == 0);                  /* the rest of the host: read-only */
	CHILD_CHECK(8, access("/tmp", W_OK) == 0 && stat(top, &st) == 0);
	CHILD_CHECK(9, strstr(rep.line, "pivot_root") != NULL);
}

static void whole_jail(void **state)
{
	(void)state;
	char made[160];
	int status = in_child(enter_child, NULL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		skip();
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	snprintf(made, sizeof(made), "%s/rw/other/made-inside", top);
	assert_int_equal(access(made, F_OK), 0); /* the rw rule reaches the host */
}

/* a part that cannot be set up stops the jail with one line: the part,
 * the cause, the flag that goes without it */
static void refusal_child(void *arg)
{
	struct jail_config c;
	struct jail_report rep;
	char err[1024];
	(void)arg;
	jail_config_init(&c);
	c.paths[c.npaths++] = (struct jail_path){p_rw, JAIL_RW};
	c.device_fd = 987; /* not open: Landlock cannot take a rule for it */
	c.without = JAIL_NAMESPACES;
	CHILD_CHECK(1, jail_enter(&c, &rep, err, sizeof(err)) == -1);
	fprintf(stderr, "%s\n", err);
	CHILD_CHECK(2, !strncmp(err, "landlock: ", 10));
	CHILD_CHECK(3, strstr(err, "Bad file descriptor") != NULL);
	CHILD_CHECK(4, strstr(err, "--without landlock") != NULL);
	CHILD_CHECK(5, !strchr(err, '\n'));
}

static void refusal_names_layer_and_flag(void **state)
{
	(void)state;
	int status = in_child(refusal_child, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(landlock_holds_the_rules),
		cmocka_unit_test(privileges_gone),
		cmocka_unit_test(limits_set),
		cmocka_unit_test(whole_jail),
		cmocka_unit_test(refusal_names_layer_and_flag),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
