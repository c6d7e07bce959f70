"""`codev bench fetch` against a local HTTP server (127.0.0.1) serving upstream-style archives built from
../shared/benchmarks: the real GitHub URLs cannot be reached from the test machines."""
from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import tarfile
import threading
from pathlib import Path

import pytest

from codev.eval.fetch import PINNED_SUMS, SOURCES

CODEV_ADDITIONS = ("verilogeval_v2/codev_0shot_prompts/", "/prompt.txt")  # CodeV-R1's files, not upstream


def _shared_files(bench_root: Path, folder: str) -> dict[str, bytes]:
    root = bench_root / folder
    files = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return {k: v for k, v in files.items() if not any(a in f"{folder}/{k}" for a in CODEV_ADDITIONS)}


def _upstream_tree(bench_root: Path, source, pinned: dict[str, str]) -> dict[str, bytes]:
    """The shared copy put back at its upstream paths, with upstream's extras (makefiles, samples, CRLF)."""
    tree = {}
    for rel, data in _shared_files(bench_root, source.folder).items():
        candidates = [p for p in pinned if p == rel or p.endswith("/" + rel)]
        path = candidates[0] if candidates else rel
        tree[path] = data.replace(b"\n", b"\r\n") if source.rtllm and rel.startswith("accu/") else data
    if source.rtllm:
        design = next(p for p in tree if p.endswith("accu/testbench.v"))[: -len("testbench.v")]
        tree[design + "makefile"] = b"vcs:\n\tvcs -sverilog testbench.v\n"
        tree["_chatgpt4/t1/accu.v"] = b"module accu(); endmodule\n"
    return tree


