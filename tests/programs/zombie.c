/* A test program: its child exits 3 at once and stays a zombie until the file named by argv[1] exists; then it is waited for. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t child = fork();
	if (child == 0)
		_exit(3);
	printf("child %d ended\n", (int)child);
	fflush(stdout);
	/* At most a minute: a hang guard, not a measure. */
	for (int i = 0; i < 6000 && argc > 1 && access(argv[1], F_OK) != 0; i++)
		usleep(10 * 1000);
	int st = 0;
	waitpid(child, &st, 0);
	printf("waited: status %d\n", WEXITSTATUS(st));
	fflush(stdout);
	usleep(300 * 1000);
	return 0;
}
