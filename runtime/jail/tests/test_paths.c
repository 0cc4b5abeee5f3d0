/* The policy's rules as the jail reads them (paths.c, the layer names). */
#include "jailtest.h"

static struct jail_config cfg(void)
{
	struct jail_config c;
	jail_config_init(&c);
	c.paths[c.npaths++] = (struct jail_path){"/home/ann/src/out", JAIL_RW};
	c.paths[c.npaths++] = (struct jail_path){"/", JAIL_RO};
	c.paths[c.npaths++] = (struct jail_path){"/home/ann/.ssh", JAIL_NONE};
	c.paths[c.npaths++] = (struct jail_path){"/home/ann", JAIL_RO};
	c.paths[c.npaths++] = (struct jail_path){"/tmp/.X11-unix", JAIL_RW};
	return c;
}

static void longest_rule_decides(void **state)
{
	struct jail_config c = cfg();
	(void)state;
	assert_int_equal(jail_access_of(&c, "/etc/passwd"), JAIL_RO);
	assert_int_equal(jail_access_of(&c, "/home/ann/.ssh/id_rsa"), JAIL_NONE);
	assert_int_equal(jail_access_of(&c, "/home/ann/.sshx"), JAIL_RO); /* not under .ssh */
	assert_int_equal(jail_access_of(&c, "/home/ann/src/out/a.o"), JAIL_RW);
	assert_int_equal(jail_access_of(&c, "/tmp/x"), JAIL_RO); /* shared /tmp: the "/" rule */
	c.private_tmp = true;
	assert_int_equal(jail_access_of(&c, "/tmp/x"), JAIL_RW);
	assert_int_equal(jail_access_of(&c, "/tmp/.X11-unix/X0"), JAIL_RW);
	c.npaths = 0;
	assert_int_equal(jail_access_of(&c, "/etc"), JAIL_NONE); /* no rule: nothing */
}

static void parents_mount_first(void **state)
{
	struct jail_config c = cfg();
	unsigned order[JAIL_MAX_PATHS], n = jail_mount_order(&c, order);
	(void)state;
	assert_int_equal(n, c.npaths);
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			assert_false(jail_path_is_under(c.paths[order[i]].path, c.paths[order[j]].path) &&
				     strcmp(c.paths[order[i]].path, c.paths[order[j]].path));
	assert_string_equal(c.paths[order[0]].path, "/");
}

static void narrower_rules_found(void **state)
{
	struct jail_config c = cfg();
	(void)state;
	assert_true(jail_rule_narrows(&c, 1, 2));  /* none inside ro */
	assert_true(jail_rule_narrows(&c, 3, 2));
	assert_false(jail_rule_narrows(&c, 1, 0)); /* rw inside ro widens */
	assert_false(jail_rule_narrows(&c, 2, 1));
	assert_false(jail_rule_narrows(&c, 1, 1));
}

static void unix_socket_lines(void **state)
{
	char path[64];
	(void)state;
	assert_int_equal(jail_parse_unix_line("Num       RefCount Protocol Flags    Type St Inode Path\n",
					      path, sizeof(path)), 0);
	assert_int_equal(jail_parse_unix_line("0000000000000000: 00000002 00000000 00010000 0001 01 "
					      "21447 /run/dbus/system_bus_socket\n", path, sizeof(path)), 1);
	assert_string_equal(path, "/run/dbus/system_bus_socket");
	assert_int_equal(jail_parse_unix_line("0000000000000000: 00000002 00000000 00010000 0001 01 "
					      "21448 @/tmp/.X11-unix/X0\n", path, sizeof(path)), 0);
	assert_int_equal(jail_parse_unix_line("0000000000000000: 00000003 00000000 00000000 0001 03 "
					      "21449\n", path, sizeof(path)), 0);
	assert_int_equal(jail_parse_unix_line("0000000000000000: 00000002 00000000 00010000 0001 01 "
					      "21450 /a/very/long/path/that/does/not/fit/in/the/buffer"
					      "/given/here/at/all\n", path, sizeof(path)), 0);
}

static void layer_names(void **state)
{
	(void)state;
	assert_int_equal(jail_parse_layers("landlock"), JAIL_LANDLOCK);
	assert_int_equal(jail_parse_layers("seccomp,namespaces"), JAIL_SECCOMP | JAIL_NAMESPACES);
	assert_int_equal(jail_parse_layers("landlock,seccomp,namespaces"), JAIL_LAYERS_ALL);
	assert_int_equal(jail_parse_layers("landlocks"), -1);
	assert_int_equal(jail_parse_layers("seccomp,"), JAIL_SECCOMP);
	assert_string_equal(jail_layer_flag(JAIL_LANDLOCK), "landlock");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(longest_rule_decides),
		cmocka_unit_test(parents_mount_first),
		cmocka_unit_test(narrower_rules_found),
		cmocka_unit_test(unix_socket_lines),
		cmocka_unit_test(layer_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
