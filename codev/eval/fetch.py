"""Download the benchmarks at their pinned upstream commits and lay them out as codev expects.

A clone of codev elsewhere has no `../shared/benchmarks`; `codev bench fetch` rebuilds it from the
upstream repositories. Every file is checked against the sha256 pinned per commit
(data/upstream-sha256.json), so a moved tag or a tampered mirror is refused, not scored. Only layout is
changed (CRLF -> LF in RTLLM, RTLLM v2's category folders flattened; ../shared/benchmarks/MANIFEST.md);
no testbench fix is applied: the documented patches are copied to <dest>/fixes/ for the opt-in
`codev eval --fixed-testbenches`, which applies them to private copies.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import shutil
import tarfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

DEFAULT_BASE_URL = "https://github.com"
PINNED_SUMS = Path(__file__).with_name("data") / "upstream-sha256.json"
MANIFEST = Path(__file__).with_name("data") / "MANIFEST.md"  # layout, licences, self-check tables (copied to dest)
FIXES = Path(__file__).with_name("data") / "fixes"  # the documented testbench patches: copied, never applied
MARKER = ".codev-fetched.json"  # written last in each folder: its presence means "complete and verified"
MAX_ARCHIVE_BYTES = 256 << 20


class FetchError(Exception):
    """A download failed, or what was downloaded is not the pinned upstream tree."""


@dataclass(frozen=True)
class Source:
    """One benchmark folder and the upstream commit it is built from."""

    folder: str  # under the destination, as in ../shared/benchmarks
    repo: str  # owner/name
    commit: str
    keep: tuple[str, ...]  # fnmatch patterns of upstream paths kept (design folders: see design_files)
    drop: tuple[str, ...] = ()
    rtllm: bool = False  # design folders (testbench.v) kept without makefiles, CRLF -> LF, flattened

    @property
    def key(self) -> str:
        return f"{self.repo}@{self.commit}"


SOURCES: tuple[Source, ...] = (
    Source("verilogeval_v1", "NVlabs/verilog-eval", "4fa0ac4ed70ff1685114c25cd2e4c17cbba6a0c4",
           ("LICENSE", "README.md", "data/VerilogEval_*.jsonl", "descriptions/*.jsonl")),
    Source("verilogeval_v2", "NVlabs/verilog-eval", "65c87a832b6cb752c38490b397df372f6ddc1c89",
           ("LICENSE", "README.md", "dataset_spec-to-rtl/*", "dataset_code-complete-iccad2023/*"),
           drop=("*/Prob062_bugs_mux2.sv", "*/problems-temp.txt")),
    Source("rtllm_v1_1", "hkust-zhiyao/RTLLM", "f6d03dee61fd80b868eddc3bf3e675424726a68f",
           ("LICENSE", "README.md"), rtllm=True),
    Source("rtllm_v2", "hkust-zhiyao/RTLLM", "41b26896e33b536940116a975626455eed3de65e",
           ("LICENSE", "README.md", "File_list.md"), rtllm=True),
)


@dataclass
class FetchConfig:
    dest: Path
    base_url: str = DEFAULT_BASE_URL  # archives at {base_url}/{owner}/{name}/archive/{commit}.tar.gz
    sums_file: Path = PINNED_SUMS
    timeout_s: float = 120.0
    folders: list[str] = field(default_factory=lambda: [s.folder for s in SOURCES])


@dataclass(frozen=True)
class Fetched:
    folder: str
    files: int
    downloaded: bool  # False when a verified copy was already there


def archive_url(base_url: str, source: Source) -> str:
    return f"{base_url.rstrip('/')}/{source.repo}/archive/{source.commit}.tar.gz"


def load_sums(path: Path) -> dict[str, dict[str, str]]:
    """Pinned sha256 per upstream file, per `owner/name@commit`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {key: dict(entry["files"]) for key, entry in data.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FetchError(f"{path}: not a sha256 manifest ({exc})") from None


def download(url: str, target: Path, timeout_s: float) -> Path:
    """Fetch `url` into `target` (via a .part file, so a kill never leaves a half archive)."""
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response, open(part, "wb") as fh:
            total = 0
            while chunk := response.read(1 << 20):
                total += len(chunk)
                if total > MAX_ARCHIVE_BYTES:
                    raise FetchError(f"{url}: larger than {MAX_ARCHIVE_BYTES >> 20} MiB, refused")
                fh.write(chunk)
    except (urllib.error.URLError, OSError) as exc:
        part.unlink(missing_ok=True)
        reason = getattr(exc, "reason", None) or exc
        raise FetchError(f"{url}: download failed ({reason})") from None
    except FetchError:
        part.unlink(missing_ok=True)
        raise
    part.replace(target)
    return target


def read_archive(path: Path) -> dict[str, bytes]:
    """Regular files of a GitHub-style tarball, keyed by their path below the single top folder."""
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue  # folders, and links (never followed, never written)
                parts = PurePosixPath(member.name).parts
                if len(parts) < 2 or member.name.startswith("/") or ".." in parts:
                    raise FetchError(f"{path}: unsafe member {member.name!r}")
                data = tar.extractfile(member)
                files["/".join(parts[1:])] = data.read() if data else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise FetchError(f"{path}: not a readable .tar.gz ({exc})") from None
    return files


def verify(files: dict[str, bytes], pinned: dict[str, str], where: str) -> None:
    """The archive must be exactly the pinned tree: same paths, same sha256 for each file."""
    missing = sorted(set(pinned) - set(files))
    if missing:
        raise FetchError(f"{where}: {len(missing)} pinned files missing from the archive, e.g. {missing[0]}")
    extra = sorted(set(files) - set(pinned))
    if extra:
        raise FetchError(f"{where}: {len(extra)} files not in the pinned tree, e.g. {extra[0]}")
    for name in sorted(pinned):
        digest = hashlib.sha256(files[name]).hexdigest()
        if digest != pinned[name]:
            raise FetchError(f"{where}: {name}: sha256 {digest[:12]}... differs from the pinned {pinned[name][:12]}...")


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)


