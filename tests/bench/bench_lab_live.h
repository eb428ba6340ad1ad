/* The engine's benchmarks under the screen's clock, called from bench_lab's main. */
#ifndef PTVIZ_BENCH_LAB_LIVE_H
#define PTVIZ_BENCH_LAB_LIVE_H

/* Frames delivered per second at 10 Hz, without and with two outside busy loops, alternated. */
int bench_frames(int threads, int processes);
/* One worker stopped from outside: the others live and exact, the stopped one marked. */
int bench_stopped(void);
/* Worker increments per CPU-second, observed at 10 Hz against not, alternated pairs. */
int bench_observed(int threads, int processes);

#endif
