#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a benchmark boot: scan mode vs sample mode, per workload.

Reads what scripts/guest/plans/bench.sh left in OUTBOX/bench/RUN/ (RUN is
WORKLOAD-MODE-REP), writes OUT/results.json (every run and the min /
median / max per workload and mode), OUT/results.md (the table README
quotes) and, with gnuplot, OUT/WORKLOAD.png (local share over time, rep 1
of both modes).  Only ratios between the modes of the same boot are
claimed: the guest runs under TCG emulation.

usage: bench-report.py OUTBOX_DIR OUT_DIR [EXTRA...]
EXTRA files (JSON or text lines: the decoder and QEMU model ratios) are
merged into results.json under "extra" and listed under the table.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

COUNTERS = ['numa_hint_faults', 'numa_pte_updates', 'numa_pages_migrated',
            'mem_sampling_samples', 'numa_sampling_samples_used',
            'numa_sampling_samples_dropped', 'numa_sampling_pages_migrated',
            'numa_sampling_thp_migrated', 'numa_sampling_interval_faster',
            'numa_sampling_interval_slower',
            'numa_sampling_pages_migrated_around', 'numa_sampling_rests']
LINE = re.compile(r'^(\S+) (elapsed=.*)$')
TRACE = re.compile(r'^\s*(.+?)-(\d+)\s+\[\d+\].*?\s(\d+\.\d+): '
                   r'(sched_numa_balance_start|sched_numa_balance_end):(.*)$')


def read_vmstat(path):
    values = {}
    try:
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(' ')
                values[key] = int(value)
    except OSError:
        pass
    return values


def read_series(path):
    """Report lines of the main worker (not a .partner) as dicts."""
    series = []
    try:
        with open(path) as f:
            for line in f:
                m = LINE.match(line.strip())
                if not m or m.group(1).endswith('.partner'):
                    continue
                series.append({k: float(v) for k, v in
                               (kv.split('=') for kv in m.group(2).split())})
    except OSError:
        pass
    return series


def time_to(series, key, threshold=90.0):
    """When @key first reached @threshold, interpolated linearly between
    the two reports around the crossing (they come a second apart, too
    coarse for times of a few seconds); the first report's time if it is
    already there."""
    previous = None
    for point in series:
        if point[key] >= threshold:
            if previous is None or point[key] == previous[key]:
                return point['elapsed']
            share = (threshold - previous[key]) / (point[key] - previous[key])
            return round(previous['elapsed'] +
                         share * (point['elapsed'] - previous['elapsed']), 2)
        previous = point
    return None


def balance_passes(path):
    """Durations (ms) of sched_numa_balance_start..end pairs, per task."""
    open_at, passes = {}, []
    try:
        with open(path) as f:
            for line in f:
                m = TRACE.match(line)
                if not m:
                    continue
                pid, ts, event = m.group(2), float(m.group(3)), m.group(4)
                if event.endswith('start'):
                    open_at[pid] = ts
                elif pid in open_at:
                    passes.append((ts - open_at.pop(pid)) * 1000.0)
    except OSError:
        pass
    return passes


