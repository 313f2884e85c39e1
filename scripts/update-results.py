#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the report of the last make bench into bench/RESULTS.md.

Replaces the part of RESULTS between its generated markers with the
date, machine, kernel, project commit and command of this run, followed
by REPORT (build/bench/results.md).  The rest of RESULTS is kept.

A TOPOLOGY other than numa2 has a generated part of its own, between
markers that name it.

usage: update-results.py RESULTS REPORT KERNEL_VERSION COMMAND [TOPOLOGY]
"""
import datetime
import os
import subprocess
import sys

BEGIN = '<!-- generated: make bench rewrites from here to the closing marker -->'
END = '<!-- end of generated part -->'


def machine():
    mem = 0
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemTotal:'):
                mem = int(line.split()[1]) // (1024 * 1024)
    load = os.getloadavg()[0]
    return (f'{os.uname().machine}, {os.cpu_count()} CPUs, {mem} GiB, '
            f'load average {load:.1f} when the report was written')


def commit():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        out = subprocess.run(['git', '-C', top, 'describe', '--always', '--dirty'],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def main():
    results, report, kernel, command = sys.argv[1:5]
    topology = sys.argv[5] if len(sys.argv) > 5 else 'numa2'
    begin, end, title = BEGIN, END, '## make bench'
    if topology != 'numa2':
        begin = BEGIN.replace('generated:', f'generated ({topology}):')
        end = END.replace('generated part', f'generated part ({topology})')
        title = f'## make bench TOPOLOGY={topology}'
    with open(results) as f:
        text = f.read()
    if topology != 'numa2' and begin not in text:
        text = text.rstrip('\n') + f'\n\n{begin}\n{end}\n'
    if begin not in text or end not in text:
        print(f'update-results: {results} has no generated markers', file=sys.stderr)
        return 1
    with open(report) as f:
        table = f.read().rstrip('\n')
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    block = '\n'.join([
        begin, '', title, '',
        f'- **Date**: {now}',
        f'- **Machine**: {machine()}',
        f'- **Kernel**: Linux 6.12 (Debian linux-source-6.12 {kernel}) '
        f'with this tree at {commit()}',
        f'- **Command**: `{command}`', '',
        table, '', end])
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(results, 'w') as f:
        f.write(head + block + tail)
    print(f'results: {results} (generated part rewritten)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
