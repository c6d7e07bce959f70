// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers: board glue that needs a vendor primitive (does not compile alone).
module clock_divider_board (
    input  wire clk_in,
    output wire clk_out
);
    vendor_pll pll (.CLKI(clk_in), .CLKO(clk_out));
endmodule
