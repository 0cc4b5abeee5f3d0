/*
 * untrusted - the sample program `make run` puts in the box: it does what
 * an ordinary program does, then what a hostile one would try. Every step
 * says what happened; dunebox's audit says what it allowed and refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void step(const char *what, int ok)
{
	printf("  %-44s %s\n", what, ok ? "ok" : strerror(errno));
}

int main(void)
{
	char buf[256];
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("untrusted: ordinary work\n");
	fd = open("/etc/os-release", O_RDONLY);
	step("read /etc/os-release", fd >= 0 && read(fd, buf, sizeof(buf)) > 0);
	fd = open("/tmp/scratch.txt", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	step("write /tmp/scratch.txt (a private /tmp)", fd >= 0 && write(fd, "hi\n", 3) == 3);
	step("getcwd", getcwd(buf, sizeof(buf)) != NULL);

	printf("untrusted: hostile work\n");
	step("open /etc/passwd for writing", open("/etc/passwd", O_WRONLY | O_APPEND) >= 0);
	step("create /usr/local/bin/backdoor", open("/usr/local/bin/backdoor", O_CREAT | O_WRONLY, 0755) >= 0);
	step("socket(AF_INET) to phone home", socket(AF_INET, SOCK_STREAM, 0) >= 0);
	step("ptrace(ATTACH) the parent", ptrace(PTRACE_ATTACH, getppid(), 0, 0) == 0);
	step("open /dev/kvm for a VM of its own", open("/dev/kvm", O_RDWR) >= 0);
	printf("untrusted: now a privileged instruction (cli)...\n");
	asm volatile("cli");
	printf("untrusted: still here: NOT contained\n");
	return 1;
}
