/* host half - exit_stats.h: dune_get_exit_stats, summed over the vCPUs. */
#ifndef LIBDUNE_EXIT_STATS_H
#define LIBDUNE_EXIT_STATS_H

#include "dune.h"

/* Fills st from every vCPU's counts (host half, or host mode). */
void exit_stats_fill(struct dune_exit_stats *st);
/* DUNE_STATS=1: one line with this process's counts at its exit_group */
extern int exit_stats_at_exit;
void exit_stats_report(void);

#endif
