#!/usr/bin/python3
"""Plots the NoC benchmark CSV (scripts/bench_noc.sh): latency against offered load.

One panel per mesh; per pattern the mean network latency (solid), the mean latency with
source queueing (dashed) and the network p99 (dotted).
usage: plot_noc.py noc.csv out.png
"""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot_noc.py noc.csv out.png")
    rows = list(csv.DictReader(open(sys.argv[1])))
    if not rows:
        sys.exit(f"plot_noc.py: {sys.argv[1]} has no data")
    by_mesh = defaultdict(lambda: defaultdict(list))
    for r in rows:
        by_mesh[r["mesh"]][r["pattern"]].append(r)
    meshes = list(by_mesh)
    fig, axes = plt.subplots(1, len(meshes), figsize=(6 * len(meshes), 4.5), squeeze=False)
    colors = {"uniform": "tab:blue", "transpose": "tab:orange", "hotspot": "tab:red"}
    for ax, mesh in zip(axes[0], meshes):
        for pattern, pts in by_mesh[mesh].items():
            pts = [p for p in pts if p["drained"] == "1"]
            x = [float(p["offered"]) for p in pts]
            c = colors.get(pattern)
            ax.plot(x, [float(p["net_mean"]) for p in pts], "-o", ms=3, color=c,
                    label=f"{pattern}: network mean")
            ax.plot(x, [float(p["total_mean"]) for p in pts], "--", color=c,
                    label=f"{pattern}: + source queueing")
            ax.plot(x, [float(p["net_p99"]) for p in pts], ":", color=c,
                    label=f"{pattern}: network p99")
        ax.set_title(f"{mesh} mesh, XY wormhole, {rows[0]['len']}-flit packets")
        ax.set_xlabel("offered load (flits/node/cycle)")
        ax.set_ylabel("latency (cycles)")
        ax.set_ylim(0, 60)
        ax.set_xlim(0, 1.0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
