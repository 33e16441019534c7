// The STORE epilogue (docs/isa.md, bit-exact with sw/model/epilogue.h), Lanes elements in
// parallel. Per lane, in order:
//   x = c + bias              if bias_en_i (int32 wrap-around)
//   x = max(x, 0)             if relu_i
//   x_o = x                   (int32 out)
//   q_o = saturate(round(x * scale / 2^shift)) to [-128, 127], ties away from zero (int8 out):
//         p = x * scale (48-bit signed), q = (p + 2^(shift-1) - (p < 0)) >>> shift for shift > 0.
// Both results are produced; the caller picks by the descriptor's int8_out.
//
// Fixed latency of 1 + Pipe cycles, no backpressure: inputs sampled while valid_i is high come
// out with valid_o that many cycles later (outputs hold until the next valid input), with
// tag_i (the caller's framing) beside them. A register sits right after the multiplier:
// besides timing, it keeps the multiplier out of the rounding and saturation cone, which
// otherwise takes Yosys/ABC minutes per lane. Pipe >= 1 adds one before the multiplier (x), so
// the L0C read, the bias add and the 32 x 16 multiply no longer share a cycle; Pipe = 2 also
// registers the int8 result, so the rounding add and the saturation no longer share a cycle
// with what takes q_o (FPGA timing); Pipe = 3 also
// registers the product as two partial products (x's low 17 bits and its high 15, each times
// scale: one MULT18X18D each on an ECP5), added with the rounding constant in the next cycle,
// so a DSP's delay and the 48-bit adds no longer share one either, nor the adds the select;
// Pipe = 4 also registers the inputs (c, the bias already gated by bias_en, relu, scale, shift,
// tag), so the bias add and ReLU start at flip-flops, not behind the caller's L0C lane
// rotation and bias select (FPGA timing); Pipe = 5 also copies the partial products out of
// the multipliers into flip-flops (stage f: in slices, on an ECP5), so the DSP's output delay
// and its route to the slices no longer share a cycle with the adds (FPGA timing).
//
// The controls that fan out to every lane (scale into the multipliers, the shift and keep
// mask into the result's select and compare) are registered once per lane: each lane's copy
// takes the shared value with its stage's valid and its own complement otherwise (it is only
// read beside that valid), so the copies are not one flip-flop with an enable, which Yosys
// would merge across the lanes (a_*_copy check each against the shared value).
//
// No shifter: of the rounded sum t (48 bits), q keeps bits shift+7..shift when t >>> shift
// fits int8, that is when bits 47..shift+7 of t all equal its sign; a select per bit and a
// masked compare (the mask from shift, registered a stage early) instead of a 48-bit barrel
// shifter per lane (a_q_ref checks q against the shift in simulation).
`include "luoshu_assert.svh"

module epilogue #(
  parameter int Lanes = 4,
  parameter int Pipe  = 0,  // 0 to 5 extra stages
  parameter int TagW  = 1,
  localparam int BusyW = $clog2(Pipe + 2)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   valid_i,
  input  logic [Lanes-1:0][31:0] c_i,
  input  logic [Lanes-1:0][31:0] bias_i,
  input  logic                   bias_en_i,
  input  logic                   relu_i,
  input  logic [15:0]            scale_i,  // signed
  input  logic [4:0]             shift_i,
  input  logic [TagW-1:0]        tag_i,
  output logic [BusyW-1:0]       busy_o,   // inputs inside the extra stages (0..Pipe)
  output logic                   valid_o,
  output logic [TagW-1:0]        tag_o,
  output logic [Lanes-1:0][31:0] x_o,
  output logic [Lanes-1:0][7:0]  q_o
);
  if (Lanes < 1) begin : g_bad_lanes
    $error("epilogue: Lanes must be >= 1 (got %0d)", Lanes);
  end

  if (Pipe < 0 || Pipe > 5) begin : g_bad_pipe
    $error("epilogue: Pipe must be 0, 1, 2, 3, 4 or 5 (got %0d)", Pipe);
  end

  // Stage e: the inputs (the ports, or with Pipe >= 4 their registers). The bias comes gated by
  // bias_en, so the add behind it is c + bias alone.
  logic                   valid_e, relu_e;
  logic [Lanes-1:0][31:0] c_e, bias_e, bias_in;
  logic [15:0]            scale_e;
  logic [4:0]             shift_e;
  logic [TagW-1:0]        tag_e;
  assign bias_in = bias_en_i ? bias_i : '0;
  if (Pipe >= 4) begin : g_pipe_e
    logic valid_e_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) valid_e_q <= 1'b0;
      else valid_e_q <= valid_i;
    end
    // Datapath registers: no reset and no enable (stage s takes them only under valid_e), so
    // valid_i does not fan out to them as a clock enable.
    always_ff @(posedge clk_i) begin
      c_e     <= c_i;
      bias_e  <= bias_in;
      relu_e  <= relu_i;
      scale_e <= scale_i;
      shift_e <= shift_i;
      tag_e   <= tag_i;
    end
    assign valid_e = valid_e_q;
  end else begin : g_no_pipe_e
    assign valid_e = valid_i;
    assign c_e     = c_i;
    assign bias_e  = bias_in;
    assign relu_e  = relu_i;
    assign scale_e = scale_i;
    assign shift_e = shift_i;
    assign tag_e   = tag_i;
  end

  // below_shift(shift): the mask of bits shift-1..0, from which the rounding constants and keep
  // (below) are made. Shifts of a constant, so each bit is one 5-input function of the shift
  // (a compare with the shift would map to a carry chain on the ECP5, and a table indexed by
  // it to a ROM that Yosys maps as a mux tree).
  function automatic logic [31:0] below_shift(logic [4:0] shift);
    return ~(32'hffff_ffff << shift);
  endfunction
  // keep (below) for a shift: bits 39..46, then bits 7 + (31..0) at or above the shift.
  function automatic logic [46:7] keep_of(logic [4:0] shift);
    return {8'hff, ~below_shift(shift)};
  endfunction

  // The rounding constants 2^(shift-1) and 2^(shift-1) - 1 (both 0 for shift 0) of stage e's
  // shift, registered beside it (Pipe >= 1), so the rounding constant is a 2:1 mux on the
  // product's sign.
  logic [30:0] half_e, half_m1_e, half_s, half_m1_s;
  assign half_e    = 31'((32'h1 << shift_e) >> 1);
  assign half_m1_e = 31'(below_shift(shift_e) >> 1);

  // Stage s: the multiplier's inputs (the ports, or the extra stage's registers).
  logic                  valid_s;
  logic [15:0]           scale_s;
  logic [4:0]            shift_s;
  logic [TagW-1:0]       tag_s;
  logic [Lanes-1:0][31:0] x_in, x_s;  // x of each lane before / at stage s
  logic                   valid_a;     // an input in the stage before the multiplier

  if (Pipe != 0) begin : g_pipe
    logic valid_a_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) valid_a_q <= 1'b0;
      else valid_a_q <= valid_e;
    end
    always_ff @(posedge clk_i) begin
      if (valid_e) begin
        scale_s   <= scale_e;
        shift_s   <= shift_e;
        tag_s     <= tag_e;
        half_s    <= half_e;
        half_m1_s <= half_m1_e;
        x_s       <= x_in;
      end
    end
    assign valid_s = valid_a_q;
    assign valid_a = valid_a_q;
  end else begin : g_no_pipe
    assign valid_s   = valid_e;
    assign scale_s   = scale_e;
    assign shift_s   = shift_e;
    assign tag_s     = tag_e;
    assign half_s    = half_e;
    assign half_m1_s = half_m1_e;
    assign x_s       = x_in;
    assign valid_a   = 1'b0;
  end

  // Stage p: what the product register takes (stage s, or with Pipe >= 3 the partial
  // products' stage m behind it, or with Pipe = 5 their copies' stage f behind that).
  logic            valid_p, valid_m, valid_f;
  logic [4:0]      shift_p;
  logic [46:7]     keep_p;  // keep (below) for shift_p
  logic [TagW-1:0] tag_p;
  if (Pipe >= 3) begin : g_pipe_m
    logic            valid_m_q;
    logic [4:0]      shift_m;
    logic [46:7]     keep_m;  // made from stage s's shift, so the lanes' copies take a register
    logic [TagW-1:0] tag_m;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) valid_m_q <= 1'b0;
      else valid_m_q <= valid_s;
    end
    always_ff @(posedge clk_i) begin
      if (valid_s) begin
        shift_m <= shift_s;
        keep_m  <= keep_of(shift_s);
        tag_m   <= tag_s;
      end
    end
    assign valid_m = valid_m_q;
    if (Pipe == 5) begin : g_pipe_f
      logic            valid_f_q;
      logic [4:0]      shift_f;
      logic [46:7]     keep_f;
      logic [TagW-1:0] tag_f;
      always_ff @(posedge clk_i) begin
        if (!rst_ni) valid_f_q <= 1'b0;
        else valid_f_q <= valid_m_q;
      end
      always_ff @(posedge clk_i) begin
        if (valid_m_q) begin
          shift_f <= shift_m;
          keep_f  <= keep_m;
          tag_f   <= tag_m;
        end
      end
      assign valid_f = valid_f_q;
      assign valid_p = valid_f_q;
      assign shift_p = shift_f;
      assign keep_p  = keep_f;
      assign tag_p   = tag_f;
    end else begin : g_no_pipe_f
      assign valid_f = 1'b0;
      assign valid_p = valid_m_q;
      assign shift_p = shift_m;
      assign keep_p  = keep_m;
      assign tag_p   = tag_m;
    end
  end else begin : g_no_pipe_m
    assign valid_m = 1'b0;
    assign valid_f = 1'b0;
    assign valid_p = valid_s;
    assign shift_p = shift_s;
    assign keep_p  = keep_of(shift_s);
    assign tag_p   = tag_s;
  end

  // Stage q: the product register.
  logic            valid_q;
  logic [4:0]      shift_q;
  logic [TagW-1:0] tag_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= 1'b0;
    else valid_q <= valid_p;
  end
  // The rounding constant: 2^(shift-1), minus 1 for a negative product (ties away from zero:
  // a negative product rounds its tie down), none at shift 0. Chosen beside the multiplier,
  // each lane's from the signs of its operands between the two constants of stage s, so the
  // rounding add takes it from a register, not through a mux on the product's sign. The
  // operands' signs differ for a negative product and may for a zero one, whose result is 0
  // with either constant (both are below 2^shift); a zero test on x instead would put the
  // bias add in front of it and make ABC take minutes on the Pipe = 0 netlist. a_q_ref checks
  // the result against the product-sign mux.
  always_ff @(posedge clk_i) begin
    if (valid_p) begin
      shift_q    <= shift_p;
      tag_q      <= tag_p;
    end
  end

  // The output stage: the product register (Pipe <= 1), or the int8 result's register behind
  // it (Pipe >= 2).
  logic valid_r;
  if (Pipe >= 2) begin : g_pipe_r
    logic valid_r_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) valid_r_q <= 1'b0;
      else valid_r_q <= valid_q;
    end
    always_ff @(posedge clk_i) begin
      if (valid_q) tag_o <= tag_q;
    end
    assign valid_r = valid_r_q;
  end else begin : g_no_pipe_r
    assign valid_r = valid_q;
    assign tag_o   = tag_q;
  end
  assign valid_o = valid_r;
  // Inputs inside the extra stages: e (Pipe >= 4), a, m (Pipe >= 3), f (Pipe = 5) and, when
  // it is not the output, q.
  assign busy_o  = BusyW'(Pipe >= 4 && valid_e) + BusyW'(valid_a) + BusyW'(valid_m) +
                   BusyW'(valid_f) + BusyW'(Pipe >= 2 && valid_q);

  // keep_q[i]: bit i of the rounded sum lies at or above bit shift+7, so it must equal the sign
  // for the result to fit int8 (bits 7..38 can; 39..46 always do, shift being at most 31).
  // Made from the shift a stage early (two with Pipe >= 3, three with Pipe = 5) and
  // registered beside it (in each
  // lane: keep_l): the compares stay off the path from the rounding add to the result.
  logic [46:7] keep_q;
  always_ff @(posedge clk_i) begin
    if (valid_p) keep_q <= keep_p;
  end

  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    logic        [31:0] sum, x_p, x_q, x_r;
    logic signed [47:0] p, p_q;
    logic        [15:0] scale_l;  // this lane's scale_s
    logic               neg_s;
    logic        [30:0] round_s;  // the rounding constant for the product
`ifndef SYNTHESIS
    logic signed [47:0] prod_p, prod_q;  // the product alone (the reference's)
    always_ff @(posedge clk_i) begin
      if (valid_p) prod_q <= prod_p;
    end
