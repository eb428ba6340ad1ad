/* The binary among busy programs, called from bench_ui's main. */
#ifndef PTVIZ_BENCH_UI_BUSY_H
#define PTVIZ_BENCH_UI_BUSY_H

/* Key press to screen with 256 + 64 busy workers and two outside busy loops. */
int bench_key_latency(const char *ptviz);
/* ptviz's own CPU against htop -d 1 at 256 + 64, and ptviz's frame rate meanwhile. */
int bench_htop(const char *ptviz);
/* Two free worker processes beside two outside busy loops, without and with `cpus 1`, alternated. */
int bench_fair_share(const char *ptviz);
/* `ptviz -c 'spawn threads 4; spawn processes 4; report'`, start to exit, against `ps -eLf`, alternated. */
int bench_batch_exit(const char *ptviz);

#endif
