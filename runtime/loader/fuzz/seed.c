/* The smallest real programs for the seed corpus (make corpus). */
int main(int argc, char **argv)
{
	(void)argv;
	return argc == 1 ? 42 : 0;
}
