/*
 * box_registry.c - the box's shared bookkeeping (box_registry.h): one
 * MAP_SHARED page set made by the supervisor before it forks the first
 * process of the box, so every process of the box inherits it, under a
 * lock that names its holder (process and thread): a holder that is gone
 * (killed, or ended by SYS_exit) is taken over from. Not a robust pthread
 * mutex: the kernel hands those over only for threads that registered a
 * robust list, and the box's processes and threads come from raw fork and
 * clone (libdune), which register none.
 */
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "box_registry.h"

#define MAX_IPC 1024
#define MAX_ABSTRACT 512
#define ABSTRACT_MAX 108 /* sun_path */
#define MAX_PROCS 512 /* the oldest entry goes when full */

struct ipc_object {
	int kind, id;
	key_t key;
	int used;
};

struct abstract_name {
	unsigned short len;
	char name[ABSTRACT_MAX];
};

struct proc_entry {
	int pid;
	unsigned short len;
	char prog[REGISTRY_PROG_MAX];
	char cmdline[REGISTRY_CMDLINE_MAX];
};

struct registry {
	uint64_t holder; /* pid << 32 | tid, 0 when free */
	unsigned next_proc;
	struct proc_entry procs[MAX_PROCS];
	struct ipc_object ipc[MAX_IPC];
	unsigned nr_abstract;
	struct abstract_name abstract[MAX_ABSTRACT];
};

static struct registry *reg;

int registry_init(void)
{
	void *p = mmap(NULL, sizeof(*reg), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	reg = p;
	return 0;
}

static int holder_gone(uint64_t h)
{
	return syscall(SYS_tgkill, (pid_t)(h >> 32), (pid_t)(h & 0xffffffff), 0) < 0 &&
	       errno == ESRCH;
}

static void lock(void)
{
	uint64_t me = (uint64_t)getpid() << 32 | (uint32_t)syscall(SYS_gettid);
	for (;;) {
		uint64_t h = 0;
		if (__atomic_compare_exchange_n(&reg->holder, &h, me, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		/* the holder died: its update was a few stores, the table stays usable */
		if (holder_gone(h) && __atomic_compare_exchange_n(&reg->holder, &h, me, 0,
								  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		sched_yield();
	}
}

static void unlock(void)
{
	__atomic_store_n(&reg->holder, 0, __ATOMIC_RELEASE);
}

int registry_ipc_add(enum ipc_kind kind, int id, key_t key)
{
	int r = -ENOSPC;
	if (!reg)
		return -ENOSPC;
	lock();
	for (int i = 0; i < MAX_IPC; i++)
		if (!reg->ipc[i].used) {
			reg->ipc[i] = (struct ipc_object){ kind, id, key, 1 };
			r = 0;
			break;
		}
	unlock();
	return r;
}

static int find(enum ipc_kind kind, int id)
{
	for (int i = 0; i < MAX_IPC; i++)
		if (reg->ipc[i].used && reg->ipc[i].kind == (int)kind && reg->ipc[i].id == id)
			return i;
	return -1;
}

int registry_ipc_has(enum ipc_kind kind, int id)
{
	int r;
	if (!reg)
		return 0;
	lock();
	r = find(kind, id) >= 0;
	unlock();
	return r;
}

int registry_ipc_by_key(enum ipc_kind kind, key_t key)
{
	int id = -1;
	if (!reg || key == IPC_PRIVATE)
		return -1;
	lock();
	for (int i = 0; i < MAX_IPC; i++)
		if (reg->ipc[i].used && reg->ipc[i].kind == (int)kind && reg->ipc[i].key == key) {
			id = reg->ipc[i].id;
			break;
		}
	unlock();
	return id;
}

void registry_ipc_forget(enum ipc_kind kind, int id)
{
	if (!reg)
		return;
	lock();
	int i = find(kind, id);
	if (i >= 0)
		reg->ipc[i].used = 0;
	unlock();
}

void registry_ipc_remove_all(void)
{
	if (!reg)
		return;
	lock();
	for (int i = 0; i < MAX_IPC; i++) {
		struct ipc_object *o = &reg->ipc[i];
		if (!o->used)
			continue;
		if (o->kind == IPC_KIND_SHM)
			shmctl(o->id, IPC_RMID, NULL);
		else if (o->kind == IPC_KIND_SEM)
			semctl(o->id, 0, IPC_RMID);
		else
			msgctl(o->id, IPC_RMID, NULL);
		o->used = 0;
	}
	unlock();
}

int registry_abstract_add(const char *name, size_t len)
{
	int r = -ENOSPC;
	if (!reg || len > ABSTRACT_MAX)
		return -ENOSPC;
	lock();
	for (unsigned i = 0; i < reg->nr_abstract; i++)
		if (reg->abstract[i].len == len && !memcmp(reg->abstract[i].name, name, len)) {
			r = 0;
			goto out;
		}
	if (reg->nr_abstract < MAX_ABSTRACT) {
		reg->abstract[reg->nr_abstract].len = (unsigned short)len;
		memcpy(reg->abstract[reg->nr_abstract].name, name, len);
		reg->nr_abstract++;
		r = 0;
	}
out:
	unlock();
	return r;
}

int registry_abstract_has(const char *name, size_t len)
{
	int r = 0;
	if (!reg)
		return 0;
	lock();
	for (unsigned i = 0; i < reg->nr_abstract && !r; i++)
		r = reg->abstract[i].len == len && !memcmp(reg->abstract[i].name, name, len);
	unlock();
	return r;
}

static struct proc_entry *proc_slot(int pid, int make)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (reg->procs[i].pid == pid)
			return &reg->procs[i];
	if (!make)
		return NULL;
	struct proc_entry *e = &reg->procs[reg->next_proc++ % MAX_PROCS];
	e->pid = pid;
	return e;
}

void registry_proc_set(int pid, const char *prog, const char *cmdline, size_t len)
{
	if (!reg)
		return;
	lock();
	struct proc_entry *e = proc_slot(pid, 1);
	snprintf(e->prog, sizeof(e->prog), "%s", prog);
	if (len > sizeof(e->cmdline))
		len = sizeof(e->cmdline);
	memcpy(e->cmdline, cmdline, len);
	e->len = (unsigned short)len;
	unlock();
}

int registry_proc_get(int pid, char *prog, char *cmdline, size_t *len)
{
	int r = -ENOENT;
	if (!reg)
		return r;
	lock();
	struct proc_entry *e = proc_slot(pid, 0);
	if (e) {
		memcpy(prog, e->prog, sizeof(e->prog));
		memcpy(cmdline, e->cmdline, e->len);
		*len = e->len;
		r = 0;
	}
	unlock();
	return r;
}

void registry_proc_inherit(int parent, int child)
{
	char prog[REGISTRY_PROG_MAX], cmdline[REGISTRY_CMDLINE_MAX];
	size_t len;
	if (registry_proc_get(parent, prog, cmdline, &len) == 0)
		registry_proc_set(child, prog, cmdline, len);
}
