#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Host check of the AUX data perf took in the guest while mem_sampling ran
(selftests/spe_perf.c): decode it with perf's own SPE packet decoder
(perf-spe-dump) and check every record.

usage: check-spe-perf.py PERF_SPE_DUMP GUEST_OUT_DIR RESULT_FILE [TEST]

TEST (default spe_perf) names the cases: mem_sampling_stress leaves the
same files after its stress run.

task.aux (a per-task event on the test process striding its buffer):
records decode without a bad packet, >= 90% of the data VAs lie in the
buffer, every PA of a VA in the buffer is the page frame the guest read
from /proc/self/pagemap, every context packet holds the test's pid.
cpu.aux (a CPU-wide event): decodes without a bad packet.
Prints one `ok`/`not ok`/`skip` line per case; exits 1 on a failure."""
import json
import os
import subprocess
import sys


def packets(dump, path):
    out = subprocess.run([dump, path], check=True, capture_output=True,
                         text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line]


def records(pkts):
    """Group packets into records: a record ends at End or Timestamp."""
    rec, bad = {}, 0
    for p in pkts:
        t = p["type"]
        if t in ("bad", "unknown"):
            bad += 1
        elif t == "address":
            rec[p["kind"]] = int(p["addr"], 16)
        elif t == "context":
            rec["context"] = p["context_id"]
        if t in ("end", "timestamp"):
            if rec:
                yield rec, bad
            rec, bad = {}, 0
    if rec:
        yield rec, bad


def read_meta(path):
    meta, pfns = {}, {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if w[0] == "pfn":
                pfns[int(w[1])] = int(w[2], 16)
            else:
                meta[w[0]] = int(w[1], 0)
    return meta, pfns


def check_task(dump, out):
    aux, meta_path = os.path.join(out, "task.aux"), os.path.join(out, "task.meta")
    if not os.path.exists(aux) or not os.path.exists(meta_path):
        return "skip", "no task.aux/task.meta from the guest (no SPE?)"
    meta, pfns = read_meta(meta_path)
    base, size, ps = meta["base"], meta["size"], meta["page_size"]
    n = bad = va = inbuf = pa_checked = pa_ok = ctx = ctx_ok = 0
    for rec, b in records(packets(dump, aux)):
        n += 1
        bad += b
        if "context" in rec:
            ctx += 1
            ctx_ok += rec["context"] == meta["pid"]
        v = rec.get("data_va")
        if v is None:
            continue
        v &= (1 << 56) - 1      # the top byte is a tag
        va += 1
        if not base <= v < base + size:
            continue
        inbuf += 1
        pfn = pfns.get((v - base) // ps, 0)
        if "data_pa" in rec and pfn:
            pa_checked += 1
            pa_ok += rec["data_pa"] // ps == pfn
    msg = (f"{n} records, {bad} bad packets, {inbuf}/{va} VAs in the buffer, "
           f"PA {pa_ok}/{pa_checked} match pagemap, pid {ctx_ok}/{ctx}")
    good = (n >= 100 and not bad and inbuf * 10 >= va * 9 and va > 0 and
            pa_checked > 0 and pa_ok == pa_checked and ctx_ok == ctx)
    return ("ok" if good else "not ok"), msg


def check_cpu(dump, out):
    aux = os.path.join(out, "cpu.aux")
    if not os.path.exists(aux):
        return "skip", "no cpu.aux from the guest"
    n = bad = 0
    for _, b in records(packets(dump, aux)):
        n += 1
        bad += b
    return ("ok" if n > 0 and not bad else "not ok"), f"{n} records, {bad} bad packets"


def main():
    dump, out, result = sys.argv[1:4]
    test = sys.argv[4] if len(sys.argv) > 4 else "spe_perf"
    lines, failed = [], False
    for name, fn in ((f"{test} task event AUX data decoded by perf", check_task),
                     (f"{test} cpu event AUX data decoded by perf", check_cpu)):
        try:
            status, msg = fn(dump, out)
        except (OSError, subprocess.CalledProcessError, ValueError, KeyError) as e:
            status, msg = "not ok", f"{type(e).__name__}: {e}"
        failed |= status == "not ok"
        lines.append(f"{status} {name}: {msg}" if status != "skip"
                     else f"skip {name} {msg}")
    with open(result, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
