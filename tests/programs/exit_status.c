/* A test program: exits with the status it is given (default 42), or raises the signal named by -N. */
#include <signal.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 42;

	if (n < 0)
		raise(-n);
	return n;
}
