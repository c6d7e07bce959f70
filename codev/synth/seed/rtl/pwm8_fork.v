// SPDX-License-Identifier: Apache-2.0
// Written by the codev developers: a fork of pwm8 under a new name (a near duplicate).
module pwm8_fork (
    input  wire       clk,
    input  wire       rst_n,
    input  wire [7:0] duty,
    output reg        pwm_out
);
    reg [7:0] cnt;

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            cnt     <= 8'd0;
            pwm_out <= 1'b0;
        end else begin
            cnt     <= cnt + 8'd1;
            pwm_out <= (cnt < duty);
        end
    end
endmodule