def one_run(directory):
    if os.path.exists(os.path.join(directory, 'skipped')):
        with open(os.path.join(directory, 'skipped')) as f:
            return {'skipped': f.read().strip()}
    series = read_series(os.path.join(directory, 'workload.log'))
    before = read_vmstat(os.path.join(directory, 'vmstat.before'))
    after = read_vmstat(os.path.join(directory, 'vmstat.after'))
    passes = balance_passes(os.path.join(directory, 'trace.txt'))
    tail = series[len(series) * 3 // 4:] if series else []
    run = {
        'series': series,
        'time_to_90_weighted_s': time_to(series, 'weighted_local'),
        'time_to_90_pages_s': time_to(series, 'page_local'),
        'counters': {c: after.get(c, 0) - before.get(c, 0) for c in COUNTERS},
        'system_time_s': series[-1]['stime'] if series else None,
        'converged_ops_per_s': statistics.median(p['ops_per_s'] for p in tail) if tail else None,
        'balance_passes': len(passes),
        'lock_hold_per_pass_ms': statistics.mean(passes) if passes else None,
        'lock_hold_total_ms': sum(passes) if passes else None,
    }
    return run


def spread(values):
    runs = len(values)
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {'min': min(values), 'median': statistics.median(values), 'max': max(values),
            'of': len(values), 'runs': runs}


METRICS = [
    ('time_to_90_weighted_s', 'time to 90% access-weighted local (s)'),
    ('time_to_90_pages_s', 'time to 90% pages local (s)'),
    ('numa_hint_faults', 'NUMA hint faults'),
    ('numa_pte_updates', 'PTE updates'),
    ('numa_pages_migrated', 'pages migrated'),
    ('mem_sampling_samples', 'samples taken'),
    ('numa_sampling_samples_used', 'samples used'),
    ('numa_sampling_samples_dropped', 'samples dropped (queue full)'),
    ('numa_sampling_interval_faster', 'sampling interval shortened'),
    ('numa_sampling_interval_slower', 'sampling interval lengthened'),
    ('numa_sampling_pages_migrated_around', 'pages moved as a sample\'s neighbours'),
    ('numa_sampling_rests', 'sampling rests (converged)'),
    ('lock_hold_per_pass_ms', 'balancing pass (mmap_lock) per pass (ms)'),
    ('lock_hold_total_ms', 'balancing passes (mmap_lock) total (ms)'),
    ('system_time_s', 'workload system time (s)'),
    ('converged_ops_per_s', 'converged throughput (ops/s)'),
]


def metric(run, key):
    if key in run.get('counters', {}):
        return run['counters'][key]
    return run.get(key)


def fmt(s):
    if s is None:
        return 'n/a'

    def one(v):
        if float(v).is_integer() or abs(v) >= 100:
            return f'{v:.0f}'
        return f'{v:.2f}'
    # A time the run never reached counts in neither the median nor the range.
    reached = f" [{s['of']} of {s['runs']} runs]" if s.get('of', 0) < s.get('runs', 0) else ''
    if s['min'] == s['max']:
        return one(s['median']) + reached
    return f"{one(s['median'])} ({one(s['min'])}-{one(s['max'])})" + reached


def plot(out_dir, workload, runs):
    if not shutil.which('gnuplot'):
        return None
    files = []
    for mode in ('scan', 'sample'):
        run = runs.get((workload, mode, 1))
        if not run or not run.get('series'):
            continue
        data = os.path.join(out_dir, f'{workload}-{mode}.dat')
        with open(data, 'w') as f:
            for p in run['series']:
                f.write(f"{p['elapsed']} {p['weighted_local']} {p['page_local']}\n")
        files.append((mode, data))
    if not files:
        return None
    png = os.path.join(out_dir, f'{workload}.png')
    lines = []
    for mode, data in files:
        lines.append(f"'{data}' using 1:2 with lines lw 2 title '{mode}: access-weighted local %'")
        lines.append(f"'{data}' using 1:3 with lines dt 2 title '{mode}: pages local %'")
    script = (f"set terminal png size 900,500; set output '{png}';"
              f"set title '{workload}: local share over time (guest under TCG)';"
              "set xlabel 'seconds'; set ylabel '% local'; set yrange [0:105];"
              "set key bottom right; plot " + ', '.join(lines))
    subprocess.run(['gnuplot', '-e', script], check=False)
    return png if os.path.exists(png) else None


def main():
    outbox, out_dir = sys.argv[1:3]
    bench_dir = os.path.join(outbox, 'bench')
    os.makedirs(out_dir, exist_ok=True)
    runs = {}
    for name in sorted(os.listdir(bench_dir)) if os.path.isdir(bench_dir) else []:
        m = re.match(r'^(\w+)-(scan|sample)-(\d+)$', name)
        if m:
            runs[(m.group(1), m.group(2), int(m.group(3)))] = one_run(os.path.join(bench_dir, name))
    if not runs:
        print(f'bench-report: no runs in {bench_dir}', file=sys.stderr)
        return 1

    workloads = sorted({k[0] for k in runs})
    summary = {}
    md = ['| workload | metric | scan mode | sample mode | scan / sample |',
          '|---|---|---|---|---|']
    for w in workloads:
        summary[w] = {}
        for mode in ('scan', 'sample'):
            mode_runs = [r for k, r in runs.items() if k[0] == w and k[1] == mode
                         and 'skipped' not in r]
            summary[w][mode] = {key: spread([metric(r, key) for r in mode_runs])
                                for key, _ in METRICS}
            summary[w][mode]['runs'] = len(mode_runs)
        for key, label in METRICS:
            scan, sample = summary[w]['scan'][key], summary[w]['sample'][key]
            ratio = 'n/a'
            # A ratio against zero (samples in scan mode) says nothing.
            if scan and sample and scan['median'] and sample['median']:
                ratio = f"{scan['median'] / sample['median']:.2f}x"
            md.append(f'| {w} | {label} | {fmt(scan)} | {fmt(sample)} | {ratio} |')
        summary[w]['plot'] = plot(out_dir, w, runs)

    extra = {}
    for path in sys.argv[3:]:
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            continue
        try:
            extra[os.path.basename(path)] = json.loads(text)
        except ValueError:
            extra[os.path.basename(path)] = text.strip().splitlines()
    skipped = sorted({f'{k[0]}-{k[1]}: {r["skipped"]}' for k, r in runs.items() if 'skipped' in r})
    with open(os.path.join(out_dir, 'results.json'), 'w') as f:
        json.dump({'runs': {f'{k[0]}-{k[1]}-{k[2]}': r for k, r in sorted(runs.items())},
                   'summary': summary, 'extra': extra}, f, indent=1)
    text = '\n'.join(md) + '\n'
    text += ('\nMedian (min-max) over the repetitions of one boot; the guest runs '
             'under TCG, so only the ratios between modes are meaningful.  '
             '[k of n runs]: a time reached in k of the n runs only (the others '
             'are left out); n/a: reached in none.\n')
    for name, value in extra.items():
        lines = value if isinstance(value, list) else [json.dumps(value)]
        text += f'\n{name}:\n\n' + ''.join(f'    {line}\n' for line in lines)
    for s in skipped:
        text += f'\nskipped: {s}\n'
    with open(os.path.join(out_dir, 'results.md'), 'w') as f:
        f.write(text)
    print(text)
    for w in workloads:
        if summary[w]['plot']:
            print(f'plot: {summary[w]["plot"]}')
    print(f"results: {os.path.join(out_dir, 'results.json')}, {os.path.join(out_dir, 'results.md')}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
