/* Copy-on-write on request: pages ptviz writes before its first fork, shared with every worker until one writes to them. */
#include "memory.h"

#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lab.h"

/*
 * ptviz's own pages, written by ptviz so that they are real pages in RAM
 * (not the kernel's one zero page) which every worker forked afterwards maps
 * too.  Huge pages are refused: a write would then copy 2 MiB at once, or
 * split the page first, and the lesson is one small page at a time.
 */
static volatile unsigned char *touch_pages;

bool lab_touch_prepare(void)
{
	size_t len = (size_t)LAB_TOUCH_MAX_KIB * 1024;

	if (touch_pages != NULL)
		return true;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	madvise(p, len, MADV_NOHUGEPAGE);
	touch_pages = p;
	long page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
	for (size_t off = 0; off < len; off += (size_t)page)
		touch_pages[off] = 1;
	return true;
}

int32_t lab_touch_write(int32_t kib)
{
	long page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
	int32_t pages = 0;

	if (touch_pages == NULL || kib < 1 || kib > LAB_TOUCH_MAX_KIB)
		return -EINVAL;
	/* A write to each page: the first write after fork copies it, for this process alone. */
	for (size_t off = 0; off < (size_t)kib * 1024; off += (size_t)page, pages++)
		touch_pages[off]++;
	return pages;
}
