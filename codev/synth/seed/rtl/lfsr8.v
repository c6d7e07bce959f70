// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers for the built-in seed corpus.
// 8-bit Fibonacci LFSR (taps 8,6,5,4), seeded with 1 on reset, shifting when enabled.
module lfsr8 (
    input  wire       clk,
    input  wire       rst,
    input  wire       en,
    output reg  [7:0] q
);
    wire feedback = q[7] ^ q[5] ^ q[4] ^ q[3];

    always @(posedge clk) begin
        if (rst)
            q <= 8'h01;
        else if (en)
            q <= {q[6:0], feedback};
    end
endmodule
