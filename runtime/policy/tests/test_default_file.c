/* default.policy and policy_default() are the same policy, and the
 * policies shown in POLICY.md parse (the default one to the same policy). */
#include <errno.h>

#include "testutil.h"
#include "policy.h"

static struct policy from_code, from_text;

static void default_file_equals_policy_default(void **state)
{
	(void)state;
	char err[300];

	policy_default(&from_code);
	assert_int_equal(policy_load_file(&from_text, DEFAULT_POLICY_FILE, err, sizeof(err)), 0);
	assert_true(policy_equal(&from_code, &from_text));
	/* and policy_equal does notice a difference */
	policy_allow_net(&from_text);
	assert_false(policy_equal(&from_code, &from_text));
	policy_load_file(&from_text, DEFAULT_POLICY_FILE, err, sizeof(err));
	policy_add_path(&from_text, "/dev/tty", FS_RO);
	assert_false(policy_equal(&from_code, &from_text));
	policy_load_file(&from_text, DEFAULT_POLICY_FILE, err, sizeof(err));
	from_text.sys[0].err = ENOENT;	/* err of an unset rule: not a difference */
	assert_true(policy_equal(&from_code, &from_text));
}

/* The code block of doc that starts with first_line, NUL-terminated in
 * place; NULL if there is none. */
static char *code_block(char *doc, const char *first_line)
{
	for (char *p = strstr(doc, "```\n"); p; p = strstr(p + 4, "```\n")) {
		char *body = p + 4;
		if (strncmp(body, first_line, strlen(first_line)))
			continue;
		char *end = strstr(body, "```");
		assert_non_null(end);
		*end = '\0';
		return body;
	}
	return NULL;
}

static void documented_policies_parse(void **state)
{
	(void)state;
	char *doc = read_whole_file(POLICY_DOC), err[300];
	char *copy = strdup(doc);

	char *shown_default = code_block(doc, "default allow\ndeny ptrace");
	assert_non_null(shown_default);
	assert_int_equal(policy_parse(&from_text, shown_default, "POLICY.md", err, sizeof(err)), 0);
	policy_default(&from_code);
	assert_true(policy_equal(&from_code, &from_text));

	char *example = code_block(copy, "# build.policy");
	assert_non_null(example);
	if (policy_parse(&from_text, example, "POLICY.md example", err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(from_text.net, NET_NONE);
	assert_int_equal(from_text.npaths, 6);
	free(doc);
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_file_equals_policy_default),
		cmocka_unit_test(documented_policies_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
