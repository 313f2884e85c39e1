#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""DAMON with Accessed bits against DAMON from samples, from one boot of
bench-damon.

usage: bench-damon-table.py BENCH_DAMON_TXT

BENCH_DAMON_TXT holds damon_bench's "damon:" lines, one per run.  Prints,
per operations set, in how many runs the hot range was found, the median
(min-max) time to find it, how much of it the accessed regions covered and
how much cold memory they held (medians of the traced part's second
half), then, untraced, kdamond's CPU time and what mem_sampling charged
to its budget, as shares of one CPU; then the goals of
DAMON from samples against Accessed bits: found at least as soon, at
least 90% of the hot range, at least 10 times less kdamond CPU time.
Exits 1 if no run is there.
"""
import statistics
import sys

from bench_lines import fmt, records

BASE, SAMPLED = 'vaddr', 'vaddr-sampled'


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: bench-damon-table.py BENCH_DAMON_TXT')
    runs = {}
    for kv in records(sys.argv[1], 'damon'):
        if 'failed' not in kv:
            runs.setdefault(kv['ops'], []).append(kv)
    if not runs:
        sys.exit('bench-damon-table: no DAMON run in ' + sys.argv[1])
    print('| operations | runs found | time to find (s) | hot range covered (%) | '
          'cold memory with it (KiB) | kdamond (% of a CPU) | '
          'sampling cost (% of a CPU) | samples |')
    print('|---|---|---|---|---|---|---|---|')
    med = {}
    for ops in sorted(runs):
        mine = runs[ops]
        found = [float(r['found_s']) for r in mine if r['found_s'] != 'never']

        def col(key):
            return [float(r[key]) for r in mine]
        med[ops] = {
            'found': len(found), 'runs': len(mine),
            'found_s': statistics.median(found) if found else None,
            'covered': statistics.median(col('covered_pct')),
            'kdamond': statistics.median(col('kdamond_pct')),
        }
        print(f'| {ops} | {len(found)} of {len(mine)} | {fmt(found, 3)} | '
              f'{fmt(col("covered_pct"), 3)} | {fmt(col("cold_kib"), 3)} | '
              f'{fmt(col("kdamond_pct"), 3)} | {fmt(col("cost_pct"), 3)} | '
              f'{fmt(col("samples"), 6)} |')
    print()
    print('Median (min-max) over the runs; the time to find over the runs '
          'that found it.  Found: at least 90% of the hot range in regions '
          'seen accessed, with no more cold memory than its size.')
    if BASE not in med or SAMPLED not in med:
        return 0
    b, s = med[BASE], med[SAMPLED]
    sooner = s['found'] >= b['found'] and s['found_s'] is not None and \
        (b['found_s'] is None or s['found_s'] <= b['found_s'])
    ratio = b['kdamond'] / s['kdamond'] if s['kdamond'] else float('inf')
    print(f'Goal, found at least as soon as with Accessed bits: '
          f'{s["found"]} of {s["runs"]} runs in {s["found_s"]} s against '
          f'{b["found"]} of {b["runs"]} in {b["found_s"]} s: '
          f'{"met" if sooner else "not met"}.')
    print(f'Goal, at least 90% of the hot range: {s["covered"]:.1f}%: '
          f'{"met" if s["covered"] >= 90 else "not met"}.')
    print(f'Goal, at least 10 times less kdamond CPU time: {b["kdamond"]:.3f}% '
          f'of a CPU against {s["kdamond"]:.3f}%, {ratio:.1f} times: '
          f'{"met" if ratio >= 10 else "not met"}.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