`endif

    // Each lane's own copy of scale (Pipe >= 1), so one register does not drive every lane's
    // multipliers (FPGA routing).
    if (Pipe != 0) begin : g_scale_copy
      always_ff @(posedge clk_i) scale_l <= valid_e ? scale_e : ~scale_l;
      `ASSERT_ALWAYS(a_scale_copy, clk_i, rst_ni, !valid_s || scale_l == scale_s,
                     "a lane's copy of the scale differs from the stage's")
    end else begin : g_scale_shared
      assign scale_l = scale_s;
    end

    assign sum     = c_e[l] + bias_e[l];
    assign x_in[l] = (relu_e && sum[31]) ? '0 : sum;
    assign neg_s   = (x_s[l][31] != scale_l[15]);
    assign round_s = neg_s ? half_m1_s : half_s;
    // |x * scale| <= 2^46, so the product and the rounding add both fit 48 bits signed.
    if (Pipe >= 3) begin : g_partial
      // x = hi * 2^17 + lo, hi signed (x's bits 31:17), lo unsigned (bits 16:0): each partial
      // product fits one 18 x 18 signed multiplier.
      logic signed [33:0] lo_m, lo_f;
      logic signed [30:0] hi_m, hi_f;
      logic        [31:0] x_m, x_f;
      logic        [30:0] round_m, round_f;
