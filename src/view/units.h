/* Numbers kept with their units when text is broken into lines: "20.6 µs" never ends one line and starts the next. */
#ifndef PTVIZ_UNITS_H
#define PTVIZ_UNITS_H

#include <stddef.h>

/* The no-break space that binds a number to its unit (U+00A0, two bytes of UTF-8). */
#define UNITS_BIND "\xc2\xa0"

/*
 * Copies in to out with the space between a number and the short word after
 * it (a unit: µs, MB/s, KiB, ×...) made a no-break space, so a line breaker
 * that breaks only at spaces keeps them together.  Cut to fit len.
 */
void units_bind(const char *in, char *out, size_t len);
/* Turns each no-break space of n bytes of s back into a space, in out; returns the bytes written. */
size_t units_unbind(const char *s, size_t n, char *out, size_t len);

#endif
