// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers for the built-in seed corpus.
// One-cycle pulses on the rising and falling edges of a synchronous input.
module edge_detect (
    input  wire clk,
    input  wire rst,
    input  wire sig,
    output wire rise,
    output wire fall
);
    reg prev;

    always @(posedge clk) begin
        if (rst)
            prev <= 1'b0;
        else
            prev <= sig;
    end

    assign rise = sig & ~prev;
    assign fall = ~sig & prev;
endmodule