`ifdef LUOSHU_ECP5
      // ECP5 synthesis (rtl/fpga/ecp5_cells.sv): each partial product on a MULT18X18D with its
      // product register on (the same register, enabled by valid_s), so the stage's route
      // from the DSP to flip-flops in slices is gone (with Pipe = 5 it is stage f's alone).
      logic signed [35:0] lo_p, hi_p;
      ecp5_mul_regs #(.W(18), .InRegs(1'b0)) u_lo_mul (
        .clk_i, .en_i(valid_s), .a_i(18'(signed'({1'b0, x_s[l][16:0]}))),
        .b_i(18'(signed'(scale_l))), .p_o(lo_p));
      ecp5_mul_regs #(.W(18), .InRegs(1'b0)) u_hi_mul (
        .clk_i, .en_i(valid_s), .a_i(18'(signed'(x_s[l][31:17]))),
        .b_i(18'(signed'(scale_l))), .p_o(hi_p));
      assign lo_m = 34'(lo_p);
      assign hi_m = 31'(hi_p);
      logic unused_p;  // both products fit their registers' widths
      assign unused_p = ^{lo_p[35:34], hi_p[35:31]};
`else
      always_ff @(posedge clk_i) begin
        if (valid_s) begin
          lo_m <= 34'(signed'({1'b0, x_s[l][16:0]})) * 34'(signed'(scale_l));
          hi_m <= 31'(signed'(x_s[l][31:17])) * 31'(signed'(scale_l));
        end
      end
`endif
      always_ff @(posedge clk_i) begin
        if (valid_s) begin
          x_m     <= x_s[l];
          round_m <= round_s;
        end
      end
      if (Pipe == 5) begin : g_copy_f
        // Stage f: the partial products copied into flip-flops, x and the rounding constant
        // beside them. No enable (valid_m would fan out to every bit): stage f is read only
        // under valid_f, and stage m changes only the cycle after a valid_s, so the copy
        // taken at the end of valid_m's cycle is that of the input valid_f then marks.
        always_ff @(posedge clk_i) begin
          lo_f    <= lo_m;
          hi_f    <= hi_m;
          x_f     <= x_m;
          round_f <= round_m;
        end
      end else begin : g_no_copy_f
        assign lo_f    = lo_m;
        assign hi_f    = hi_m;
        assign x_f     = x_m;
        assign round_f = round_m;
      end
      // The rounding constant joins the partial products' add here (two carry chains in
      // this stage), so the result stage is the select and the compare alone (FPGA timing).
      assign p       = 48'(lo_f) + 48'(round_f) + (48'(hi_f) <<< 17);
      assign x_p     = x_f;
`ifndef SYNTHESIS
      assign prod_p  = 48'(lo_f) + (48'(hi_f) <<< 17);
