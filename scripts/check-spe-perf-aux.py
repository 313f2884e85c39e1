#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host check of the spe_perf_aux guest test.

Decodes the AUX data the guest's perf session collected with perf's own
packet decoder (perf-spe-dump, JSON lines, one per packet) and compares the
records with what the guest saw of its buffer: the virtual range, the
pagemap frame and the NUMA node of each page.

usage: check-spe-perf-aux.py OUTDIR PERF_SPE_DUMP RESULT_FILE
"""
import json
import os
import subprocess
import sys

PAGE_SHIFT = 12
# The test guest's two nodes are at the default distance (no -numa dist):
# the SPE model reports a remote access's latency as the local one x 20/10.
DISTANCE = 20
# Between the model's local (8) and remote (16) total latencies.
MIN_LATENCY = 12


def read_info(outdir):
    info = {}
    with open(os.path.join(outdir, "info.txt")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            if key:
                info[key] = int(value, 0)
    pages = {}
    with open(os.path.join(outdir, "pages.txt")) as f:
        for line in f:
            index, va, pfn, node = line.split()
            pages[int(index)] = (int(va, 16), int(pfn, 16), int(node))
    return info, pages


def as_int(value):
    return int(value, 16) if isinstance(value, str) else int(value)


def decode(dump, aux):
    """Group perf's packets into records; a record ends at End/Timestamp."""
    out = subprocess.run([dump, aux], check=True, capture_output=True,
                         text=True).stdout
    records, rec = [], {}
    for line in out.splitlines():
        pkt = json.loads(line)
        kind = pkt["type"]
        if kind in ("pad", "alignment"):
            continue
        if kind == "address":
            if pkt["kind"] == "data_va":
                rec["va"] = as_int(pkt["va"])
            elif pkt["kind"] == "data_pa":
                rec["pa"] = as_int(pkt["addr"])
            elif pkt["kind"] == "pc":
                rec["pc"] = as_int(pkt["addr"])
                rec["el"] = pkt.get("el")
            elif pkt["kind"] == "branch_target":
                rec["target"] = as_int(pkt["addr"])
        elif kind == "events":
            rec["events"] = set(pkt["events"])
        elif kind == "counter" and pkt["kind"] == "total":
            rec["latency"] = as_int(pkt["value"])
        elif kind == "op_type":
            rec["class"] = pkt.get("class")
            rec["cond"] = pkt.get("cond")
        elif kind in ("bad", "truncated", "unknown"):
            rec["bad"] = True
        if kind in ("end", "timestamp"):
            records.append(rec)
            rec = {}
    if rec:
        rec["bad"] = True
        records.append(rec)
    return records


def check_variants(case, outdir, dump, info, start, length, plain):
    """The same loop with jitter, a store filter, an event filter (L1D
    refill) and a latency filter (MIN_LATENCY cycles)."""
    def load(name):
        path = os.path.join(outdir, "aux-%s.bin" % name)
        if not os.path.exists(path):
            case("spe-perf-aux-%s" % name, False, "no " + path)
            return None
        return decode(dump, path)

    def remote(r):
        return "remote_access" in r.get("events", ())

    plain_remote = sum(1 for r in plain if remote(r))

    recs = load("jitter")
    if recs is not None:
        # RND puts 8 random bits below the interval: mean interval + 127.5.
        expected = info["operations"] / (info["interval"] + 127.5)
        case("spe-perf-aux-jitter", abs(len(recs) - expected) <= 0.1 * expected,
             "%d records, expected %.0f (operations/(interval+127.5)) +-10%%"
             % (len(recs), expected))

    recs = load("store")
    if recs is not None:
        # The loop only loads: nothing of it may pass a store filter.
        inbuf = [r for r in recs
                 if "va" in r and start <= r["va"] < start + length]
        case("spe-perf-aux-store-filter",
             not inbuf and len(recs) <= 0.01 * len(plain),
             "%d records (%d in the loaded buffer) vs %d unfiltered"
             % (len(recs), len(inbuf), len(plain)))

    for name, what in (("event", "L1D refill event"),
                       ("latency", "minimum latency %d" % MIN_LATENCY)):
        recs = load(name)
        if recs is None:
            continue
        local = [r for r in recs if not remote(r)]
        low = [r for r in recs if r.get("latency", 0) < MIN_LATENCY]
        ok = recs and not local and \
            abs(len(recs) - plain_remote) <= 0.1 * plain_remote
        if name == "latency":
            ok = ok and not low
        case("spe-perf-aux-%s-filter" % name, ok,
             "%s: %d records, %d local, %d under %d cycles; %d remote "
             "unfiltered" % (what, len(recs), len(local), len(low),
                             MIN_LATENCY, plain_remote))


