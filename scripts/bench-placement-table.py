#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The task placement benchmark's table, from one boot of bench-placement.

usage: bench-placement-table.py BENCH_PLACEMENT_TXT

BENCH_PLACEMENT_TXT holds the plan's "placement:" lines, one per run.
Prints, per mode, in how many runs the task reached its memory's node
within the run's limit, the median (min-max) time it took in those runs,
the median share of the following second it spent there, and the hint
faults and samples used; then whether sample mode is at least as reliable
as scan mode (as many runs placed, no later a median).  Exits 1 if no run
is there at all.
"""
import statistics
import sys

from bench_lines import fmt, records

MODES = ('off', 'scan', 'sample')


def parse(path):
    runs = {}
    for kv in records(path, 'placement'):
        if 'failed' in kv or 'moved_s' not in kv:
            continue
        runs.setdefault(kv['mode'], []).append(kv)
    return runs


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: bench-placement-table.py BENCH_PLACEMENT_TXT')
    runs = parse(sys.argv[1])
    if not runs:
        sys.exit('bench-placement-table: no placement run in ' + sys.argv[1])
    print('| mode | runs placed | time to the memory\'s node (s) | '
          'stayed there the next second (%) | hint faults | samples used |')
    print('|---|---|---|---|---|---|')
    summary = {}
    for mode in [m for m in MODES if m in runs] + \
            sorted(m for m in runs if m not in MODES):
        mine = runs[mode]
        moved = [float(r['moved_s']) for r in mine if r['moved_s'] != 'never']
        stayed = [float(r['stayed']) for r in mine if r['moved_s'] != 'never']
        summary[mode] = (len(moved), len(mine),
                         statistics.median(moved) if moved else None)
        print(f'| {mode} | {len(moved)} of {len(mine)} | {fmt(moved)} | '
              f'{fmt(stayed, 3)} | '
              f'{fmt([int(r["hint_faults"]) for r in mine], 3)} | '
              f'{fmt([int(r["samples_used"]) for r in mine], 3)} |')
    print()
    print('Median (min-max) over the runs in which the task got there; '
          'memory bound to node 1, the task started on node 0 and free '
          'to move; off is the control.')
    if 'scan' in summary and 'sample' in summary:
        (s_n, s_all, s_t), (m_n, m_all, m_t) = summary['scan'], summary['sample']
        met = m_n >= s_n and (s_t is None or (m_t is not None and m_t <= s_t))
        print(f'Goal, sample mode at least as reliable as scan mode: placed '
              f'{m_n} of {m_all} runs against {s_n} of {s_all}, median '
              f'{m_t if m_t is not None else "n/a"} s against '
              f'{s_t if s_t is not None else "n/a"} s: '
              f'{"met" if met else "not met"}.')


if __name__ == '__main__':
    main()
