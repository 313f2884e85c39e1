#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The memory cost model's calibration table, from two boots of numa-cost.

usage: numa-cost-table.py ON_TXT OFF_TXT

ON_TXT and OFF_TXT are numa-cost's output with -machine numa-cost=on and
off.  Prints, per memory node, the chase and stream ratios to node 0 with
the model on against their goals (chase d/10 within 15%, stream between
1.2 and d/10), and node 0's time with the model on against off (within
10%).  Exits 1 if a file holds no line for node 0.
"""
import sys

from bench_lines import records


def parse(path):
    nodes = {}
    for kv in records(path, 'numa_cost'):
        nodes[int(kv['node'])] = {k: float(v) for k, v in kv.items()}
    if 0 not in nodes:
        sys.exit(f'numa-cost-table: no node 0 line in {path}')
    return nodes


def main():
    on, off = parse(sys.argv[1]), parse(sys.argv[2])
    print('| node | distance | chase on/off ns | chase ratio (goal) | '
          'stream on/off ns | stream ratio (goal) |')
    print('|---|---|---|---|---|---|')
    for node, m in sorted(on.items()):
        d = m['distance'] / 10
        o = off.get(node, {})
        if node == 0:
            chase_goal = f'{m["chase_ns"] / o["chase_ns"]:.2f} on/off (<= 1.10)'
            stream_goal = f'{m["stream_ns"] / o["stream_ns"]:.2f} on/off (<= 1.10)'
        else:
            chase_goal = f'{m["chase_ratio"]:.2f} ({d:.2f} +-15%)'
            stream_goal = f'{m["stream_ratio"]:.2f} (1.20-{d:.2f})'
        print(f'| {node} | {int(m["distance"])} | '
              f'{m["chase_ns"]:.0f} / {o.get("chase_ns", 0):.0f} | {chase_goal} | '
              f'{m["stream_ns"]:.2f} / {o.get("stream_ns", 0):.2f} | {stream_goal} |')
    print(f'\nmedians of {int(on[0]["reps"])} runs per boot; ratios are to '
          'node 0 in the same boot, on/off across two boots')


if __name__ == '__main__':
    main()
