"""A grouped bar chart of pass@k per benchmark (PNG), drawn headless with matplotlib."""
from __future__ import annotations

from pathlib import Path


def write_chart(summary: dict, path: Path) -> Path | None:
    """Returns the PNG path, or None when matplotlib is missing (the ml extra is optional)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    names = list(summary["benchmarks"])
    # a k larger than every benchmark's samples per problem has no value anywhere: leave it out
    ks = [f"pass@{k}" for k in summary["settings"]["k"] if any(b[f"pass@{k}"] is not None for b in summary["benchmarks"].values())]
    if not names or not ks:
        return None
    width = 0.8 / max(len(ks), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(names) + 2), 4.2))
    for i, k in enumerate(ks):
        values = [100 * (summary["benchmarks"][n][k] or 0.0) for n in names]
        bars = ax.bar([x + i * width for x in range(len(names))], values, width, label=k)
        labels = ["n/a" if summary["benchmarks"][n][k] is None else f"{v:.1f}" for n, v in zip(names, values)]
        ax.bar_label(bars, labels=labels, fontsize=7)
    ax.set_xticks([x + width * (len(ks) - 1) / 2 for x in range(len(names))])
    ax.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("%")
    ax.set_ylim(0, 105)
    ax.set_title("pass@k (official testbenches)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
