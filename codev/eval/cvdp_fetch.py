"""`codev bench fetch cvdp`: bring CVDP into <dest>/cvdp/, from the Hugging Face hub or a local copy.

CVDP is not pinned file by file like the MIT benchmarks (its hub repository is gated and changes between
releases), so codev verifies what it can: every datapoint parses (a bad line is refused with its file and
line), and the sha256 of every accepted file is recorded in <dest>/cvdp/.codev-fetched.json with where it
came from (hub revision resolved to a commit, or the local path). `codev eval --bench cvdp` refuses a
folder whose files no longer match those sums.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .cvdp_format import CvdpFormatError, load_tasks

HF_REPO = "nvidia/cvdp-benchmark-dataset"
FOLDER = "cvdp"
MARKER = ".codev-fetched.json"  # the same name the other fetched folders use
DATA_SUFFIXES = (".jsonl", ".parquet")
SAVED_DATASET_FILES = ("dataset_dict.json", "state.json")  # a folder written by datasets' save_to_disk


class CvdpFetchError(Exception):
    """The source cannot be read, is not CVDP, or the hub refused the download."""


@dataclass(frozen=True)
class CvdpFetched:
    folder: Path
    files: dict[str, str]  # relative path -> sha256
    datapoints: int
    supported: int  # non-agentic datapoints run by `--bench cvdp` (the rest are listed with a reason)
    agentic: int  # agentic datapoints `--bench cvdp-agentic` runs in one shot
    source: str


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _data_files(root: Path) -> list[Path]:
    """The files of a CVDP copy worth keeping: a saved dataset whole, else its JSONL/Parquet files."""
    if root.is_file():
        return [root]
    if any((root / name).is_file() for name in SAVED_DATASET_FILES):
        return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in DATA_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


def hub_snapshot(revision: str, cache: Path, on_status: Callable[[str], None]) -> tuple[Path, str]:
    """Download the dataset's data files at `revision` (resolved to a commit first); (folder, commit)."""
    try:
        from huggingface_hub import HfApi, snapshot_download
    except ImportError as exc:
        raise CvdpFetchError(f"fetching from the hub needs huggingface_hub ({exc}); or pass --from PATH") from None
    try:
        commit = HfApi().dataset_info(HF_REPO, revision=revision).sha
        on_status(f"downloading {HF_REPO}@{commit} (revision {revision})")
        folder = snapshot_download(HF_REPO, repo_type="dataset", revision=commit, local_dir=str(cache / commit),
                                   allow_patterns=["*.jsonl", "*.parquet", "README.md", "LICENSE*"])
    except Exception as exc:  # noqa: BLE001 - HTTP, auth, network (httpx) and disk errors alike: one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CvdpFetchError(f"{HF_REPO}: download failed ({first}); the dataset is gated: accept its terms "
                             "on huggingface.co and set HF_TOKEN, or download it yourself and pass --from PATH") from None
    return Path(folder), str(commit)


def fetch_cvdp(dest: Path, source: Path | None = None, revision: str = "main",
               on_status: Callable[[str], None] = lambda _msg: None) -> CvdpFetched:
    """Fill <dest>/cvdp from `source` (a JSONL/Parquet file or a folder of them, or a saved dataset), or
    from the hub when `source` is None. The previous copy is replaced only once the new one parsed."""
    dest = Path(dest)
    if source is None:
        root, commit = hub_snapshot(revision, dest / ".downloads" / "cvdp-hub", on_status)
        origin = f"hf://datasets/{HF_REPO}@{commit}"
    else:
        root = Path(source).expanduser()
        if not root.exists():
            raise CvdpFetchError(f"{root}: no such file or folder")
        origin = str(root.resolve())
    files = _data_files(root)
    if not files:
        raise CvdpFetchError(f"{root}: no CVDP .jsonl or .parquet files")
    base = root if root.is_dir() else root.parent
    staging = dest / f".{FOLDER}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    sums = {}
    for file in files:
        rel = file.relative_to(base).as_posix()
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, staging / rel)
        sums[rel] = sha256_file(staging / rel)
    try:
        tasks = load_tasks(staging)
    except CvdpFormatError as exc:  # name the user's file, not the staging copy
        shutil.rmtree(staging, ignore_errors=True)
        raise CvdpFetchError(str(exc).replace(str(staging), str(base))) from None
    supported = sum(1 for t in tasks if not t.skip)
    agentic = sum(1 for t in load_tasks(staging, agentic_one_shot=True) if t.agentic and not t.skip)
    categories = Counter(t.category_tag for t in tasks)
    marker = {"source": origin, "files": sums, "datapoints": len(tasks), "supported": supported, "agentic_one_shot": agentic,
              "categories": dict(sorted(categories.items()))}
    (staging / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
    target = dest / FOLDER
    if target.exists():
        shutil.rmtree(target)
    staging.replace(target)
    on_status(f"{target}: {len(sums)} files, {len(tasks)} datapoints, sha256 recorded")
    return CvdpFetched(target, sums, len(tasks), supported, agentic, origin)


def verify_fetched(folder: Path) -> str:
    """"" when <folder> matches the sums its fetch recorded (or was never fetched), else what differs."""
    marker = Path(folder) / MARKER
    if not marker.is_file():
        return ""
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"{marker}: unreadable"
    for rel, digest in sorted(recorded.items()):
        path = Path(folder) / rel
        if not path.is_file():
            return f"{path}: missing (recorded by `codev bench fetch cvdp`)"
        if sha256_file(path) != digest:
            return f"{path}: sha256 differs from the one recorded when it was fetched"
    extra = [p for p in _data_files(Path(folder)) if p.relative_to(folder).as_posix() not in recorded]
    if extra:
        return f"{extra[0]}: not among the files `codev bench fetch cvdp` recorded"
    return ""
