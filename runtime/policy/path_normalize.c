/* Lexical path normalization and subtree tests. Symlinks are not looked at:
 * the monitor resolves them before asking (see POLICY.md, "Limits"). */
#include <errno.h>
#include <string.h>

#include "policy.h"

/* Appends the components of s to out[0..*len), applying "." and "..". */
static int add_components(const char *s, char *out, size_t outlen, size_t *len)
{
	while (*s) {
		while (*s == '/')
			s++;
		const char *end = s;
		while (*end && *end != '/')
			end++;
		size_t n = end - s;
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* nothing to add */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (*len > 0 && out[*len - 1] != '/')
				(*len)--;
			if (*len > 0)
				(*len)--;	/* the slash; ".." of "/" is "/" */
		} else {
			if (*len + 1 + n + 1 > outlen)
				return -ENAMETOOLONG;
			out[(*len)++] = '/';
			memcpy(out + *len, s, n);
			*len += n;
		}
		s = end;
	}
	return 0;
}

int path_normalize(const char *cwd, const char *path, char *out, size_t outlen)
{
	size_t len = 0;
	int r;

	if (!path || !out || outlen < 2)
		return -EINVAL;
	if (!*path)
		return -ENOENT;
	if (path[0] != '/') {
		if (!cwd || cwd[0] != '/')
			return -EINVAL;
		if ((r = add_components(cwd, out, outlen, &len)))
			return r;
	}
	if ((r = add_components(path, out, outlen, &len)))
		return r;
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return (int)len;
}

/* dir is normalized: "/" or "/a/b" without a trailing slash. */
bool path_is_under(const char *path, const char *dir, size_t dirlen)
{
	if (dirlen == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, dirlen) == 0 &&
	       (path[dirlen] == '\0' || path[dirlen] == '/');
}
