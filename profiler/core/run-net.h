/* SPDX-License-Identifier: MIT */
#ifndef CONVPROF_RUN_NET_H
#define CONVPROF_RUN_NET_H

#include "convprof/run.h"
#include "core/runner.h"
#include "workloads/net.h"

/*
 * The built oneDNN net as the runner's workload and as the run's rows: the
 * one place core/ meets workloads/net.h, so runner.h stays free of oneDNN.
 */

/* A workload over a built net. */
void workload_from_net(struct workload *w, struct net *net);

/* Copy the net's op metadata into @run's rows (cp_run_set_layers first). */
void run_fill_layers(struct cp_run *run, const struct net *net);

#endif
