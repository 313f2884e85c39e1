#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a benchmark boot: scan mode vs sample mode, per workload.

Reads what scripts/guest/plans/bench.sh left in OUTBOX/bench/RUN/ (RUN is
WORKLOAD-MODE-REP; MODE scan, sample, or the references off and ideal),
writes OUT/results.json (every run and the min / median / max per workload
and mode), OUT/results.md (the tables README quotes) and, with gnuplot,
OUT/WORKLOAD.png (local share over time, rep 1 of scan and sample) and
OUT/WORKLOAD-throughput.png (operations a second, rep 1 of all four modes).
Only ratios between the modes of the same boot are claimed: the guest runs
under TCG emulation, with QEMU's memory cost model making a remote access
cost time.

What users feel, against the two references (see GAP_NOTE for the words
results.md prints):
- the fixed work W of a workload is the median, over the off runs, of the
  operations all its processes completed in the run (each run lasts the
  same seconds); the off run is the slowest reference, so every run at
  least as fast as off completes W within its own duration;
- throughput: each process's operation count, interpolated linearly
  between its reports (they come when a pass ends, about once a second),
  is read at every whole second and added up over the run's processes;
- T (time to complete W) is when the run's processes together had done W
  operations, interpolated linearly inside the second where the count
  passed W; a run that never got there (slower than the off median) is
  extrapolated at the median rate of the last quarter of its seconds,
  and marked so in results.json;
- gap recovered = (T_off - T) / (T_off - T_ideal), T_off and T_ideal the
  medians over the reps of the reference runs;
- time to 90% of the gap: each second's throughput smoothed as the median
  of the SMOOTH_SECONDS seconds around it; the first second whose smoothed
  throughput reaches off + 0.9 * (ideal - off) and after which it never
  falls under off + FLOOR * (ideal - off) again (hysteresis); off and
  ideal are the medians over their reps of the runs' mean throughput
  (operations / duration).  Not "stays above 90% every second from t on":
  the host's noise moves single seconds by 10-30%, more than the 10% of
  the gap that rule leaves, so even ideal runs would fail it; the floor
  keeps a run that touched 90% and fell back (a migration storm) from
  counting as converged.  The ideal runs' own figure (about 0-2 s) and
  the off runs' (n/a) show the rule's noise floor.

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
            'numa_sampling_samples_local',
            'numa_sampling_samples_dropped', 'numa_sampling_pages_migrated',
            'numa_sampling_thp_migrated', 'numa_sampling_interval_faster',
            'numa_sampling_interval_slower',
            'numa_sampling_pages_migrated_around', 'numa_sampling_rests',
            'pgpromote_success', 'pgpromote_candidate', 'pgdemote_kswapd',
            'pgdemote_direct', 'pgdemote_pingpong',
            'numa_sampling_pages_promoted', 'numa_sampling_promote_first',
            'numa_sampling_promote_refused', 'numa_sampling_promote_lowmem',
            'mem_sampling_cost_ns', 'mem_sampling_budget_slower']
MODES = ('off', 'ideal', 'scan', 'sample')
# Variants of sample mode (BENCH_MODES): sample+EVENT (event filter),
# sample~N (minimum latency), sample@B (CPU budget in basis points); and
# on the tiered machine DAMON's migrate_hot with Accessed bits (damon~N) or
# samples (damon-sampled~N), N its nr_accesses threshold.
MODE = r'(?:off|ideal|scan|sample(?:\+\w+)?(?:~\d+)?(?:@\d+)?|damon(?:-sampled)?(?:~\d+)?)'


def modes_of(runs):
    """The four modes, then the variants of sample mode by name."""
    return list(MODES) + sorted({k[1] for k in runs} - set(MODES))


# Time to 90% of the gap: each second's throughput is the median of this
# many seconds around it; once a run has reached 90% of the gap, it must
# not fall back under FLOOR of it.
SMOOTH_SECONDS = 5
FLOOR = 0.5
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


def read_reports(path):
    """numa-workload's report lines in @path as (label, dict) pairs; none
    if the file is missing.  A report line that does not parse stops the
    report: a figure made from half a log would be wrong, not missing."""
    reports = []
    try:
        with open(path) as f:
            for number, line in enumerate(f, 1):
                m = LINE.match(line.strip())
                if not m:
                    continue
                try:
                    point = {k: float(v) for k, v in
                             (kv.split('=', 1) for kv in m.group(2).split())}
                    if 'elapsed' not in point or 'ops_per_s' not in point:
                        raise ValueError('no elapsed= or ops_per_s=')
                except ValueError:
                    sys.exit(f'bench-report: {path}:{number}: not a numa-workload '
                             f'report line: {line.strip()!r}')
                reports.append((m.group(1), point))
    except OSError:
        pass
    return reports


