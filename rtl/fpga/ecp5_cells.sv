// Lattice ECP5 cells that the RTL instantiates itself in ECP5 synthesis only: scripts/synth.sh
// reads this file and defines LUOSHU_ECP5 when it maps to ECP5 (scripts/fpga.sh). Simulation,
// lint and the generic synthesis gates never see it; they use the plain RTL beside each
// `ifdef LUOSHU_ECP5, which has the same cycles.

// MULT18X18D as a black box with the ports and parameters used here: synth_ecp5 replaces it
// with its own cell library's definition and keeps the parameters.
// A black box: its ports are for synthesis to connect, so lint sees them unused.
// verilator lint_off UNUSEDSIGNAL
// verilator lint_off UNDRIVEN
// verilator lint_off UNUSEDPARAM
(* blackbox *)
module MULT18X18D #(
  parameter string REG_INPUTA_CLK = "NONE",
  parameter string REG_INPUTA_CE  = "CE0",
  parameter string REG_INPUTA_RST = "RST0",
  parameter string REG_INPUTB_CLK = "NONE",
  parameter string REG_INPUTB_CE  = "CE0",
  parameter string REG_INPUTB_RST = "RST0",
  parameter string REG_OUTPUT_CLK = "NONE",
  parameter string REG_OUTPUT_CE  = "CE0",
  parameter string REG_OUTPUT_RST = "RST0"
) (
  input logic A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15, A16, A17, B0,
    B1, B2, B3, B4, B5, B6, B7, B8, B9, B10, B11, B12, B13, B14, B15, B16, B17, SIGNEDA, SIGNEDB,
    SOURCEA, SOURCEB, CLK0, CE0, RST0,
  output logic P0, P1, P2, P3, P4, P5, P6, P7, P8, P9, P10, P11, P12, P13, P14, P15, P16, P17,
    P18, P19, P20, P21, P22, P23, P24, P25, P26, P27, P28, P29, P30, P31, P32, P33, P34, P35
);
endmodule
// verilator lint_on UNUSEDSIGNAL
// verilator lint_on UNDRIVEN
// verilator lint_on UNUSEDPARAM

