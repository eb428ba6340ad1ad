/* Where the example programs are: their folders (build, source tree, installed) and a name resolved to the file to run. */
#include "example.h"
#include "lesson_priv.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/string.h>

#ifndef PTVIZ_EXAMPLES_INSTALLED
#define PTVIZ_EXAMPLES_INSTALLED "/usr/local/share/ptviz/examples"
#endif
#ifndef PTVIZ_EXAMPLES_SOURCE
#define PTVIZ_EXAMPLES_SOURCE ""
#endif
#ifndef PTVIZ_EXAMPLES_BUILD
#define PTVIZ_EXAMPLES_BUILD ""
#endif
#ifndef PTVIZ_BINDIR
#define PTVIZ_BINDIR "/usr/local/bin"
#endif
#ifndef PTVIZ_BUILD_ROOT
#define PTVIZ_BUILD_ROOT ""
#endif

#define MAX_DIRS 4

static bool is_dir(const char *path)
{
	struct stat st;
	return path != NULL && path[0] != '\0' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int example_dirs(const char **dirs, int max)
{
	const char *env = getenv("PTVIZ_EXAMPLES_DIR");
	char exe[4096], root[4096];
	bool have_exe = lesson_exe_dir(exe, sizeof(exe));
	const char *order[MAX_DIRS];
	int n = 0, k = 0;

	if (env != NULL && env[0] != '\0') {
		if (max > 0)
			dirs[k++] = env;
		return k;
	}
	size_t rl = 0;
	bool in_build = have_exe && PTVIZ_BUILD_ROOT[0] != '\0' && realpath(PTVIZ_BUILD_ROOT, root) != NULL &&
	                (rl = strlen(root)) > 0 && strncmp(exe, root, rl) == 0 && (exe[rl] == '\0' || exe[rl] == '/');
	const char *installed = lesson_installed_dir(have_exe ? exe : NULL, PTVIZ_EXAMPLES_INSTALLED);

	/* The build's own program runs its build's examples, even with an older copy installed. */
	if (!in_build)
		order[n++] = installed;
	if (PTVIZ_EXAMPLES_BUILD[0] != '\0')
		order[n++] = PTVIZ_EXAMPLES_BUILD;
	if (PTVIZ_EXAMPLES_SOURCE[0] != '\0')
		order[n++] = PTVIZ_EXAMPLES_SOURCE;
	if (in_build)
		order[n++] = installed;
	for (int i = 0; i < n && k < max; i++)
		dirs[k++] = order[i];
	return k;
}

/* name in dir as a file to run: itself (not a C source), or with .py or .js added. */
static bool example_in(const char *dir, const char *name, char *path, size_t pathlen)
{
	static const char *const tails[] = { "", ".py", ".js" };

	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		if (snprintf(path, pathlen, "%s/%s%s", dir, name, tails[i]) >= (int)pathlen)
			return false;
		if (!ends_with(path, ".c") && is_file(path))
			return true;
	}
	return false;
}

#define MAX_NAMES 64

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The examples' names in the folders that exist (compiled programs and scripts), each once, sorted, appended to msg at o. */
static void example_names(const char **dirs, int nd, char *msg, size_t msglen, size_t o)
{
	char *names[MAX_NAMES];
	int n = 0;

	for (int i = 0; i < nd; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL && n < MAX_NAMES) {
			char path[4096];
			bool script = ends_with(de->d_name, ".py") || ends_with(de->d_name, ".js"), seen = false;
			snprintf(path, sizeof(path), "%s/%s", dirs[i], de->d_name);
			/* a compiled example: an executable file with no dot in its name */
			bool program = strchr(de->d_name, '.') == NULL && is_file(path) && access(path, X_OK) == 0;
			for (int k = 0; k < n && !seen; k++)
				seen = strcmp(names[k], de->d_name) == 0;
			if (de->d_name[0] != '.' && (script || program) && !seen && (names[n] = strdup(de->d_name)) != NULL)
				n++;
		}
		closedir(d);
	}
	qsort(names, (size_t)n, sizeof(names[0]), name_cmp);
	for (int k = 0; k < n; k++) {
		if (o < msglen)
			o += (size_t)snprintf(msg + o, msglen - o, "%s%s", k > 0 ? ", " : "", names[k]);
		free(names[k]);
	}
	if (n == 0 && o < msglen)
		snprintf(msg + o, msglen - o, "none found");
}

bool example_find(const char *name, char *path, size_t pathlen, char *msg, size_t msglen)
{
	const char *dirs[MAX_DIRS];
	int nd = example_dirs(dirs, MAX_DIRS), found_dirs = 0;
	char plain[256];

	msg[0] = '\0';
	/* fork_counter.c names the program built from it. */
	if (strlcpy(plain, name, sizeof(plain)) < sizeof(plain) && ends_with(plain, ".c"))
		plain[strlen(plain) - 2] = '\0';
	for (int i = 0; i < nd; i++) {
		if (!is_dir(dirs[i]))
			continue;
		found_dirs++;
		if (strchr(plain, '/') == NULL && plain[0] != '\0' && example_in(dirs[i], plain, path, pathlen))
			return true;
	}
	const char *env = getenv("PTVIZ_EXAMPLES_DIR");
	if (found_dirs == 0 && env != NULL && env[0] != '\0') {
		snprintf(msg, msglen, "no example '%s': PTVIZ_EXAMPLES_DIR names %s, which is not a folder", name, env);
		return false;
	}
	if (found_dirs == 0) {
		size_t o = (size_t)snprintf(msg, msglen, "no example '%s': no folder of examples found (looked in", name);
		for (int i = 0; i < nd && o < msglen; i++)
			o += (size_t)snprintf(msg + o, msglen - o, "%s %s", i > 0 ? "," : "", dirs[i]);
		if (o < msglen)
			snprintf(msg + o, msglen - o, "; install ptviz with ninja -C build install)");
		return false;
	}
	size_t o = (size_t)snprintf(msg, msglen, "no example '%s': the examples are ", name);
	if (o < msglen)
		example_names(dirs, nd, msg, msglen, o);
	return false;
}

const char *example_interpreter(const char *path)
{
	if (ends_with(path, ".py"))
		return "python3";
	if (ends_with(path, ".js"))
		return "node";
	return NULL;
}