def read_series(path):
    """Report lines of the main worker (not a .partner) as dicts."""
    return [point for label, point in read_reports(path)
            if not label.endswith('.partner')]


def cumulative_at(points, t):
    """Operations a process had done at time @t: linear between its reports
    (constant rate inside a report's interval), its total after the last."""
    previous = {'elapsed': 0.0, 'ops': 0}
    for p in points:
        if p['elapsed'] >= t:
            span = p['elapsed'] - previous['elapsed']
            share = (t - previous['elapsed']) / span if span > 0 else 1.0
            return previous['ops'] + share * (p['ops'] - previous['ops'])
        previous = p
    return previous['ops']


def read_throughput(path):
    """Operations of all the run's processes (shared: the worker and its
    .partner) as one series a second: each process's count interpolated
    at every whole second (its reports come when a pass over its memory
    ends, not on the second) and added up; 'ops' the count since the
    start, 'ops_per_s' the operations of the second that ends there.  The
    last point is the end of the run (the latest last report)."""
    by_label = {}
    for label, point in read_reports(path):
        by_label.setdefault(label, []).append(dict(point))
    if not by_label:
        return []
    for points in by_label.values():
        # Older logs have no cumulative count: rebuild it from the rates.
        total, last = 0.0, 0.0
        for p in points:
            total += p['ops_per_s'] * (p['elapsed'] - last)
            last = p['elapsed']
            p.setdefault('ops', total)
    end = max(points[-1]['elapsed'] for points in by_label.values())
    times = [float(t) for t in range(1, int(end) + 1)]
    if not times or times[-1] < end:
        times.append(end)
    series, previous = [], {'elapsed': 0.0, 'ops': 0.0}
    for t in times:
        ops = sum(cumulative_at(points, t) for points in by_label.values())
        series.append({'elapsed': round(t, 2), 'ops': round(ops),
                       'ops_per_s': (ops - previous['ops']) / (t - previous['elapsed'])})
        previous = {'elapsed': t, 'ops': ops}
    return series


