#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a guest's console log into result files.

KUnit's KTAP (printed at boot) becomes results/kunit.txt, the kselftests
run between MS-TEST-BEGIN/END markers become results/kselftest.txt, and
the guest's saved dmesg is checked for kernel reports (BUG, WARNING,
KASAN, lockdep, ...) into results/guest-kernel-log.txt.  One line per
case: "ok NAME", "not ok NAME" or "skip NAME reason".  Exit status 1 when
any case failed.

usage: parse-guest-log.py LOG OUTBOX_DIR RESULTS_DIR
"""
import os
import re
import sys

TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(not ok|ok) \d+ (?:- )?(.*?)(?:\s+#\s*(SKIP|TODO)\b\s*(.*))?$')
REPORTS = re.compile(r'(BUG:|WARNING:|Oops|KASAN:|UBSAN:|kmemleak:.*unreferenced|'
                     r'kmemleak: unreferenced objects|kmemleak: not available|possible circular locking|inconsistent lock state|'
                     r'suspicious RCU usage|sleeping function called from invalid|'
                     r'Kernel panic|general protection|Unable to handle kernel)')


def outcome(status, directive, reason):
    if directive == 'SKIP':
        return 'skip', reason or 'skipped'
    return ('ok' if status == 'ok' else 'not ok'), ''


def parse_kunit(lines):
    """Yield (status, name, reason) for every KUnit case."""
    suite = None
    seen_case = False
    for raw in lines:
        line = TIMESTAMP.sub('', raw.rstrip('\r\n'))
        indent = len(line) - len(line.lstrip(' '))
        text = line.strip()
        m = re.match(r'^# Subtest: (\S+)', text)
        if m and indent == 4:
            suite, seen_case = m.group(1), False
            continue
        m = RESULT.match(text)
        if not m or suite is None:
            continue
        status, reason = outcome(m.group(1), m.group(3), m.group(4))
        if indent == 4:
            seen_case = True
            yield status, f'{suite}.{m.group(2)}', reason
        elif indent == 0:
            if not seen_case or status == 'not ok':
                yield status, f'{suite}', reason
            suite = None


def parse_kselftests(lines):
    """Yield (status, name, reason) for the kselftests between markers."""
    current, inner, failed_inner = None, [], False
    for raw in lines:
        line = raw.rstrip('\r\n')
        m = re.match(r'^MS-TEST-BEGIN (\S+)', line)
        if m:
            current, inner = m.group(1), []
            continue
        m = re.match(r'^MS-TEST-END (\S+) rc=(\d+)', line)
        if m and current:
            rc = int(m.group(2))
            for r in inner:
                yield r
            failed_inner = any(r[0] == 'not ok' for r in inner)
            if rc == 124:
                yield 'not ok', f'{current}: timed out', ''
            elif rc == 4 and not inner:
                yield 'skip', current, 'KSFT_SKIP'
            elif rc not in (0, 4) and not failed_inner:
                yield 'not ok', f'{current}: exit status {rc}', ''
            elif rc == 0 and not inner:
                yield 'ok', current, ''
            current = None
            continue
        if current:
            m = RESULT.match(line.strip())
            if m:
                status, reason = outcome(m.group(1), m.group(3), m.group(4))
                inner.append((status, f'{current}: {m.group(2)}', reason))
    if current:
        yield 'not ok', f'{current}: did not finish (guest stopped)', ''


def write(results_dir, name, cases):
    path = os.path.join(results_dir, name + '.txt')
    with open(path, 'w') as f:
        for status, case, reason in cases:
            f.write(f'{status} {case}' + (f' {reason}' if reason else '') + '\n')
    return any(c[0] == 'not ok' for c in cases)


def main():
    log, outbox, results = sys.argv[1:4]
    os.makedirs(results, exist_ok=True)
    try:
        with open(log, errors='replace') as f:
            lines = f.readlines()
    except OSError as e:
        print(f'parse-guest-log: {e}', file=sys.stderr)
        return 1
    failed = write(results, 'kunit', list(parse_kunit(lines)))
    failed |= write(results, 'kselftest', list(parse_kselftests(lines)))
    reports = []
    dmesg = os.path.join(outbox, 'dmesg.txt')
    if os.path.exists(dmesg):
        with open(dmesg, errors='replace') as f:
            reports = [l.rstrip() for l in f if REPORTS.search(l)]
        for r in reports[:20]:
            print(f'guest kernel log: {r}', file=sys.stderr)
        cases = [('not ok' if reports else 'ok', 'guest kernel log has no reports', '')]
    else:
        cases = [('not ok', 'guest kernel log saved', '')]
    failed |= write(results, 'guest-kernel-log', cases)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
