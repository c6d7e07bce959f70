"""codev.jsonl.JsonlLog: the one crash-safe run-file writer (eval, synth, train), and its rule for a torn last line."""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path

from codev.jsonl import JsonlLog

REPO = Path(__file__).resolve().parents[1]


def test_records_and_offsets(tmp_path):
    log = JsonlLog(tmp_path / "sub" / "run.jsonl")
    assert list(log) == [] and not log.exists()
    first, second = log.append({"a": 1}), log.append({"b": "ü"})
    assert (first, list(log)) == (0, [{"a": 1}, {"b": "ü"}])
    assert log.read_at(second) == {"b": "ü"} and [o for o, _ in log.rows_at()] == [first, second]


def test_a_torn_last_line_is_cut_and_the_next_record_starts_on_its_own_line(tmp_path):
    path = tmp_path / "run.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2, "c"')  # a kill mid-write
    log = JsonlLog(path)
    assert list(log) == [{"a": 1}]
    offset = log.append({"d": 4})
    assert offset == len(b'{"a": 1}\n') and list(log) == [{"a": 1}, {"d": 4}]
    assert path.read_bytes() == b'{"a": 1}\n{"d": 4}\n'


def test_a_whole_record_without_its_newline_counts_and_is_kept(tmp_path):
    path = tmp_path / "run.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}')  # killed between the record and its newline
    log = JsonlLog(path)
    assert list(log) == [{"a": 1}, {"b": 2}]
    log.append({"c": 3})
    assert list(log) == [{"a": 1}, {"b": 2}, {"c": 3}]


def test_garbled_lines_from_older_writers_are_skipped(tmp_path):
    path = tmp_path / "run.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": \n[1, 2]\n\n{"c": 3}\n')
    assert list(JsonlLog(path)) == [{"a": 1}, {"c": 3}]


def test_a_torn_line_longer_than_the_read_window_is_cut_whole(tmp_path):
    path = tmp_path / "run.jsonl"
    path.write_bytes(b'{"a": 1}\n{"big": "' + b"x" * 200_000)
    log = JsonlLog(path, fsync=True)
    log.append({"b": 2})
    assert path.read_bytes() == b'{"a": 1}\n{"b": 2}\n'


def test_threads_append_whole_lines(tmp_path):
    log = JsonlLog(tmp_path / "run.jsonl")
    workers = [threading.Thread(target=lambda t=t: [log.append({"t": t, "i": i}) for i in range(200)])
               for t in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    rows = list(log)
    assert len(rows) == 800 and len({(r["t"], r["i"]) for r in rows}) == 800


def test_rewrite_is_atomic_and_replaces_the_records(tmp_path):
    log = JsonlLog(tmp_path / "run.jsonl")
    log.append({"a": 1})
    assert log.rewrite(iter([{"b": 2}, {"c": 3}])) == 2
    assert list(log) == [{"b": 2}, {"c": 3}] and not (tmp_path / "run.jsonl.tmp").exists()
    assert json.loads((tmp_path / "run.jsonl").read_text().splitlines()[0]) == {"b": 2}


def test_no_other_run_file_writer():
    """eval, synth and train append their run files through JsonlLog only (the grep that keeps it so)."""
    appends = re.compile(r"""open\([^)]*["']ab?["']""")
    writers = {path.relative_to(REPO).as_posix() for path in (REPO / "codev").rglob("*.py")
               if "jsonl" in (text := path.read_text(encoding="utf-8")) and appends.search(text)}
    assert writers == {"codev/jsonl.py"}, "append run files with codev.jsonl.JsonlLog"
