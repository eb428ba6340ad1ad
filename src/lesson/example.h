/* ptviz's example programs for `ptviz run`: found by name, in the build folder or where ptviz is installed. */
#ifndef PTVIZ_LESSON_EXAMPLE_H
#define PTVIZ_LESSON_EXAMPLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The folders examples are looked for in, first first: $PTVIZ_EXAMPLES_DIR alone when it is set;
 * else, for the program run from its build folder, that build's compiled examples and the source
 * tree's scripts before the installed folder (prefix/share/ptviz/examples); for an installed
 * program, the installed folder first. Returns how many were put in dirs (at most max).
 */
int example_dirs(const char **dirs, int max);

/*
 * The file to run for the example name: "fork_counter" (compiled), "gil_pair.py" or "gil_pair"
 * (a script), "fork_counter.c" (its compiled program). False with a message naming the examples
 * there are, or saying that no folder of examples was found and where it looked.
 */
bool example_find(const char *name, char *path, size_t pathlen, char *msg, size_t msglen);

/* What runs an example: "python3" for a .py, "node" for a .js, NULL for a compiled program. */
const char *example_interpreter(const char *path);

#endif