`endif
    end else begin : g_whole
      assign p       = 48'(signed'(x_s[l])) * 48'(signed'(scale_l));
      assign x_p     = x_s[l];
`ifndef SYNTHESIS
      assign prod_p  = p;
`endif
    end

    // Datapath registers: no reset (valid_o says when they mean something).
    always_ff @(posedge clk_i) begin
      if (valid_p) begin
        x_q     <= x_p;
        p_q     <= p;
      end
    end

    // This lane's copies of shift_q and keep_q, so the result's select and compare in each
    // lane start at registers of their own, not at ones that drive every lane (FPGA routing).
    logic [4:0]  shift_l;
    logic [46:7] keep_l;
    always_ff @(posedge clk_i) begin
      shift_l <= valid_p ? shift_p : ~shift_l;
      keep_l  <= valid_p ? keep_p : ~keep_l;
    end
    `ASSERT_ALWAYS(a_ctrl_copy, clk_i, rst_ni,
                   !valid_q || (shift_l == shift_q && keep_l == keep_q),
                   "a lane's copy of the shift or of keep differs from the stage's")

    // The rounded sum, and the result as bits shift+7..shift of it, saturated when the bits
    // above do not all equal its sign (the masked compare).
    logic [47:0]      t;
    logic [14:0]      t_c;            // t from bit 8 * shift[4:3] (the shift's coarse part) up
    logic [7:0]       sel, q;
    logic             fits;
    if (Pipe >= 3) begin : g_t_rounded
      assign t = p_q;  // rounded in stage p
    end else begin : g_t_add
      logic [30:0] round_q;
      always_ff @(posedge clk_i) begin
        if (valid_p) round_q <= round_s;
      end
      assign t = p_q + 48'(round_q);
    end
    // The select in two steps, by the shift's coarse part (whole bytes) then by its fine part:
    // two shifts, a 4:1 and an 8:1 mux per bit in the netlist (an index sum, shift + b, would
    // map to a carry chain), and two shifts for Verilator, not a window per bit.
    assign t_c = 15'(t >> {shift_l[4:3], 3'b000});
    assign sel = 8'(t_c >> shift_l[2:0]);
    // Each kept bit equal to the one above it: the bits from shift+7 up all equal the sign,
    // without the sign fanning out to every compare.
    assign fits = ((t[46:7] ^ t[47:8]) & keep_l) == '0;
    assign q    = fits ? sel : (t[47] ? 8'h80 : 8'h7f);
