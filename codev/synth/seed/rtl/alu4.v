// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers for the built-in seed corpus.
// 4-bit ALU: add, subtract, and, or; a zero flag.
module alu4 (
    input  wire [3:0] a,
    input  wire [3:0] b,
    input  wire [1:0] op,
    output reg  [3:0] y,
    output wire       zero
);
    always @(*) begin
        case (op)
            2'b00:   y = a + b;
            2'b01:   y = a - b;
            2'b10:   y = a & b;
            default: y = a | b;
        endcase
    end

    assign zero = (y == 4'd0);
endmodule
