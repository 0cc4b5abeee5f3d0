/* liborigin.so - found next to the program through RPATH $ORIGIN */
const char *origin_greeting(void)
{
	return "found through $ORIGIN";
}
