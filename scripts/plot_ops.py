#!/usr/bin/env python3
"""Plots the ops benchmark's utilization sweep (luoshu_bench_ops --csv) as a PNG.

  plot_ops.py OPS.csv OUT.png
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src, out):
    rows = list(csv.DictReader(open(src)))
    fig, (sq, tr) = plt.subplots(1, 2, figsize=(12, 5))
    for cores, marker in (("1", "o"), ("4", "s")):
        pts = [(int(r["m"]), float(r["utilization"])) for r in rows
               if r["kind"] == "square" and r["cores"] == cores]
        if pts:
            xs, ys = zip(*sorted(pts))
            sq.plot(xs, ys, marker=marker, label=f"{cores} core(s)")
    sq.set_xscale("log", base=2)
    sq.set_xlabel("M = N = K")
    sq.set_ylabel("cube utilization (%)")
    sq.set_ylim(0, 100)
    sq.set_title("square GEMM, int32 output")
    sq.grid(True, alpha=0.3)
    sq.legend()
    labels, vals = [], []
    for r in rows:
        if r["kind"] == "transformer":
            labels.append(f'{r["m"]}x{r["k"]}x{r["n"]} {r["cores"]}c {r["out"]}')
            vals.append(float(r["utilization"]))
    tr.bar(range(len(vals)), vals, color="tab:green")
    tr.set_xticks(range(len(vals)))
    tr.set_xticklabels(labels, fontsize=7, rotation=35, ha="right")
    tr.set_ylim(0, 100)
    tr.set_title("transformer shapes (M x K x N)")
    tr.grid(True, axis="y", alpha=0.3)
    fig.suptitle("Luoshu ops library on the Verilated default SoC (tiler's choices)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"plot: {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
