"""The ingest stage as a checkpointed step: items are appended as each document is split, then a marker
line per document, so a killed run skips finished documents and never writes an item twice."""
from __future__ import annotations

import time
from typing import Callable, Sequence

from .config import SourceConfig
from .ingest import ModuleIndex, documents, items_of
from .items import Item, item_id
from .progress import progress
from .store import Outcome, StageFile, Timing


def run_ingest(sources: Sequence[SourceConfig], out: StageFile, show_progress: bool = True,
               on_status: Callable[[str], None] = lambda s: None) -> Timing:
    timing = Timing()
    if out.complete:
        return timing
    start = time.monotonic()
    out.path.parent.mkdir(parents=True, exist_ok=True)
    done_docs = {(row["source"], row["doc"]) for row in out.store if "doc" in row}
    done_items = out.done_ids()
    for source in sources:
        index = ModuleIndex(source)
        on_status(f"ingest {source.name}: {len(index.where)} modules indexed")
        with progress(f"ingest {source.name}", None, show_progress) as advance:
            for doc in documents(source):
                if (source.name, doc.key) in done_docs:
                    continue
                items = items_of(doc, source, index)
                if not items:
                    empty = Item(item_id(source.name, doc.key, "", doc.text), doc.text, "", source.name, doc.key,
                                 doc.licence)
                    items_out = [Outcome(empty, False, "no_module", "no module declaration found")]
                else:
                    items_out = [Outcome(item, True) for item in items]
                for outcome in items_out:
                    if outcome.item.id not in done_items:
                        out.append(outcome)
                        done_items.add(outcome.item.id)
                        timing.items += 1
                out.store.append({"source": source.name, "doc": doc.key})
                advance()
    out.mark_complete()
    timing.seconds = time.monotonic() - start
    return timing
