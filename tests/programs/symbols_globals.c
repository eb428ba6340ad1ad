/* Globals of many types for the tests of --watch: says "ready", then adds one to counter for each line "inc" on stdin until its end. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum colour { RED, GREEN, BLUE };
struct point {
	int x, y;
};

int counter = 42;
long big = -5000000000L;
unsigned char small = 200;
short neg16 = -300;
double ratio = 2.5;
float half = 0.5f;
bool flag = true;
int *where = &counter;
size_t count_t = 7;
enum colour colour = BLUE;
const volatile int steady = -7;
struct point origin = { 3, 4 };
int grid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
long double wide = 1.0L;
_Thread_local int per_thread = 1;
static volatile int hidden = 9;   /* file scope, local to this file: still in the symbol table */

/* Lines read so far: a function's static variable, which the symbol table names lines.0 or the like. */
static int count_line(void)
{
	static volatile int lines = 0;
	return ++lines;
}

int main(void)
{
	char line[64];

	printf("ready %d\n", hidden + steady + grid[0] + origin.x + per_thread + (int)wide);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		count_line();
		if (strcmp(line, "inc\n") == 0)
			counter++;
		printf("counter %d\n", counter);
		fflush(stdout);
	}
	return 0;
}