// A signed W x W multiply on one MULT18X18D with its input and output registers on (CLK0,
// CE0 = en_i): p is the product of the a and b of two enabled edges before. InRegs = 0 leaves
// the input registers off: p is the product of a and b at the last enabled edge. Yosys and
// nextpnr-ecp5 leave a DSP's registers off and never move flip-flops into them, so a design
// that wants them instantiates the cell.
module ecp5_mul_regs #(
  parameter int W = 8,
  parameter bit InRegs = 1
) (
  input  logic                  clk_i,
  input  logic                  en_i,
  input  logic signed [W-1:0]   a_i,
  input  logic signed [W-1:0]   b_i,
  output logic signed [2*W-1:0] p_o
);
  if (W < 1 || W > 18) begin : g_bad_width
    $error("ecp5_mul_regs: W must be in 1..18 (got %0d)", W);
  end
  logic [17:0] a, b;
  logic [35:0] p;
  assign a = 18'(a_i);  // sign-extended: the cell multiplies signed 18-bit operands
  assign b = 18'(b_i);
  MULT18X18D #(
    .REG_INPUTA_CLK(InRegs ? "CLK0" : "NONE"), .REG_INPUTB_CLK(InRegs ? "CLK0" : "NONE"),
    .REG_OUTPUT_CLK("CLK0")
  ) u_mult (
    .A0(a[0]), .A1(a[1]), .A2(a[2]), .A3(a[3]), .A4(a[4]), .A5(a[5]), .A6(a[6]), .A7(a[7]),
    .A8(a[8]), .A9(a[9]), .A10(a[10]), .A11(a[11]), .A12(a[12]), .A13(a[13]), .A14(a[14]),
    .A15(a[15]), .A16(a[16]), .A17(a[17]),
    .B0(b[0]), .B1(b[1]), .B2(b[2]), .B3(b[3]), .B4(b[4]), .B5(b[5]), .B6(b[6]), .B7(b[7]),
    .B8(b[8]), .B9(b[9]), .B10(b[10]), .B11(b[11]), .B12(b[12]), .B13(b[13]), .B14(b[14]),
    .B15(b[15]), .B16(b[16]), .B17(b[17]),
    .SIGNEDA(1'b1), .SIGNEDB(1'b1), .SOURCEA(1'b0), .SOURCEB(1'b0),
    .CLK0(clk_i), .CE0(en_i), .RST0(1'b0),
    .P0(p[0]), .P1(p[1]), .P2(p[2]), .P3(p[3]), .P4(p[4]), .P5(p[5]), .P6(p[6]), .P7(p[7]),
    .P8(p[8]), .P9(p[9]), .P10(p[10]), .P11(p[11]), .P12(p[12]), .P13(p[13]), .P14(p[14]),
    .P15(p[15]), .P16(p[16]), .P17(p[17]), .P18(p[18]), .P19(p[19]), .P20(p[20]), .P21(p[21]),
    .P22(p[22]), .P23(p[23]), .P24(p[24]), .P25(p[25]), .P26(p[26]), .P27(p[27]), .P28(p[28]),
    .P29(p[29]), .P30(p[30]), .P31(p[31]), .P32(p[32]), .P33(p[33]), .P34(p[34]), .P35(p[35])
  );
  assign p_o = p[2*W-1:0];
  if (W < 18) begin : g_unused_high
    logic unused_high;  // a W x W product fits 2*W bits
    assign unused_high = ^p[35:2*W];
  end
endmodule

// EHXPLLL as a black box with the ports and parameters used here (synth_ecp5's cell library
// gives the rest their defaults).
// A black box: its ports are for synthesis to connect, so lint sees them unused.
// verilator lint_off UNUSEDSIGNAL
// verilator lint_off UNDRIVEN
// verilator lint_off UNUSEDPARAM
(* blackbox *)
module EHXPLLL #(
  parameter int    CLKI_DIV         = 1,
  parameter int    CLKFB_DIV        = 1,
  parameter int    CLKOP_DIV        = 8,
  parameter int    CLKOP_CPHASE     = 0,
  parameter int    CLKOP_FPHASE     = 0,
  parameter string CLKOP_ENABLE     = "ENABLED",
  parameter string FEEDBK_PATH      = "CLKOP",
  parameter string OUTDIVIDER_MUXA  = "DIVA",
  parameter string PLLRST_ENA       = "DISABLED",
  parameter string INTFB_WAKE       = "DISABLED",
  parameter string STDBY_ENABLE     = "DISABLED",
  parameter string DPHASE_SOURCE    = "DISABLED"
) (
  input  logic CLKI, CLKFB, RST, STDBY, PHASESEL0, PHASESEL1, PHASEDIR, PHASESTEP, PHASELOADREG,
    PLLWAKESYNC, ENCLKOP,
  output logic CLKOP, LOCK
);
endmodule
// verilator lint_on UNUSEDSIGNAL
// verilator lint_on UNDRIVEN
// verilator lint_on UNUSEDPARAM

// The ULX3S's 25 MHz oscillator multiplied to OutMhz by one EHXPLLL, the VCO at 600 MHz: the
// divider settings are those `ecppll -i 25 -o OutMhz` prints (yowasp-ecppll), for the
// frequencies that divide the VCO exactly.
module ecp5_pll_25mhz #(
  parameter int OutMhz = 100
) (
  input  logic clk_25mhz_i,
  output logic clk_o,
  output logic locked_o
);
  localparam int OpDiv  = OutMhz == 0 ? 1 : 600 / OutMhz;
  localparam int FbDiv  = OutMhz / 25;
  localparam int CPhase = OutMhz == 25 ? 11 : OutMhz == 50 ? 5 : OutMhz == 75 ? 4 : 2;
  if (OutMhz != 25 && OutMhz != 50 && OutMhz != 75 && OutMhz != 100) begin : g_bad_freq
    $error("ecp5_pll_25mhz: OutMhz must be 25, 50, 75 or 100 (got %0d)", OutMhz);
  end
  EHXPLLL #(
    .CLKI_DIV(1), .CLKFB_DIV(FbDiv), .CLKOP_DIV(OpDiv), .CLKOP_CPHASE(CPhase), .CLKOP_FPHASE(0),
    .CLKOP_ENABLE("ENABLED"), .FEEDBK_PATH("CLKOP")
  ) u_pll (
    .CLKI(clk_25mhz_i), .CLKFB(clk_o), .RST(1'b0), .STDBY(1'b0), .PHASESEL0(1'b0),
    .PHASESEL1(1'b0), .PHASEDIR(1'b1), .PHASESTEP(1'b1), .PHASELOADREG(1'b1), .PLLWAKESYNC(1'b0),
    .ENCLKOP(1'b0), .CLKOP(clk_o), .LOCK(locked_o)
  );
endmodule