def main():
    outdir, dump, result = sys.argv[1:4]
    lines = []

    def case(name, ok, detail=""):
        lines.append("%s %s%s" % ("ok" if ok else "not ok", name,
                                  " # " + detail if detail else ""))

    # The unmodified upstream driver must have found the emulated SPE.
    dmesg = os.path.join(os.path.dirname(outdir.rstrip("/")), "dmesg.txt")
    probed = [l.strip() for l in open(dmesg, errors="replace")
              if "arm_spe_pmu" in l and "probed SPEv1" in l] \
        if os.path.exists(dmesg) else []
    case("spe-driver-probed", len(probed) > 0,
         probed[0].split("] ", 1)[-1] if probed else "no probe message in "
         + dmesg)

    aux = os.path.join(outdir, "aux.bin")
    if not os.path.exists(aux):
        case("spe-perf-aux-output", False, "no %s from the guest" % aux)
    elif not os.access(dump, os.X_OK):
        lines.append("skip spe-perf-aux-decode perf-spe-dump not built")
    else:
        info, pages = read_info(outdir)
        records = decode(dump, aux)
        start, length = info["buf_start"], info["buf_len"]
        page_size = info["page_size"]
        expected = info["operations"] / info["interval"]
        n = len(records)

        case("spe-perf-aux-decodes", n > 0 and not any(r.get("bad")
                                                        for r in records),
             "%d records" % n)
        case("spe-perf-aux-sample-count", abs(n - expected) <= 0.1 * expected,
             "%d records, expected %.0f (operations/interval) +-10%%"
             % (n, expected))

        ldst = [r for r in records if r.get("class") == "ldst"]
        inbuf = [r for r in ldst
                 if "va" in r and start <= r["va"] < start + length]
        case("spe-perf-aux-va-in-buffer",
             ldst and len(inbuf) >= 0.9 * len(ldst),
             "%d of %d load/store records address the buffer"
             % (len(inbuf), len(ldst)))
        want = info["loads"] / info["interval"]
        case("spe-perf-aux-load-samples", abs(len(ldst) - want) <= 0.1 * want,
             "%d load records, expected %.0f (loads/interval) +-10%%"
             % (len(ldst), want))

        # One conditional branch per iteration, each sample of one the
        # loop's b.ne (PC and target inside the loop).
        loop = info["loop"]
        branches = [r for r in records if r.get("class") == "branch"]
        in_loop = [r for r in branches if r.get("cond") and
                   loop <= r.get("pc", 0) < loop + 64 and
                   loop <= r.get("target", 0) < loop + 64]
        want = info["branches"] / info["interval"]
        case("spe-perf-aux-branches",
             abs(len(branches) - want) <= 0.1 * want and
             len(in_loop) >= 0.9 * len(branches),
             "%d branch records (%d the loop's b.ne), expected %.0f +-10%%"
             % (len(branches), len(in_loop), want))

        bad_pa = remote_wrong = 0
        lat = {True: [], False: []}
        nodes_seen = set()
        for r in inbuf:
            index = (r["va"] - start) // page_size
            _, pfn, node = pages[index]
            pa = r.get("pa")
            if pa is None or pa >> PAGE_SHIFT != pfn or \
                    (pa ^ r["va"]) & (page_size - 1):
                bad_pa += 1
            remote = node != info["cpu_node"]
            nodes_seen.add(node)
            if ("remote_access" in r.get("events", ())) != remote:
                remote_wrong += 1
            if "latency" in r:
                lat[remote].append(r["latency"])
        case("spe-perf-aux-pa-is-pagemap-frame", inbuf and bad_pa == 0,
             "%d of %d records with a wrong or missing PA"
             % (bad_pa, len(inbuf)))
        case("spe-perf-aux-remote-event", inbuf and remote_wrong == 0 and
             len(nodes_seen) == 2,
             "%d records with remote_access not matching the page's node; "
             "nodes seen %s" % (remote_wrong, sorted(nodes_seen)))
        # The model's latencies: one local value, remote ones d/10 times it.
        local_lat, remote_lat = set(lat[False]), set(lat[True])
        case("spe-perf-aux-remote-latency",
             len(local_lat) == 1 and
             remote_lat == {min(local_lat) * DISTANCE // 10},
             "local %s, remote %s, expected remote = local x %d/10"
             % (sorted(local_lat), sorted(remote_lat), DISTANCE))

        check_variants(case, outdir, dump, info, start, length, records)

    os.makedirs(os.path.dirname(result) or ".", exist_ok=True)
    with open(result, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if any(l.startswith("not ok") for l in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
