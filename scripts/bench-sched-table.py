#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The context-switch benchmark's table, from one boot of bench-sched.

usage: bench-sched-table.py BENCH_SCHED_TXT NR_CPUS

BENCH_SCHED_TXT holds the plan's "sched:" lines, one per run.  Prints, per
workload and mode, the median (min-max) of its figure over the runs, the
median change against off (the goal, for sampling and sample mode: at
most 2% worse; unsampled, the hooks alone, shows the noise), what sampling
cost as a share of all CPUs' time during the run, and the samples taken;
then the hooks' cost per switch from the ping-pong (sampling and sample
mode against off).  Exits 1 if a workload has no run with mode off.
"""
import statistics
import sys

from bench_lines import fmt, records

MODES = ('off', 'unsampled', 'sampling', 'sample', 'scan')
# The figure of each workload and whether more is better.
FIGURES = {
    'pingpong': ('ns_per_switch', False),
    'hackbench': ('messages_per_s', True),
    'tbench': ('transactions_per_s', True),
}
GOAL_PERCENT = 2.0
GOAL_MODES = ('sampling', 'sample')


def parse(path):
    runs = {}
    for kv in records(path, 'sched'):
        if 'failed' in kv or 'workload' not in kv:
            continue
        name = kv['workload']
        if name == 'hackbench':
            name += '-' + kv['transport']
        runs.setdefault(name, {}).setdefault(kv['mode'], []).append(kv)
    return runs


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: bench-sched-table.py BENCH_SCHED_TXT NR_CPUS')
    runs, cpus = parse(sys.argv[1]), int(sys.argv[2])
    print('| workload | mode | figure, median (min-max) | change against off | '
          'sampling cost, % of all CPUs | samples |')
    print('|---|---|---|---|---|---|')
    switch_ns = {}
    for name in sorted(runs):
        key, more_better = FIGURES[name.split('-')[0]]
        if 'off' not in runs[name]:
            sys.exit(f'bench-sched-table: {name} has no run with mode off')
        off = statistics.median(float(r[key]) for r in runs[name]['off'])
        for mode in MODES:
            rs = runs[name].get(mode)
            if not rs:
                continue
            values = [float(r[key]) for r in rs]
            med = statistics.median(values)
            worse = (off - med) / off if more_better else (med - off) / off
            verdict = '' if mode == 'off' else f'{-worse * 100:+.1f}%'
            # The goal is sampling's; unsampled (the hooks alone) is
            # the control that shows the instrument's noise.
            if mode in GOAL_MODES:
                verdict += (' (goal met)' if worse * 100 <= GOAL_PERCENT
                            else ' (goal not met)')
            share = statistics.median(
                int(r['cost_ns']) / (float(r['seconds']) * 1e9 * cpus) * 100
                for r in rs)
            samples = statistics.median(int(r['samples']) for r in rs)
            print(f'| {name} | {mode} | {key} {fmt(values)} | {verdict} | '
                  f'{share:.2f} | {samples:.0f} |')
            if name == 'pingpong':
                switch_ns[mode] = med
    if 'off' in switch_ns:
        print()
        for mode in MODES[1:]:
            if mode in switch_ns:
                print(f'per switch, {mode} against off: '
                      f'{switch_ns[mode] - switch_ns["off"]:+.0f} ns '
                      f'({switch_ns[mode]:.0f} against {switch_ns["off"]:.0f} ns)')
    print('\nMedians over the alternated runs of one boot; under TCG only the '
          'ratios between modes carry meaning.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