def layout(source: Source, files: dict[str, bytes]) -> dict[str, bytes]:
    """Upstream path -> bytes into the folder's own layout (the one ../shared/benchmarks has)."""
    out: dict[str, bytes] = {}
    for path, data in files.items():
        if _matches(path, source.keep) and not _matches(path, source.drop):
            out[path] = data
    if source.rtllm:
        designs = {str(PurePosixPath(p).parent) for p in files if PurePosixPath(p).name == "testbench.v"}
        for design in sorted(designs):
            if any(part.startswith("_") for part in PurePosixPath(design).parts):
                continue  # model samples, pictures, the duplicate problem set
            name = PurePosixPath(design).name
            for path, data in files.items():
                rel = PurePosixPath(path).relative_to(design) if path.startswith(design + "/") else None
                if rel is None or rel.name.lower() == "makefile":
                    continue
                target = f"{name}/{rel}"
                if target in out:
                    raise FetchError(f"{source.key}: two designs named {name!r}")
                out[target] = data
        out = {path: data.replace(b"\r\n", b"\n") for path, data in out.items()}
    return out


def _folder_done(target: Path, source: Source) -> bool:
    try:
        return json.loads((target / MARKER).read_text())["commit"] == source.commit
    except (OSError, ValueError, KeyError, TypeError):
        return False


def fetch(config: FetchConfig, on_status: Callable[[str], None] = lambda _msg: None) -> list[Fetched]:
    """Download, verify and lay out each selected folder under config.dest; verified folders are kept."""
    sums = load_sums(config.sums_file)
    dest = Path(config.dest)
    dest.mkdir(parents=True, exist_ok=True)
    results = []
    for source in (s for s in SOURCES if s.folder in config.folders):
        target = dest / source.folder
        if _folder_done(target, source):
            on_status(f"{target}: already fetched at {source.commit[:7]}")
            results.append(Fetched(source.folder, sum(1 for p in target.rglob("*") if p.is_file()) - 1, False))
            continue
        if source.key not in sums:
            raise FetchError(f"{config.sums_file}: no pinned sums for {source.key}")
        url = archive_url(config.base_url, source)
        on_status(f"downloading {url}")
        archive = download(url, dest / ".downloads" / f"{source.repo.replace('/', '-')}-{source.commit}.tar.gz", config.timeout_s)
        files = read_archive(archive)
        try:
            verify(files, sums[source.key], url)
        except FetchError:
            archive.unlink(missing_ok=True)  # a bad download is not kept for the next try
            raise
        laid = layout(source, files)
        staging = dest / f".{source.folder}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        for path, data in laid.items():
            (staging / path).parent.mkdir(parents=True, exist_ok=True)
            (staging / path).write_bytes(data)
        (staging / MARKER).write_text(json.dumps({"repo": source.repo, "commit": source.commit, "url": url}) + "\n")
        if target.exists():
            shutil.rmtree(target)
        staging.replace(target)
        on_status(f"{target}: {len(laid)} files verified against the pinned sha256 sums")
        results.append(Fetched(source.folder, len(laid), True))
    shutil.copyfile(MANIFEST, dest / MANIFEST.name)
    shutil.copyfile(config.sums_file, dest / PINNED_SUMS.name)
    (dest / FIXES.name).mkdir(exist_ok=True)
    for patch in FIXES.iterdir():  # for `codev eval --fixed-testbenches`, which applies them to private copies
        shutil.copyfile(patch, dest / FIXES.name / patch.name)
    return results
