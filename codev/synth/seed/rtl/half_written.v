// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers: a file someone never finished (does not parse).
module half_written (
    input  wire       clk,
    output reg  [3:0] q
);
    always @(posedge clk)
        q <= q + ;
endmodule
