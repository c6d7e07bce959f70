"""Ingest: module splitting with submodules, normalisation, provenance and licences, every source kind."""
from __future__ import annotations

import json

import pytest

from codev.synth.config import SourceConfig
from codev.synth.ingest import ModuleIndex, documents, items_of, normalise, split_modules

TWO = """// SPDX-License-Identifier: MIT\r
module top(input a, input b, output y);   \r
  leaf u0 (.i(a), .o(y));\r
\r
\r
\r
  other u1 (.i(b));\r
endmodule\r
module leaf(input i, output o); assign o = ~i; endmodule
"""


def ingest(source: SourceConfig):
    index = ModuleIndex(source)
    return [item for doc in documents(source) for item in items_of(doc, source, index)]


def test_split_keeps_submodules_and_normalises(tmp_path):
    (tmp_path / "a.v").write_text(TWO)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.sv").write_text("module other(input i); endmodule\n")
    (tmp_path / "LICENSE").write_text("\nISC License\n\nCopyright ...\n")
    items = {i.top: i for i in ingest(SourceConfig(kind="folder", path=str(tmp_path), name="corp"))}
    assert set(items) == {"top", "leaf", "other"}
    top = items["top"]
    # the submodule from the same file and the one from another file travel with the top
    assert [m.name for m in split_modules(top.code)] == ["top", "leaf", "other"]
    assert "\r" not in top.code and "   \n" not in top.code and "\n\n\n" not in top.code
    assert (top.source, top.path, top.licence) == ("corp", "a.v", "MIT")
    assert items["other"].licence == "ISC License"  # from the LICENSE file above it
    assert len({i.id for i in items.values()}) == 3


def test_normalise_is_idempotent():
    once = normalise(TWO)
    assert normalise(once) == once and once.endswith("endmodule\n")


def test_jsonl_parquet_and_hf_dataset_with_column_mapping(tmp_path):
    import datasets

    rows = [{"text": "module m%d(input a, output y); assign y = a; endmodule" % i, "repo": f"r{i}", "lic": "BSD-3-Clause"}
            for i in range(3)]
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    cols = {"code": "text", "path": "repo", "licence": "lic"}
    got = ingest(SourceConfig(kind="jsonl", path=str(tmp_path / "d.jsonl"), name="j", columns=cols, limit=2))
    assert [(i.top, i.path, i.licence) for i in got] == [("m0", "r0#0", "BSD-3-Clause"), ("m1", "r1#1", "BSD-3-Clause")]

    data = datasets.Dataset.from_list(rows)
    data.to_parquet(str(tmp_path / "d.parquet"))
    got = ingest(SourceConfig(kind="parquet", path=str(tmp_path / "d.parquet"), name="p", columns=cols))
    assert [i.top for i in got] == ["m0", "m1", "m2"]

    data.save_to_disk(str(tmp_path / "saved"))  # a dataset folder, as `datasets` writes it
    got = ingest(SourceConfig(kind="hf", path=str(tmp_path / "saved"), name="h", columns=cols))
    assert [i.top for i in got] == ["m0", "m1", "m2"]
    datasets.DatasetDict({"train": data, "test": data.select([0])}).save_to_disk(str(tmp_path / "dict"))
    got = ingest(SourceConfig(kind="hf", path=str(tmp_path / "dict"), name="d", columns=cols, split="test"))
    assert [i.top for i in got] == ["m0"]
    (tmp_path / "repo").mkdir()  # a dataset repository layout (data files), loaded by load_dataset
    (tmp_path / "repo" / "train.jsonl").write_text((tmp_path / "d.jsonl").read_text())
    got = ingest(SourceConfig(kind="hf", path=str(tmp_path / "repo"), name="h2", columns=cols))
    assert [i.top for i in got] == ["m0", "m1", "m2"]


def test_missing_column_and_source_are_one_line_errors(tmp_path, synth_cli):
    (tmp_path / "d.jsonl").write_text(json.dumps({"content": "module m; endmodule"}) + "\n")
    status, _, err = synth_cli("ingest", "--source", tmp_path / "d.jsonl", "--kind", "jsonl", "--out", tmp_path / "o")
    assert status == 2 and "no text column 'code'" in err and "d.jsonl" in err and "Traceback" not in err
    status, _, err = synth_cli("ingest", "--source", tmp_path / "nope", "--out", tmp_path / "o2")
    assert status == 2 and "nope: source folder not found" in err


def test_real_cpu_corpus_splits_into_modules_with_submodules():
    serv = pytest.importorskip("pythondata_cpu_serv", reason="pip install pythondata-cpu-serv (real corpus test)")
    root = serv.data_location if hasattr(serv, "data_location") else None
    from pathlib import Path

    root = Path(root or Path(serv.__file__).parent / "verilog")
    items = {i.top: i for i in ingest(SourceConfig(kind="folder", path=str(root), name="serv"))}
    assert len(items) >= 50
    top = items["serv_top"]
    names = [m.name for m in split_modules(top.code)]
    assert names[0] == "serv_top" and {"serv_state", "serv_decode", "serv_alu"} <= set(names)
    assert top.licence == "ISC License"
