// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers for the built-in seed corpus.
// 4-bit Gray-code counter with synchronous reset and count enable.
module gray_counter (
    input  wire       clk,
    input  wire       rst,
    input  wire       en,
    output wire [3:0] gray
);
    reg [3:0] bin;

    always @(posedge clk) begin
        if (rst)
            bin <= 4'd0;
        else if (en)
            bin <= bin + 4'd1;
    end

    assign gray = bin ^ (bin >> 1);
endmodule
