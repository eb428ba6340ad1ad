/* Where lessons are found: the folders of built-in lessons, a NAME or a FILE resolved, --lessons and --lesson. */
#include "lesson_priv.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/string.h>

#ifndef PTVIZ_LESSONS_INSTALLED
#define PTVIZ_LESSONS_INSTALLED "/usr/local/share/ptviz/lessons"
#endif
#ifndef PTVIZ_LESSONS_SOURCE
#define PTVIZ_LESSONS_SOURCE ""
#endif
/* Where the program is installed, and the build folder it was built in. */
#ifndef PTVIZ_BINDIR
#define PTVIZ_BINDIR "/usr/local/bin"
#endif
#ifndef PTVIZ_BUILD_ROOT
#define PTVIZ_BUILD_ROOT ""
#endif

static bool is_dir(const char *path)
{
	struct stat st;

	return path != NULL && path[0] != '\0' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder the running program is in, from /proc/self/exe. */
bool lesson_exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (slash == NULL || slash == buf)
		return false;
	*slash = '\0';
	return true;
}

/* path is dir or lies below it. */
static bool within(const char *path, const char *dir)
{
	size_t k = strlen(dir);
	return k > 0 && strncmp(path, dir, k) == 0 && (path[k] == '\0' || path[k] == '/');
}

/*
 * An installed folder as this program sees it: installed, or the same path under
 * DESTDIR when the program runs from DESTDIR + its bindir (a copy staged by meson install
 * --destdir finds the lessons staged beside it).
 */
const char *lesson_installed_dir(const char *exe, const char *installed)
{
	static char buf[4096];
	size_t n = exe != NULL ? strlen(exe) : 0, k = strlen(PTVIZ_BINDIR);

	if (n > k && k > 1 && strcmp(exe + n - k, PTVIZ_BINDIR) == 0 && PTVIZ_BINDIR[0] == '/' &&
	    snprintf(buf, sizeof(buf), "%.*s%s", (int)(n - k), exe, installed) < (int)sizeof(buf))
		return buf;
	return installed;
}

int lesson_dirs(const char **dirs, int max)
{
	const char *env = getenv("PTVIZ_LESSONS_DIR");
	char exe[4096], root[4096];
	bool have_exe = lesson_exe_dir(exe, sizeof(exe));
	int n = 0;

	if (env != NULL && env[0] != '\0') {
		if (max > 0)
			dirs[n++] = env;
		return n;
	}
	/* The build's own program reads the lessons of its source tree first, even with an older copy installed. */
	bool in_build = have_exe && PTVIZ_BUILD_ROOT[0] != '\0' && realpath(PTVIZ_BUILD_ROOT, root) != NULL &&
	                within(exe, root);
	const char *installed = lesson_installed_dir(have_exe ? exe : NULL, PTVIZ_LESSONS_INSTALLED);
	const char *source = PTVIZ_LESSONS_SOURCE[0] != '\0' ? PTVIZ_LESSONS_SOURCE : NULL;

	if (in_build && source != NULL && n < max)
		dirs[n++] = source;
	if (n < max)
		dirs[n++] = installed;
	if (!in_build && source != NULL && n < max)
		dirs[n++] = source;
	return n;
}

/* The first folder that exists, NULL when none does. */
static const char *lesson_dir(void)
{
	const char *dirs[4];
	int n = lesson_dirs(dirs, 4);

	for (int i = 0; i < n; i++) {
		if (is_dir(dirs[i]))
			return dirs[i];
	}
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int lesson_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lesson names in dir, sorted; free each and the array. */
static int lesson_names(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0, cap = 0;

	*names = NULL;
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !ends_with(de->d_name, LESSON_SUFFIX))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **more = realloc(*names, (size_t)cap * sizeof(*more));
			if (more == NULL)
				break;
			*names = more;
		}
		(*names)[n] = strndup(de->d_name, strlen(de->d_name) - strlen(LESSON_SUFFIX));
		if ((*names)[n] != NULL)
			n++;
	}
	closedir(d);
	if (n > 0)
		qsort(*names, (size_t)n, sizeof(**names), lesson_name_cmp);
	return n;
}