def _tarball(tree: dict[str, bytes], top: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:
        for path, data in sorted(tree.items()):
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture(scope="module")
def mirror(bench_root, tmp_path_factory):
    """Archives at {base}/{owner}/{name}/archive/{commit}.tar.gz and the sums file that pins them."""
    real = json.loads(PINNED_SUMS.read_text())
    root = tmp_path_factory.mktemp("mirror")
    sums, trees = {}, {}
    for source in SOURCES:
        tree = _upstream_tree(bench_root, source, real[source.key]["files"])
        trees[source.folder] = tree
        sums[source.key] = {"repo": source.repo, "commit": source.commit, "what": "test mirror",
                            "files": {p: hashlib.sha256(d).hexdigest() for p, d in tree.items()}}
        archive = root / "www" / source.repo / "archive" / f"{source.commit}.tar.gz"
        archive.parent.mkdir(parents=True, exist_ok=True)
        archive.write_bytes(_tarball(tree, f"{source.repo.split('/')[1]}-{source.commit}"))
    (root / "sums.json").write_text(json.dumps(sums))
    return root, trees


@pytest.fixture
def server(mirror):
    root, _ = mirror
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root / "www")))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """Never the real ~/.config: the config file goes to a temp folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.delenv("CODEV_BENCH_ROOT", raising=False)
    return tmp_path / "home"


def test_fetch_lays_out_like_the_shared_copy_and_records_it(bench_root, mirror, server, home, run_cli, tmp_path, iverilog_major):
    root, _ = mirror
    url, requests = server
    dest = tmp_path / "bench"
    status, out, err = run_cli("bench", "fetch", "--dest", dest, "--base-url", url, "--sha256-file", root / "sums.json")
    assert status == 0, err
    assert len(requests) == 4 and "recorded bench_root" in out
    for source in SOURCES:
        want = _shared_files(bench_root, source.folder)
        got = {str(p.relative_to(dest / source.folder)): p.read_bytes()
               for p in (dest / source.folder).rglob("*") if p.is_file() and p.name != ".codev-fetched.json"}
        assert got.keys() == want.keys(), source.folder
        assert all(got[k] == want[k] for k in want), source.folder  # CRLF undone, nothing else changed
    assert (dest / "MANIFEST.md").is_file()
    shared_fixes = {p.name: p.read_bytes() for p in (bench_root / "fixes").iterdir()}
    assert {p.name: p.read_bytes() for p in (dest / "fixes").iterdir()} == shared_fixes  # copied, not applied
    config = (home / ".config" / "codev" / "config.yaml").read_text()
    assert f"bench_root: {dest.resolve()}" in config
    # codev eval finds the fetched copy through the config, with no --bench-root
    status, _, err = run_cli("eval", "--references", "--bench", "rtllm-v2", "--problems", "accu",
                             "--out", tmp_path / "run", "--no-progress")
    assert status == 0, err
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["benchmarks"]["rtllm-v2"]["pass@1"] == 1.0
    # the racy radix2_div reference fails as fetched; the opt-in fix (copied with the data) makes it pass
    status, _, err = run_cli("eval", "--references", "--bench", "rtllm-v2", "--problems", "radix2_div",
                             "--fixed-testbenches", "--out", tmp_path / "fixed", "--no-progress", "--k", "1")
    summary = json.loads((tmp_path / "fixed" / "summary.json").read_text())["benchmarks"]["rtllm-v2"]
    assert status == 0 and summary["pass@1"] == 0.0 and summary["fixed_testbenches"]["pass@1"] == 1.0
    # a second fetch keeps the verified folders and downloads nothing
    status, out, _ = run_cli("bench", "fetch", "--dest", dest, "--base-url", url, "--sha256-file", root / "sums.json")
    assert status == 0 and len(requests) == 4 and out.count("already there") == 4


def test_tampered_archive_is_refused_and_nothing_is_laid_out(mirror, server, home, run_cli, tmp_path):
    root, trees = mirror
    url, _ = server
    sums = json.loads((root / "sums.json").read_text())
    source = next(s for s in SOURCES if s.folder == "rtllm_v2")
    tampered = next(p for p in trees["rtllm_v2"] if p.endswith("accu/testbench.v"))
    sums[source.key]["files"][tampered] = "0" * 64  # the archive no longer matches what is pinned
    (tmp_path / "sums.json").write_text(json.dumps(sums))
    dest = tmp_path / "bench"
    status, _, err = run_cli("bench", "fetch", "--dest", dest, "--base-url", url, "--sha256-file", tmp_path / "sums.json",
                             "--only", "rtllm_v2")
    assert status == 1
    assert err.strip().splitlines()[-1].startswith(f"codev bench fetch: error: {url}/hkust-zhiyao/RTLLM/archive/")
    assert f"{tampered}: sha256" in err and "differs from the pinned 000000000000" in err
    assert not (dest / "rtllm_v2").exists() and not list((dest / ".downloads").glob("*.tar.gz"))
    assert not (home / ".config" / "codev" / "config.yaml").exists()


def test_fetch_usage_and_network_errors(server, home, run_cli, tmp_path):
    url, _ = server
    status, _, err = run_cli("bench", "fetch", "--dest", tmp_path / "b", "--only", "verilogeval_v3")
    assert status == 2 and "--only: unknown folder verilogeval_v3" in err
    status, _, err = run_cli("bench", "fetch", "--dest", tmp_path / "b", "--base-url", url + "/nothing-here",
                             "--only", "verilogeval_v1")
    assert status == 1 and "download failed" in err and "Traceback" not in err


def test_hostile_archive_members_are_refused_or_ignored(tmp_path):
    from codev.eval.fetch import FetchError, read_archive

    def archive(*members):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            for info, data in members:
                tar.addfile(info, io.BytesIO(data) if data is not None else None)
        path = tmp_path / f"a{len(list(tmp_path.iterdir()))}.tar.gz"
        path.write_bytes(buf.getvalue())
        return path

    def file(name, data=b"x"):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        return info, data

    link = tarfile.TarInfo("top/LICENSE")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    assert read_archive(archive(file("top/README.md"), (link, None))) == {"README.md": b"x"}  # links never read
    with pytest.raises(FetchError, match="unsafe member 'top/../../evil'"):
        read_archive(archive(file("top/../../evil")))
    (tmp_path / "junk.tar.gz").write_bytes(b"not gzip")
    with pytest.raises(FetchError, match="junk.tar.gz: not a readable .tar.gz"):
        read_archive(tmp_path / "junk.tar.gz")
