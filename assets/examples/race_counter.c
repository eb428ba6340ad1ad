/*
 * race_counter: two threads, one global, no lock.
 *
 * Both threads of this process add 1 to the same global `counter`, five million times each, in
 * rounds. `counter++` is three steps for the CPU: load the value, add one, store it back. When both
 * threads load the same value before either stores, one of the two additions is lost. At the end
 * of each round the program prints how many were lost. With `lock` as its argument, a mutex makes
 * each addition whole and nothing is lost, at the price of the threads waiting for each other.
 *
 * What to watch for under ptviz:
 *     ptviz run --watch counter -- ./race_counter
 *     ptviz run --watch counter -- ./race_counter lock
 * One process with three threads (main and two adders), and one `counter`, at one address, shared
 * by both adders: threads share their process's memory. It climbs during a round and stops short
 * of 10,000,000 without the lock. The race is lost more often when the two adders are on two CPUs
 * at once; on a busy machine the loss can be small.
 *
 * Build alone: cc -g -pthread -o race_counter race_counter.c   Run: ./race_counter [lock] [ROUNDS]
 * (built without optimisation, as ptviz builds it, so that each `counter++` really goes to memory)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ADDS 5000000L

long counter = 0;
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static int use_lock;
/* Both adders begin together, so that they overlap even when starting a thread takes longer than a round. */
static pthread_barrier_t start_line;

static void *adder(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start_line);
	for (long i = 0; i < ADDS; i++) {
		if (use_lock)
			pthread_mutex_lock(&counter_lock);
		counter++;
		if (use_lock)
			pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds = 10;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "lock") == 0)
			use_lock = 1;
		else if (atoi(argv[i]) > 0)
			rounds = atoi(argv[i]);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_barrier_init(&start_line, NULL, 2);
	printf("pid %d: %d rounds of two threads adding %ld each to counter at %p, %s\n", (int)getpid(), rounds,
	       ADDS, (void *)&counter, use_lock ? "with a lock" : "without a lock");
	for (int r = 1; r <= rounds; r++) {
		pthread_t a, b;
		counter = 0;
		pthread_create(&a, NULL, adder, NULL);
		pthread_create(&b, NULL, adder, NULL);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
		printf("round %d: counter = %ld, expected %ld: %ld additions lost\n", r, counter, 2 * ADDS,
		       2 * ADDS - counter);
		sleep(1);
	}
	return 0;
}
