"""Icarus Verilog 12 in one command: build a pinned, checksummed release into codev's cache.

Published VerilogEval v1 verdicts come from Icarus 12, Debian 12 ships 11, and Debian 13's binary does
not run on Debian 12 (newer glibc). So `codev doctor --install iverilog==12` fetches Debian's copy of
the upstream release tarball (GitHub is often unreachable where Debian's archive is not), refuses it
unless its sha256 is the pinned one, builds it into `<cache>/tools/iverilog-<version>/` and writes a
marker last, so a half-finished build is never used. `codev eval` then finds it without flags
(tools.default_icarus).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from testbench_gen.containment.sandbox import cache_dir  # the one codev cache: sandboxed simulations may read it

MARKER = ".codev-installed.json"
BUILD_TOOLS = ("gperf", "flex", "bison", "autoconf", "g++", "make")


class InstallError(Exception):
    """The source could not be fetched, is not the pinned release, or did not build."""


@dataclass(frozen=True)
class IcarusRelease:
    version: str  # "12.0"
    tarball: str  # file name of the release source
    sha256: str
    size: int
    top_dir: str  # the folder the tarball unpacks to
    urls: tuple[str, ...]  # tried in order
    origin: str  # where the pin comes from (said in the marker and by doctor)


RELEASES: dict[str, IcarusRelease] = {
    "12": IcarusRelease(
        version="12.0",
        tarball="iverilog_12.0.orig.tar.gz",
        # Debian source package iverilog 12.0-2 (trixie), Checksums-Sha256 of its .dsc = the upstream v12_0 tag
        sha256="a68cb1ef7c017ef090ebedb2bc3e39ef90ecc70a3400afb4aa94303bc3beaa7d",
        size=2995096,
        top_dir="iverilog-12_0",
        urls=(
            "http://deb.debian.org/debian/pool/main/i/iverilog/iverilog_12.0.orig.tar.gz",
            "https://github.com/steveicarus/iverilog/archive/refs/tags/v12_0.tar.gz",
        ),
        origin="Debian source package iverilog 12.0-2 (orig tarball of upstream tag v12_0)",
    ),
}


def prefix_for(release: IcarusRelease) -> Path:
    return cache_dir() / "tools" / f"iverilog-{release.version}"


def parse_spec(spec: str) -> IcarusRelease:
    """`iverilog==12` (or `iverilog==12.0`) -> the pinned release; anything else is a usage error."""
    name, _, version = spec.partition("==")
    if name.strip() != "iverilog" or not version.strip():
        raise InstallError(f"--install {spec!r}: expected iverilog==12")
    major = version.strip().split(".")[0]
    release = RELEASES.get(major)
    if release is None or version.strip() not in (major, release.version):
        raise InstallError(f"--install {spec!r}: codev pins iverilog {', '.join(r.version for r in RELEASES.values())}")
    return release


def installed_iverilog(release: IcarusRelease) -> Path | None:
    """The cached build's iverilog when its install finished (marker written last), else None."""
    prefix = prefix_for(release)
    binary = prefix / "bin" / "iverilog"
    if (prefix / MARKER).is_file() and binary.is_file() and (prefix / "bin" / "vvp").is_file():
        return binary
    return None


def newest_installed() -> Path | None:
    for major in sorted(RELEASES, key=int, reverse=True):
        found = installed_iverilog(RELEASES[major])
        if found is not None:
            return found
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_tarball(path: Path, release: IcarusRelease) -> None:
    """Refuse anything but the pinned release source (a corrupted or substituted file is never built)."""
    if not path.is_file():
        raise InstallError(f"{path}: no such file")
    got = sha256_of(path)
    if got != release.sha256:
        raise InstallError(
            f"{path}: sha256 {got} is not the pinned {release.sha256} of {release.tarball} "
            f"({path.stat().st_size} bytes, expected {release.size}); refusing to build it"
        )


def download(release: IcarusRelease, dest: Path, timeout_s: float = 120.0) -> Path:
    """The release tarball in `dest`, from the first URL that answers, verified."""
    target = dest / release.tarball
    errors = []
    for url in release.urls:
        try:
            with urllib.request.urlopen(url, timeout=timeout_s) as resp, open(target, "wb") as fh:
                shutil.copyfileobj(resp, fh)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            errors.append(f"{url}: {getattr(exc, 'reason', exc)}")
            continue
        try:
            verify_tarball(target, release)
        except InstallError as exc:
            errors.append(f"{url}: {exc}")
            continue
        return target
    raise InstallError("could not fetch the pinned Icarus source: " + "; ".join(errors)
                       + " (download it elsewhere and pass --from FILE)")


def missing_build_tools() -> list[str]:
    return [tool for tool in BUILD_TOOLS if shutil.which(tool) is None]


def _run(argv: list[str], cwd: Path, log: Path) -> None:
    with open(log, "a") as fh:
        fh.write(f"$ {' '.join(argv)}\n")
        fh.flush()
        proc = subprocess.run(argv, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise InstallError(f"`{' '.join(argv)}` failed (exit {proc.returncode}); see {log}")


def install(
    release: IcarusRelease,
    source: Path | None = None,
    jobs: int = 2,
    on_status: Callable[[str], None] = lambda _msg: None,
) -> Path:
    """Build `release` into the cache; returns its iverilog. Already installed: returns it at once."""
    done = installed_iverilog(release)
    if done is not None:
        on_status(f"iverilog {release.version} already installed: {done}")
        return done
    if source is not None:
        verify_tarball(source, release)  # before anything is written
    prefix = prefix_for(release)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    log = prefix.parent / f"iverilog-{release.version}-build.log"
    log.write_text("")
    with tempfile.TemporaryDirectory(prefix="codev-iverilog-", dir=prefix.parent) as tmp:
        work = Path(tmp)
        if source is not None:
            tarball = source
        else:
            on_status(f"downloading {release.tarball}")
            tarball = download(release, work)
        on_status(f"sha256 ok ({release.sha256[:12]}...): {release.origin}")
        missing = missing_build_tools()
        if missing:
            raise InstallError(f"missing build tools: {', '.join(missing)} (apt-get install {' '.join(BUILD_TOOLS)})")
        with tarfile.open(tarball) as tar:
            tar.extractall(work, filter="data")
        src = work / release.top_dir
        if not src.is_dir():
            raise InstallError(f"{tarball}: no {release.top_dir}/ inside")
        if prefix.exists():
            shutil.rmtree(prefix)  # a build that never finished (no marker)
        on_status(f"building into {prefix} (about 12 minutes on 2 busy cores; log: {log})")
        _run(["sh", "autoconf.sh"], src, log)
        _run(["./configure", f"--prefix={prefix}"], src, log)
        _run(["make", f"-j{max(1, jobs)}"], src, log)
        _run(["make", "install"], src, log)
    binary = prefix / "bin" / "iverilog"
    banner = subprocess.run([str(binary), "-V"], capture_output=True, text=True).stdout.splitlines()[:1]
    if not banner or f"version {release.version.split('.')[0]}." not in banner[0]:
        raise InstallError(f"{binary}: built, but `iverilog -V` says {banner[0] if banner else 'nothing'}")
    (prefix / MARKER).write_text(json.dumps({**asdict(release), "banner": banner[0]}, indent=1) + "\n")
    on_status(f"installed {banner[0]}: {binary}")
    return binary
