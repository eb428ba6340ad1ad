/* A benchmark program: creates and joins threads (or forks and waits for children) at a steady rate, then prints its CPU time and how long it took. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *nothing(void *arg)
{
	return arg;
}

static long long cpu_ns(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

/* bench_tasks threads|forks N RATE: N tasks, RATE a second. */
int main(int argc, char **argv)
{
	bool threads = argc > 1 && strcmp(argv[1], "threads") == 0;
	int n = argc > 2 ? atoi(argv[2]) : 1000, rate = argc > 3 ? atoi(argv[3]) : 1000;
	struct timespec next, began, ended;

	clock_gettime(CLOCK_MONOTONIC, &next);
	began = next;
	for (int i = 0; i < n; i++) {
		if (threads) {
			pthread_t t;
			if (pthread_create(&t, NULL, nothing, NULL) != 0)
				return 1;
			pthread_join(t, NULL);
		} else {
			pid_t pid = fork();
			if (pid == 0)
				_exit(0);
			if (pid < 0)
				return 1;
			waitpid(pid, NULL, 0);
		}
		next.tv_nsec += 1000000000L / rate;
		next.tv_sec += next.tv_nsec / 1000000000L;
		next.tv_nsec %= 1000000000L;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &ended);
	printf("cpu_ns %lld wall_ns %lld\n", cpu_ns(RUSAGE_SELF) + cpu_ns(RUSAGE_CHILDREN),
	       (ended.tv_sec - began.tv_sec) * 1000000000LL + (ended.tv_nsec - began.tv_nsec));
	return 0;
}
