/* paths.c - what the policy's file rules mean for the jail: the access of
 * a path (longest rule wins, as in the policy), the order of the bind
 * mounts, which rules Landlock alone cannot express. No system calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jail_internal.h"

static const char tmp_dir[] = "/tmp";

/* path is dir or lies below it ("/" is above everything) */
int jail_path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

enum jail_access jail_access_of(const struct jail_config *c, const char *path)
{
	size_t best = 0;
	int found = 0;
	enum jail_access a = JAIL_NONE;

	if (c->private_tmp && jail_path_is_under(path, tmp_dir)) {
		best = sizeof(tmp_dir) - 1;
		found = 1;
		a = JAIL_RW;
	}
	for (unsigned i = 0; i < c->npaths; i++) {
		size_t n = strlen(c->paths[i].path);
		if ((!found || n > best) && jail_path_is_under(path, c->paths[i].path)) {
			best = n;
			found = 1;
			a = c->paths[i].access;
		}
	}
	return a;
}

static const struct jail_config *sort_cfg;

static int by_length(const void *a, const void *b)
{
	size_t la = strlen(sort_cfg->paths[*(const unsigned *)a].path);
	size_t lb = strlen(sort_cfg->paths[*(const unsigned *)b].path);
	if (la != lb)
		return la < lb ? -1 : 1;
	return *(const unsigned *)a < *(const unsigned *)b ? -1 : 1;
}

/* A parent is always shorter than its children: by length, then as given. */
unsigned jail_mount_order(const struct jail_config *c, unsigned order[JAIL_MAX_PATHS])
{
	unsigned n = c->npaths < JAIL_MAX_PATHS ? c->npaths : JAIL_MAX_PATHS;
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	sort_cfg = c;
	qsort(order, n, sizeof(order[0]), by_length);
	sort_cfg = NULL;
	return n;
}

int jail_rule_narrows(const struct jail_config *c, unsigned outer, unsigned inner)
{
	const struct jail_path *o = &c->paths[outer], *i = &c->paths[inner];
	return outer != inner && strcmp(o->path, i->path) && jail_path_is_under(i->path, o->path) &&
	       i->access < o->access;
}

/* "Num RefCount Protocol Flags Type St Inode Path": 1 with the path of a
 * pathname socket, 0 for anything else (no path, abstract, the header). */
int jail_parse_unix_line(const char *line, char *path, size_t pathlen)
{
	const char *p = line;
	size_t n;

	for (int field = 0; field < 7; field++) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			return 0;
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
	while (*p == ' ')
		p++;
	if (*p != '/')
		return 0; /* none, or '@' for an abstract name */
	n = strcspn(p, "\n");
	if (n >= pathlen)
		return 0;
	memcpy(path, p, n);
	path[n] = 0;
	return 1;
}
