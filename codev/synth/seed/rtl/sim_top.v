// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers: a simulation top with no ports (nothing to check it against).
module sim_top;
    reg clk = 1'b0;
    always #5 clk = ~clk;
endmodule
