/* What the machine is doing, in words: the header's machine line and the report's, from the engine's figures. */
#ifndef PTVIZ_MACHINE_WORDS_H
#define PTVIZ_MACHINE_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "../lab/lab.h"

/*
 * Other programs are named once they use a tenth of a CPU or more (0.095,
 * shown rounded), and stay named until they use less than 0.055, so a figure
 * that wavers about a tenth does not make the line come and go each frame.
 */
#define MACHINE_WORDS_OTHER_LEAST 0.095
#define MACHINE_WORDS_OTHER_STAYS 0.055
/* The delivered rate is told once it has been counted over this many seconds (or a hundred passes). */
#define MACHINE_WORDS_RATE_SECONDS 2.0
/* The seconds the engine counts the rate over (MACHINE_PASS_WINDOW_NS). */
#define MACHINE_WORDS_PASS_SECONDS 3.0

/*
 * "other programs use 1.4 of 2 CPUs", or briefly "others use 1.4/2 CPUs".
 * False, with "" in buf, while they use too little to name (named: whether
 * they were named the moment before) or ptviz has not looked long enough.
 */
bool machine_words_other(const struct lab_machine *m, bool named, bool brief, char *buf, size_t len);
/*
 * The frame rate: "10 Hz" when the passes keep up with target, "6 of 10 Hz"
 * when fewer are delivered (true then), "on events" when target is 0.  Frames
 * are behind once the rate, rounded, is below the target, and, once behind
 * (behind: the moment before), until they come within a fifth of a frame a
 * second of it: "9.7 of 10 Hz" is said with its decimal.
 */
bool machine_words_rate(const struct lab_observation *o, int target, bool behind, char *buf, size_t len);
/* The report's sentences: what the machine did, and how the lab was observed. */
void machine_words_report(const struct lab_machine *m, char *buf, size_t len);
void machine_words_passes(const struct lab_observation *o, char *buf, size_t len);

#endif
