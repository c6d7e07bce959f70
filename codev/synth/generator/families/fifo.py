"""Synchronous FIFOs: any depth (not only powers of two), full/empty flags, optional occupancy count
and almost-full threshold.

Golden: a memory with wrapping read and write pointers and a counter. Second rendering: a shift
queue whose head is always entry 0 (a read shifts every entry down), sized by its fill level.
"""
from __future__ import annotations

import random
from typing import Any

from ..design import Design, PortDoc, ResetStyle, clog2, module

WIDTHS = {1: [4], 2: [8], 3: [8], 4: [8, 16], 5: [16, 32]}
DEPTHS = {1: [2], 2: [4], 3: [3, 5, 8], 4: [4, 6, 12, 16], 5: [5, 7, 10, 16]}


class Fifo:
    name = "fifo"
    combinational = False

    def sample(self, rng: random.Random, level: int) -> dict[str, Any]:
        params = {"width": rng.choice(WIDTHS[level]), "depth": rng.choice(DEPTHS[level]),
                  "count": level >= 3 and rng.random() < 0.5, **ResetStyle.sample(rng, level).as_params()}
        depth = params["depth"]
        params["almost_full"] = rng.randint(1, depth - 1) if level >= 4 and depth > 2 and rng.random() < 0.6 else 0
        return params

    def build(self, params: dict[str, Any], level: int) -> Design:
        w, d, with_count, almost = params["width"], params["depth"], params["count"], params["almost_full"]
        reset = ResetStyle.from_params(params)
        cw, pw = clog2(d + 1), clog2(d)
        top = f"fifo_{d}x{w}"
        ports = reset.ports() + [
            PortDoc("wr_en", "input", 1, "write request"), PortDoc("din", "input", w, "data to write"),
            PortDoc("rd_en", "input", 1, "read request"),
            PortDoc("dout", "output", w, "the oldest entry (show-ahead), 0 when the FIFO is empty"),
            PortDoc("full", "output", 1, f"1 when the FIFO holds {d} entries"),
            PortDoc("empty", "output", 1, "1 when the FIFO holds no entry")]
        if with_count:
            ports.append(PortDoc("count", "output", cw, "number of entries held"))
        if almost:
            ports.append(PortDoc("almost_full", "output", 1, f"1 when the FIFO holds {almost} or more entries"))
        behaviour = [f"The FIFO holds up to {d} entries of {w} bits, first in, first out.",
                     "At a rising edge, a write (`wr_en` = 1) stores `din` unless the FIFO is full, and a read "
                     "(`rd_en` = 1) removes the oldest entry unless the FIFO is empty; full and empty are judged "
                     "before the edge, so a write to a full FIFO is ignored even when a read happens at the same "
                     "edge, and a read of an empty FIFO is ignored even when a write happens at the same edge.",
                     "`dout` always shows the oldest entry without needing a read (show-ahead); it is 0 when "
                     "the FIFO is empty.",
                     "Reset empties the FIFO."]
        flags = "    assign full = (used == {0}'d{1});\n    assign empty = (used == {0}'d0);\n".format(cw, d)
        flags += "    assign count = used;\n" if with_count else ""
        flags += f"    assign almost_full = (used >= {cw}'d{almost});\n" if almost else ""
        golden = (f"    reg [{w - 1}:0] mem [0:{d - 1}];\n    reg [{pw - 1}:0] wp, rp;\n    reg [{cw - 1}:0] used;\n"
                  "    wire do_wr = wr_en && !full;\n    wire do_rd = rd_en && !empty;\n"
                  + reset.process(f"wp <= {pw}'d0;\nrp <= {pw}'d0;\nused <= {cw}'d0;",
                                  f"if (do_wr) begin\n    mem[wp] <= din;\n    wp <= (wp == {pw}'d{d - 1}) ? {pw}'d0 : wp + 1'b1;\nend\n"
                                  f"if (do_rd) rp <= (rp == {pw}'d{d - 1}) ? {pw}'d0 : rp + 1'b1;\n"
                                  "used <= used + do_wr - do_rd;")
                  + flags + f"    assign dout = empty ? {w}'d0 : mem[rp];\n")
        alt_flags = "    assign full = (level == {0}'d{1});\n    assign empty = ~|level;\n".format(cw, d)
        alt_flags += "    assign count = level;\n" if with_count else ""
        alt_flags += f"    assign almost_full = (level > {cw}'d{almost - 1});\n" if almost else ""
        alternate = (f"    reg [{w - 1}:0] slot [0:{d - 1}];\n    reg [{cw - 1}:0] level;\n    integer i;\n"
                     f"    wire take = rd_en && (level != {cw}'d0);\n    wire put = wr_en && (level != {cw}'d{d});\n"
                     + reset.process(f"level <= {cw}'d0;",
                                     f"if (take) for (i = 0; i < {d - 1}; i = i + 1) slot[i] <= slot[i + 1];\n"
                                     "if (put) slot[take ? level - 1'b1 : level] <= din;\n"
                                     "if (put && !take) level <= level + 1'b1;\n"
                                     "else if (take && !put) level <= level - 1'b1;")
                     + alt_flags + f"    assign dout = (level == {cw}'d0) ? {w}'d0 : slot[0];\n")
        plan = [f"Store entries in a {d}-entry memory with a write pointer, a read pointer and an entry counter.",
                f"Pointers wrap from {d - 1} to 0 explicitly, so the depth need not be a power of two.",
                "Accept a write only when not full and a read only when not empty (both judged before the edge); "
                "the counter adds the write and subtracts the read.",
                "`dout` reads the memory at the read pointer, forced to 0 when empty; full and empty compare the counter"
                + (f", and almost_full compares it with {almost}." if almost else ".")]
        return Design(self.name, level, dict(params), top, tuple(ports),
                      f"implements a synchronous FIFO of {d} entries of {w} bits.", tuple(behaviour),
                      module(top, ports, golden), module(top, ports, alternate), tuple(plan), False, reset)
