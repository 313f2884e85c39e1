#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check the soak's memory totals (make soak).

The guest's soak plan leaves soak.txt: the kernel's unreclaimable slab,
vmalloc, per-CPU, page-table and kernel-stack totals in KiB, before the
stress run and after it (caches dropped both times) and at every minute
in between, then kmemleak's count of unreferenced objects.

The debug kernel's KASAN keeps freed slab objects in a quarantine of up
to 1/32 of memory (64 MiB in the 2 GiB guest), emptied only as it
overflows, so unreclaimable slab climbs during the first minutes of a
run and stays up after it: "after - before" is printed but not bounded.
What is bounded, at BOUND_KIB, is growth once that has settled: from the
median of minutes 2-6 to the median of the last five minutes while the
actors run (runs of 12 minutes or more), and from that same early median
to after the run, which catches what the actors' teardown leaves behind.
A leak of one small object per operation of the stress run's actors
would grow either by megabytes.  kmemleak must find nothing.

usage: check-soak.py SOAK_TXT RESULT_TXT
"""
import statistics
import sys

BOUND_KIB = 4096


def main():
    soak, result = sys.argv[1], sys.argv[2]
    rows, leaks, lines, ok = {}, None, [], True
    with open(soak) as f:
        header = f.readline().split()
        for line in f:
            words = line.split()
            if words[0] == 'kmemleak':
                leaks = int(words[1])
            elif len(words) == len(header):
                rows[words[0]] = [int(w) for w in words[1:]]
    if 'before' not in rows or 'after' not in rows:
        print(f'check-soak: {soak} has no before/after totals (the run did not finish)')
        return 1
    minutes = sorted(int(k) for k in rows if k.isdigit())
    lines.append('| when | ' + ' | '.join(header[1:]) + ' | total KiB |')
    lines.append('|---' * (len(header) + 1) + '|')
    for key in ['before'] + [str(m) for m in minutes] + ['after']:
        lines.append(f'| {key} | ' + ' | '.join(map(str, rows[key])) +
                     f' | {sum(rows[key])} |')
    growth = sum(rows['after']) - sum(rows['before'])
    lines.append(f'\nafter - before: {growth} KiB (not bounded: KASAN quarantine)')
    if len(minutes) >= 12:
        early = statistics.median(sum(rows[str(m)]) for m in minutes[1:6])
        late = statistics.median(sum(rows[str(m)]) for m in minutes[-5:])
        after = sum(rows['after'])
        lines.append(f'last five minutes - minutes 2-6 (medians): '
                     f'{late - early:.0f} KiB (bound {BOUND_KIB})')
        lines.append(f'after - minutes 2-6 (median): '
                     f'{after - early:.0f} KiB (bound {BOUND_KIB})')
        ok &= late - early <= BOUND_KIB and after - early <= BOUND_KIB
    else:
        lines.append('under 12 minutes: no growth bound checked')
    lines.append(f'kmemleak: {leaks if leaks is not None else "not run"} '
                 'unreferenced objects')
    ok &= leaks == 0
    lines.append(f'{len(minutes)} minutes; soak {"passed" if ok else "FAILED"}')
    text = '\n'.join(lines) + '\n'
    with open(result, 'w') as f:
        f.write(text)
    sys.stdout.write(text)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
