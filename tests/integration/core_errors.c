/* Bad input: no /dev/kvm, no permission, a bad DUNE_HOST: dune_init returns
 * -errno and prints one line naming the cause and the fix. */
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "testlib.h"

static void (*setup_fn)(void);
static int want_err;

static void setup_and_init(void *arg)
{
	(void)arg;
	setup_fn();
	_exit(dune_init(1) == -want_err ? 0 : 1);
}

static void expect(const char *name, void (*setup)(void), int err, const char *needle)
{
	char out[2048];
	int status;

	setup_fn = setup;
	want_err = err;
	status = tl_child(setup_and_init, NULL, out, sizeof(out));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !strstr(out, needle)) {
		fprintf(stderr, "FAIL %s: status 0x%x, output: %s\n", name, status, out);
		tl_failures++;
	}
}

static void no_kvm(void)
{
	/* a private /dev without kvm */
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/dev", "tmpfs", 0, NULL))
		_exit(77);
}

static void no_permission(void)
{
	if (getuid() == 0 && setuid(65534))
		_exit(77);
}

static void bad_host(void)
{
	setenv("DUNE_HOST", "bogus", 1);
}

static void kvm_no_dev(void)
{
	setenv("DUNE_HOST", "kvm", 1);
	no_kvm();
}

static void kmod_no_dev(void)
{
	setenv("DUNE_HOST", "kmod", 1);
	no_kvm();
}

static void kvm_no_permission(void)
{
	setenv("DUNE_HOST", "kvm", 1);
	no_permission();
}

static void kmod_no_permission(void)
{
	setenv("DUNE_HOST", "kmod", 1);
	no_permission();
}

int main(void)
{
	tl_watchdog(60);
	expect("missing /dev/kvm", kvm_no_dev, ENOENT, "cannot open /dev/kvm: no such device");
	expect("missing /dev/dune", kmod_no_dev, ENOENT, "the dune module is not loaded");
	if (access("/dev/kvm", F_OK) == 0)
		expect("no permission (kvm)", kvm_no_permission, EACCES, "permission denied");
	if (access("/dev/dune", F_OK) == 0)
		expect("no permission (kmod)", kmod_no_permission, EACCES, "permission denied");
	expect("bad DUNE_HOST", bad_host, EINVAL, "DUNE_HOST=bogus is not a host side");
	return tl_finish("core_errors");
}
