/* A test program: a child forks a grandchild and exits at once; the orphan prints its new parent. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t child = fork();
	if (child == 0) {
		if (fork() == 0) {
			usleep(200 * 1000);
			printf("orphan %d parent %d\n", (int)getpid(), (int)getppid());
			fflush(stdout);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(child, NULL, 0);
	usleep(400 * 1000);
	return 0;
}
