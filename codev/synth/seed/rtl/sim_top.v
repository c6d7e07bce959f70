// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers: a top with no ports (nothing to check it against).
module sim_top;
    wire [3:0] a = 4'd3;
    wire [3:0] b;
    assign b = a + 4'd1;
endmodule