`ifndef SYNTHESIS
    // The reference: the rounding constant by the product's sign, the arithmetic shift, and
    // the saturation of the shifted value.
    logic        [47:0] half_ref;
    logic signed [47:0] rnd;
    logic        [7:0]  q_ref;
    assign half_ref = (shift_q == '0) ? '0 : (48'd1 << (shift_q - 5'd1));
    assign rnd = signed'(prod_q + ((prod_q[47] && shift_q != '0) ? half_ref - 48'd1 : half_ref))
                 >>> shift_q;
    assign q_ref = (!rnd[47] && rnd[46:7] != '0) ? 8'h7f :
                   (rnd[47] && rnd[46:7] != '1) ? 8'h80 : rnd[7:0];
    `ASSERT_ALWAYS(a_q_ref, clk_i, rst_ni, !valid_q || q == q_ref,
                   "the int8 result differs from the shifted, saturated product")
`endif

    if (Pipe >= 2) begin : g_r
      logic [7:0] q_r;
      always_ff @(posedge clk_i) begin
        if (valid_q) begin
          q_r <= q;
          x_r <= x_q;
        end
      end
      assign q_o[l] = q_r;
    end else begin : g_no_r
      assign q_o[l] = q;
      assign x_r    = x_q;
    end
    assign x_o[l] = x_r;
  end
endmodule
