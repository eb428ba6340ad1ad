/* A test program: a child process and two more threads, all sleeping for the seconds given (default 5). */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned seconds = 5;

static void *sleeper(void *arg)
{
	(void)arg;
	sleep(seconds);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];

	if (argc > 1)
		seconds = (unsigned)atoi(argv[1]);
	pid_t child = fork();
	if (child == 0) {
		sleep(seconds);
		_exit(0);
	}
	pthread_create(&t[0], NULL, sleeper, NULL);
	pthread_create(&t[1], NULL, sleeper, NULL);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	waitpid(child, NULL, 0);
	return 0;
}
