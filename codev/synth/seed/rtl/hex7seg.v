// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers for the built-in seed corpus.
// Hexadecimal digit to active-low seven-segment pattern {g,f,e,d,c,b,a}.
module hex7seg (
    input  wire [3:0] digit,
    output reg  [6:0] seg_n
);
    always @(*) begin
        case (digit)
            4'h0: seg_n = 7'b1000000;
            4'h1: seg_n = 7'b1111001;
            4'h2: seg_n = 7'b0100100;
            4'h3: seg_n = 7'b0110000;
            4'h4: seg_n = 7'b0011001;
            4'h5: seg_n = 7'b0010010;
            4'h6: seg_n = 7'b0000010;
            4'h7: seg_n = 7'b1111000;
            4'h8: seg_n = 7'b0000000;
            4'h9: seg_n = 7'b0010000;
            4'ha: seg_n = 7'b0001000;
            4'hb: seg_n = 7'b0000011;
            4'hc: seg_n = 7'b1000110;
            4'hd: seg_n = 7'b0100001;
            4'he: seg_n = 7'b0000110;
            default: seg_n = 7'b0001110;
        endcase
    end
endmodule
