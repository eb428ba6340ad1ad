/* One global in a parent and its forked child for the tests of --watch: the child changes its copy, the parent's stays 41. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int counter = 41;

int main(void)
{
	int told[2];
	char c;

	if (pipe(told) != 0)
		return 1;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		counter = 1000 + 7;   /* the child's own page now: copy on write */
		if (write(told[1], "w", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(told[0], &c, 1) != 1)
		return 1;
	printf("ready %d %d\n", (int)getpid(), (int)child);
	fflush(stdout);
	/* Until stdin ends; then the child goes too. */
	while (read(0, &c, 1) > 0)
		;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
