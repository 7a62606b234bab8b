#!/usr/bin/env python3
"""Prints the rows of docs/BENCHMARKS.md from the eval JSON files that models/recipes/benchmarks.sh writes.

Usage: python3 scripts/benchmark-table.py [BENCH_DIR]   (default: ~/.cache/zeromask/bench)
One markdown row per ROW.eval.json (ROW-uncalibrated: that model at gamma 0; ROW-spnet-gamma: a generative
model evaluated with the gamma of the SPNet model it started from): seen / unseen mIoU, hIoU, pixel accuracy, the IoU of each unseen class,
and the training time (ROW.seconds; a generative row adds the time of the SPNet model it starts from).
"""
import json
import os
import sys

bench = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/zeromask/bench")
BASES = {"zs3": "u2-spnet", "cagnet": "u2-spnet", "vm": "u2-spnet", "zs3-st": "u2-spnet",
         "vm-beta0.1": "u2-spnet", "vm-beta0.01": "u2-spnet", "vm-beta0.001": "u2-spnet",
         "u4-zs3": "u4-spnet", "u4-cagnet": "u4-spnet", "u4-vm": "u4-spnet", "u4-vm-beta0.1": "u4-spnet"}


def seconds(row):
    try:
        with open(os.path.join(bench, row + ".seconds")) as f:
            return int(float(f.read().strip()))
    except (OSError, ValueError):
        return None


def pct(v):
    return "n/a" if v is None else f"{100.0 * v:.2f}"


rows = sorted(f[: -len(".eval.json")] for f in os.listdir(bench) if f.endswith(".eval.json"))
if not rows:
    sys.exit(f"benchmark-table: no *.eval.json in {bench} (run models/recipes/benchmarks.sh first)")
print("| row | split | gamma | seen mIoU | unseen mIoU | hIoU | pixel acc. | unseen classes (IoU) | training |")
print("|---|---|---|---|---|---|---|---|---|")
for row in rows:
    with open(os.path.join(bench, row + ".eval.json")) as f:
        j = json.load(f)
    unseen = ", ".join(f"{c['name']} {pct(c['iou'])}" for c in j["classes"] if c["role"] == "unseen")
    own = seconds(row)
    base = BASES.get(row)
    same = next((row[: -len(sfx)] for sfx in ("-uncalibrated", "-spnet-gamma") if row.endswith(sfx)), None)
    if own is None and same:
        time = f"= {same} (eval only)"
    elif own is None:
        time = "?"
    elif base and seconds(base) is not None:
        time = f"{(own + seconds(base)) / 60:.0f} min ({own / 60:.0f} + {seconds(base) / 60:.0f} SPNet)"
    else:
        time = f"{own / 60:.0f} min"
    print(f"| {row} | {j['split']} | {j['gamma']:.2f} | {pct(j['miou_seen'])} | {pct(j['miou_unseen'])} | "
          f"{pct(j['hiou'])} | {pct(j['pixel_accuracy'])} | {unseen} | {time} |")
