// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers for the built-in seed corpus.
// A 4-bit ripple-carry adder built from one-bit full adders (two modules, one item each).
module full_adder (
    input  wire a,
    input  wire b,
    input  wire ci,
    output wire s,
    output wire co
);
    wire p = a ^ b;
    assign s  = p ^ ci;
    assign co = (a & b) | (p & ci);
endmodule

module ripple_adder4 (
    input  wire [3:0] x,
    input  wire [3:0] y,
    input  wire       c_in,
    output wire [3:0] total,
    output wire       c_out
);
    wire [4:0] carry;
    assign carry[0] = c_in;

    genvar i;
    generate
        for (i = 0; i < 4; i = i + 1) begin : bit_slice
            full_adder fa (.a(x[i]), .b(y[i]), .ci(carry[i]), .s(total[i]), .co(carry[i + 1]));
        end
    endgenerate

    assign c_out = carry[4];
endmodule