def time_to_work(throughput, work):
    """(seconds to complete @work operations, extrapolated?): interpolated
    inside the report where the count passes @work; past the end at the
    median rate of the last quarter of the reports."""
    previous = {'elapsed': 0.0, 'ops': 0}
    for point in throughput:
        if point['ops'] >= work:
            share = (work - previous['ops']) / (point['ops'] - previous['ops'])
            return previous['elapsed'] + share * (point['elapsed'] - previous['elapsed']), False
        previous = point
    tail = throughput[len(throughput) * 3 // 4:]
    rate = statistics.median(p['ops_per_s'] for p in tail) if tail else 0
    if rate <= 0:
        return None, True
    return previous['elapsed'] + (work - previous['ops']) / rate, True


def time_to_rate(throughput, reach, floor):
    """The first second whose throughput, smoothed, reaches @reach after
    which the smoothed throughput never falls below @floor again; None if
    none.  Smoothed: the median of the SMOOTH_SECONDS seconds around it
    (fewer at the ends of the run)."""
    rates = [p['ops_per_s'] for p in throughput]
    half = SMOOTH_SECONDS // 2
    smoothed = [statistics.median(rates[max(i - half, 0):i + half + 1])
                for i in range(len(rates))]
    since = None
    for point, rate in zip(throughput, smoothed):
        if rate < floor:
            since = None
        elif since is None and rate >= reach:
            since = point['elapsed']
    return since


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
    throughput = read_throughput(os.path.join(directory, 'workload.log'))
    before = read_vmstat(os.path.join(directory, 'vmstat.before'))
    after = read_vmstat(os.path.join(directory, 'vmstat.after'))
    passes = balance_passes(os.path.join(directory, 'trace.txt'))
    tail = series[len(series) * 3 // 4:] if series else []
    counters = {c: after.get(c, 0) - before.get(c, 0) for c in COUNTERS}
    used = counters['numa_sampling_samples_used']
    run = {
        'series': series,
        'time_to_90_weighted_s': time_to(series, 'weighted_local'),
        'time_to_90_pages_s': time_to(series, 'page_local'),
        'time_to_90_hot_s': (time_to(series, 'hot_local')
                             if series and 'hot_local' in series[0] else None),
        'counters': counters,
        'system_time_s': series[-1]['stime'] if series else None,
        'converged_ops_per_s': statistics.median(p['ops_per_s'] for p in tail) if tail else None,
        'throughput': throughput,
        'ops_total': throughput[-1]['ops'] if throughput else None,
        'mean_ops_per_s': (throughput[-1]['ops'] / throughput[-1]['elapsed']
                           if throughput and throughput[-1]['elapsed'] > 0 else None),
        # What sampling cost (the CPU budget's accounting, summed over the
        # CPUs), as a share of one CPU's time over the run.
        'sampling_cost_pct': (100.0 * (after.get('mem_sampling_cost_ns', 0) -
                                       before.get('mem_sampling_cost_ns', 0)) /
                              (throughput[-1]['elapsed'] * 1e9)
                              if throughput and throughput[-1]['elapsed'] > 0 else None),
        # Samples that found their memory local already: nothing to move.
        'samples_local_pct': (100.0 * counters['numa_sampling_samples_local'] / used
                              if used > 0 else None),
        'balance_passes': len(passes),
        'lock_hold_per_pass_ms': statistics.mean(passes) if passes else None,
        'lock_hold_total_ms': sum(passes) if passes else None,
    }
    return run


def median_of(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def currency(workload, runs):
    """The fixed work and its times, the gap recovered and the time to 90%
    of it for every run of @workload (set in the runs); the references."""
    of_mode = {mode: [r for k, r in sorted(runs.items())
                      if k[0] == workload and k[1] == mode and 'skipped' not in r]
               for mode in modes_of(runs)}
    ref = {'work_ops': median_of(of_mode['off'], 'ops_total')}
    if not ref['work_ops'] or not of_mode['ideal']:
        ref['note'] = 'no off or no ideal run: no fixed work, no gap'
        return ref
    for mode_runs in of_mode.values():
        for r in mode_runs:
            if r.get('throughput'):
                r['time_to_work_s'], r['time_to_work_extrapolated'] = \
                    time_to_work(r['throughput'], ref['work_ops'])
    ref['time_off_s'] = median_of(of_mode['off'], 'time_to_work_s')
    ref['time_ideal_s'] = median_of(of_mode['ideal'], 'time_to_work_s')
    ref['ops_per_s_off'] = median_of(of_mode['off'], 'mean_ops_per_s')
    ref['ops_per_s_ideal'] = median_of(of_mode['ideal'], 'mean_ops_per_s')
    if None in (ref['time_off_s'], ref['time_ideal_s'], ref['ops_per_s_off'],
                ref['ops_per_s_ideal']):
        ref['note'] = 'a reference run has no reports: no gap'
        return ref
    gap = ref['time_off_s'] - ref['time_ideal_s']
    for mode_runs in of_mode.values():
        for r in mode_runs:
            r['time_to_90_gap_s'] = None
    if gap <= 0:
        ref['note'] = 'ideal placement was no faster than off: no gap to recover'
        return ref
    ref['threshold_ops_per_s'] = (ref['ops_per_s_off'] + 0.9 *
                                  (ref['ops_per_s_ideal'] - ref['ops_per_s_off']))
    ref['floor_ops_per_s'] = (ref['ops_per_s_off'] + FLOOR *
                              (ref['ops_per_s_ideal'] - ref['ops_per_s_off']))
    for mode_runs in of_mode.values():
        for r in mode_runs:
            if r.get('time_to_work_s') is not None:
                r['gap_recovered_pct'] = 100.0 * (ref['time_off_s'] - r['time_to_work_s']) / gap
            r['time_to_90_gap_s'] = time_to_rate(r.get('throughput', []),
                                                 ref['threshold_ops_per_s'],
                                                 ref['floor_ops_per_s'])
    return ref


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
    ('time_to_90_hot_s', 'time to 90% of the hot pages local (s)'),
    ('pgpromote_success', 'pages promoted (pgpromote_success)'),
    ('numa_sampling_promote_refused', 'promotions refused: rate limit or memory policy'),
    ('numa_sampling_promote_lowmem', 'promotions refused: top tier low on memory'),
    ('pgdemote_kswapd', 'pages demoted by kswapd'),
    ('pgdemote_pingpong', 'ping-pong: demoted within 10 s of promotion'),
    ('numa_hint_faults', 'NUMA hint faults'),
    ('numa_pte_updates', 'PTE updates'),
    ('numa_pages_migrated', 'pages migrated'),
    ('mem_sampling_samples', 'samples taken'),
    ('sampling_cost_pct', 'sampling cost, CPU budget accounting (% of one CPU)'),
    ('mem_sampling_budget_slower', 'budget governor slow-downs'),
    ('numa_sampling_samples_used', 'samples used'),
    ('samples_local_pct', 'samples used of memory already local (%)'),
    ('numa_sampling_samples_dropped', 'samples dropped (queue full)'),
    ('numa_sampling_interval_faster', 'sampling interval shortened'),
    ('numa_sampling_interval_slower', 'sampling interval lengthened'),
    ('numa_sampling_pages_migrated_around', 'pages moved as a sample\'s neighbours'),
    ('numa_sampling_rests', 'sampling rests (converged)'),
    ('lock_hold_per_pass_ms', 'balancing pass (mmap_lock) per pass (ms)'),
    ('lock_hold_total_ms', 'balancing passes (mmap_lock) total (ms)'),
    ('system_time_s', 'workload system time (s)'),
    ('converged_ops_per_s', 'converged throughput (ops/s)'),
    ('mean_ops_per_s', 'mean throughput, all processes (ops/s)'),
    ('time_to_work_s', 'time to complete the fixed work (s)'),
    ('gap_recovered_pct', 'off-to-ideal gap recovered (%)'),
    ('time_to_90_gap_s', 'time to 90% of the gap (s)'),
]

# The headline table: every mode, what users feel next to locality.
HEADLINE = [
    ('mean_ops_per_s', 'mean throughput (ops/s)'),
    ('time_to_work_s', 'time for the fixed work (s)'),
    ('gap_recovered_pct', 'gap recovered (%)'),
    ('time_to_90_gap_s', 'time to 90% of the gap (s)'),
    ('time_to_90_weighted_s', 'time to 90% access-weighted local (s)'),
]

CURRENCY = {'mean_ops_per_s', 'time_to_work_s', 'gap_recovered_pct', 'time_to_90_gap_s'}

GAP_NOTE = (
    'Fixed work: the median over the off runs of the operations the '
    'workload\'s processes completed in the run; time for it: when a run '
    'had done that many, interpolated inside the one-second report, '
    'extrapolated at the last quarter\'s median rate if the run ended '
    'first ([x] marks a median with extrapolated runs).  Gap recovered: '
    '(T_off - T) / (T_off - T_ideal), T_off and T_ideal the medians of the '
    'references.  Time to 90% of the gap: the first second whose throughput '
    f'(median of the {SMOOTH_SECONDS} s around it) reaches off + 0.9 (ideal - off) and '
    f'after which it never falls under off + {FLOOR} (ideal - off) again, off and '
    'ideal the references\' median mean throughput; n/a: no such second.  '
    'off: kernel.numa_balancing=0, '
    'memory left where it was placed; ideal: balancing off, memory on the '
    'worker\'s own node from the start (shared: each half on its process\'s '
    'node).  The same CPUs in all modes.  tiered: memory on the slow tier '
    '(a CPU-less node below DRAM), scan = upstream tiering '
    '(kernel.numa_balancing=2, scan and hint faults), sample = tiering from '
    'samples; ideal: the hot fifth on the worker\'s node, the rest on the slow '
    'tier; demotion on in every mode.')


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


def gnuplot_png(png, title, ylabel, yrange, lines):
    """Plot gnuplot @lines against seconds into @png; its path, or None."""
    script = (f"set terminal png size 900,500; set output '{png}';"
              f"set title '{title}';"
              f"set xlabel 'seconds'; set ylabel '{ylabel}'; set yrange {yrange};"
              "set key bottom right; plot " + ', '.join(lines))
    subprocess.run(['gnuplot', '-e', script], check=False)
    return png if os.path.exists(png) else None


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
    lines = []
    for mode, data in files:
        lines.append(f"'{data}' using 1:2 with lines lw 2 title '{mode}: access-weighted local %'")
        lines.append(f"'{data}' using 1:3 with lines dt 2 title '{mode}: pages local %'")
    return gnuplot_png(os.path.join(out_dir, f'{workload}.png'),
                       f'{workload}: local share over time (guest under TCG)',
                       '% local', '[0:105]', lines)


def plot_throughput(out_dir, workload, runs, ref):
    if not shutil.which('gnuplot'):
        return None
    lines = []
    for mode in modes_of(runs):
        run = runs.get((workload, mode, 1))
        if not run or not run.get('throughput'):
            continue
        data = os.path.join(out_dir, f'{workload}-{mode}-throughput.dat')
        with open(data, 'w') as f:
            for p in run['throughput']:
                f.write(f"{p['elapsed']} {p['ops_per_s']}\n")
        lines.append(f"'{data}' using 1:2 with lines lw 2 title '{mode}'")
    if not lines:
        return None
    if ref.get('threshold_ops_per_s'):
        lines.append(f"{ref['threshold_ops_per_s']} with lines dt 2 lc 'black' "
                     "title 'off + 90% of the gap to ideal'")
    return gnuplot_png(os.path.join(out_dir, f'{workload}-throughput.png'),
                       f'{workload}: throughput, all processes (guest under TCG, '
                       'remote memory costs twice local)',
                       'operations/s', '[0:*]', lines)


def main():
    if len(sys.argv) < 3:
        print('usage: bench-report.py OUTBOX_DIR OUT_DIR [EXTRA...]', file=sys.stderr)
        return 2
    outbox, out_dir = sys.argv[1:3]
    bench_dir = os.path.join(outbox, 'bench')
    os.makedirs(out_dir, exist_ok=True)
    runs = {}
    for name in sorted(os.listdir(bench_dir)) if os.path.isdir(bench_dir) else []:
        m = re.match(rf'^([a-z0-9]+)-({MODE})-(\d+)$', name)
        if m:
            runs[(m.group(1), m.group(2), int(m.group(3)))] = one_run(os.path.join(bench_dir, name))
    if not runs:
        print(f'bench-report: no runs in {bench_dir}', file=sys.stderr)
        return 1

    workloads = sorted({k[0] for k in runs})
    summary = {}
    references = {w: currency(w, runs) for w in workloads}
    variants = modes_of(runs)[len(MODES):]
    md = ['| workload | metric | scan mode | sample mode | scan / sample |' +
          ''.join(f' {v} |' for v in variants),
          '|---|---|---|---|---|' + '---|' * len(variants)]
    headline = ['| workload | mode | ' + ' | '.join(label for _, label in HEADLINE) + ' |',
                '|---|---|' + '---|' * len(HEADLINE)]
    for w in workloads:
        summary[w] = {'references': references[w]}
        for mode in modes_of(runs):
            mode_runs = [r for k, r in runs.items() if k[0] == w and k[1] == mode
                         and 'skipped' not in r]
            summary[w][mode] = {key: spread([metric(r, key) for r in mode_runs])
                                for key, _ in METRICS}
            summary[w][mode]['runs'] = len(mode_runs)
            if not mode_runs:
                continue
            cells = []
            for key, _ in HEADLINE:
                cell = fmt(summary[w][mode][key])
                if key == 'time_to_work_s' and any(r.get('time_to_work_extrapolated')
                                                   for r in mode_runs):
                    cell += ' [x]'
                cells.append(cell)
            headline.append(f'| {w} | {mode} | ' + ' | '.join(cells) + ' |')
        for key, label in METRICS:
            if key in CURRENCY:
                continue    # in the headline table, for all four modes
            scan, sample = summary[w]['scan'][key], summary[w]['sample'][key]
            ratio = 'n/a'
            # A ratio against zero (samples in scan mode) says nothing.
            if scan and sample and scan['median'] and sample['median']:
                ratio = f"{scan['median'] / sample['median']:.2f}x"
            md.append(f'| {w} | {label} | {fmt(scan)} | {fmt(sample)} | {ratio} |' +
                      ''.join(f' {fmt(summary[w][v][key])} |' for v in variants))
        summary[w]['plot'] = plot(out_dir, w, runs)
        summary[w]['plot_throughput'] = plot_throughput(out_dir, w, runs, references[w])

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
    text = '\n'.join(headline) + '\n\n'
    for w in workloads:
        ref = references[w]
        line = f'fixed work {w}: '
        if ref.get('work_ops'):
            line += f"{ref['work_ops']:.0f} operations; "
        if ref.get('time_off_s') is not None and ref.get('time_ideal_s') is not None:
            line += f"T_off {ref['time_off_s']:.2f} s, T_ideal {ref['time_ideal_s']:.2f} s; "
        if ref.get('threshold_ops_per_s'):
            line += f"90% of the gap at {ref['threshold_ops_per_s']:.0f} ops/s"
        text += line.rstrip('; ') + (f" ({ref['note']})" if ref.get('note') else '') + '\n'
    text += '\n' + GAP_NOTE + '\n\n'
    text += '\n'.join(md) + '\n'
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
        for key in ('plot', 'plot_throughput'):
            if summary[w][key]:
                print(f'plot: {summary[w][key]}')
    print(f"results: {os.path.join(out_dir, 'results.json')}, {os.path.join(out_dir, 'results.md')}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
