/* A test program: N threads (default 200) that each live about a millisecond, one after another. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static void *brief(void *arg)
{
	struct timespec ms = { 0, 1000 * 1000 };

	(void)arg;
	nanosleep(&ms, NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;

	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, brief, NULL) != 0)
			return 1;
		pthread_join(t, NULL);
	}
	return 0;
}