static void lesson_names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

bool lesson_find(const char *what, char *path, size_t pathlen, char *msg, size_t msglen)
{
	const char *dirs[4];
	int nd = lesson_dirs(dirs, 4);

	msg[0] = '\0';
	if (strchr(what, '/') != NULL || ends_with(what, LESSON_SUFFIX)) {
		if (access(what, R_OK) != 0) {
			snprintf(msg, msglen, "cannot open lesson '%s': %s", what, strerror(errno));
			return false;
		}
		strlcpy(path, what, pathlen);
		return true;
	}
	for (int i = 0; i < nd; i++) {
		if (!is_dir(dirs[i]))
			continue;
		snprintf(path, pathlen, "%s/%s%s", dirs[i], what, LESSON_SUFFIX);
		if (access(path, R_OK) == 0)
			return true;
	}
	const char *dir = lesson_dir();
	if (dir == NULL) {
		snprintf(msg, msglen, "no lesson '%s': no folder of lessons found (looked in %s%s%s)", what, dirs[0],
		         nd > 1 ? " and " : "", nd > 1 ? dirs[1] : "");
		return false;
	}
	char **names;
	int n = lesson_names(dir, &names);
	size_t o = (size_t)snprintf(msg, msglen, "no lesson '%s': expected a file or one of", what);
	for (int i = 0; i < n && o < msglen; i++)
		o += (size_t)snprintf(msg + o, msglen - o, "%s %s", i > 0 ? "," : "", names[i]);
	if (o < msglen)
		snprintf(msg + o, msglen - o, " (ptviz --lessons says what each is about)");
	lesson_names_free(names, n);
	return false;
}

int lesson_list(FILE *out, FILE *err)
{
	const char *dirs[4];
	int nd = lesson_dirs(dirs, 4);
	const char *dir = lesson_dir();
	int rc = 0;

	if (dir == NULL) {
		fprintf(err, "ptviz: no folder of lessons found (looked in %s%s%s)\n", nd > 0 ? dirs[0] : "",
		        nd > 1 ? " and " : "", nd > 1 ? dirs[1] : "");
		return 1;
	}
	char **names;
	int n = lesson_names(dir, &names);
	if (n == 0) {
		fprintf(err, "ptviz: no lessons in %s\n", dir);
		return 1;
	}
	fprintf(out, "Lessons in %s; play one with: ptviz --lesson NAME\n", dir);
	for (int i = 0; i < n; i++) {
		char path[4096], msg[LESSON_MSG_MAX + 300];
		struct lesson l;
		struct lesson_error le;
		snprintf(path, sizeof(path), "%s/%s%s", dir, names[i], LESSON_SUFFIX);
		if (!lesson_load(path, &l, &le)) {
			lesson_error_format(&le, msg, sizeof(msg));
			fprintf(out, "  %-12s (cannot be played: see below)\n", names[i]);
			fprintf(err, "%s\n", msg);
			rc = 1;
			continue;
		}
		fprintf(out, "  %-12s %s\n", names[i], l.summary != NULL ? l.summary : l.title);
		lesson_free(&l);
	}
	lesson_names_free(names, n);
	return rc;
}

int lesson_open(const char *what, bool check, struct lesson *out, FILE *outf, FILE *errf)
{
	char path[4096], msg[LESSON_MSG_MAX + 600];
	struct lesson_error err;

	if (!lesson_find(what, path, sizeof(path), msg, sizeof(msg))) {
		fprintf(errf, "ptviz: %s\n", msg);
		return 2;
	}
	if (!lesson_load(path, out, &err)) {
		/* FILE:LINE:COLUMN: message, as compilers say it, so an editor can jump there. */
		lesson_error_format(&err, msg, sizeof(msg));
		fprintf(errf, "%s\n", msg);
		return 2;
	}
	if (check) {
		fprintf(outf, "%s: OK: '%s', %d step%s, %d question%s\n", path, out->title, out->nsteps,
		        out->nsteps == 1 ? "" : "s", out->nasks, out->nasks == 1 ? "" : "s");
		lesson_free(out);
		return 0;
	}
	return -1;
}
