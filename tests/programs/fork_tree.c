/* A test program: a tree of processes (a child, and a grandchild of it) that print their pids and parents. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	printf("root %d parent %d\n", (int)getpid(), (int)getppid());
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		pid_t grandchild = fork();
		if (grandchild == 0) {
			printf("grandchild %d parent %d\n", (int)getpid(), (int)getppid());
			fflush(stdout);
			usleep(50 * 1000);
			_exit(0);
		}
		printf("child %d parent %d\n", (int)getpid(), (int)getppid());
		fflush(stdout);
		waitpid(grandchild, NULL, 0);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	return 0;
}
