// The core memory port (docs/core.md "Memory port"): an AXI-like port with AR, R, AW, W and B
// channels, one id per client, BeatBytes-byte beats. Its request and response are packed
// structs written by the macros of luoshu_mem.svh, because their data fields are sized by the
// BeatBytes parameter of the module that uses them (a package cannot take parameters); this
// package holds what does not depend on it.
package luoshu_mem_pkg;
  localparam int AddrW = 32;  // byte address
  localparam int LenW = 8;    // beats in a burst - 1, as AXI4 AxLEN
  localparam int IdW = 2;     // ids on the core's port

  // The core's clients, by id (the memory mux turns the client index into the id).
  localparam int RdSeq = 0;  // descriptor fetch
  localparam int RdIn = 1;   // mte_in
  localparam int RdOut = 2;  // mte_out bias
  localparam int RdVec = 3;  // vec_unit sources
  localparam int NumRd = 4;
  localparam int WrSeq = 0;  // SYNC write
  localparam int WrOut = 1;  // mte_out
  localparam int WrVec = 2;  // vec_unit destination
  localparam int NumWr = 3;

  // The master's ready for R and B. Apart from the request struct: a ready may depend on the
  // response (the memory mux routes it by the response's id) while the response may depend on
  // the request (the bridge's AR ready on the burst length), and Verilator schedules a struct
  // as one signal, so in one struct the two would form a combinational loop.
  typedef struct packed {
    logic r_ready;
    logic b_ready;
  } rsp_ready_t;

  // One memory window (docs/core.md "Windows"): the bytes [base, base + size) the core may
  // read (and write if writable); size 0 = unused, 33 bits so a window can end at 2^32.
  // limit (base + size) and used (size != 0) are made once where the window is set (win_make),
  // not in each of the core's seven window checks: the add and the zero test are then off
  // every check's path, and the checks are two compares each (docs/fpga.md).
  typedef struct packed {
    logic [AddrW-1:0] base;
    logic [AddrW:0]   size;
    logic             writable;
    logic [AddrW+1:0] limit;
    logic             used;
  } win_t;

  function automatic win_t win_make(logic [AddrW-1:0] base, logic [AddrW:0] size,
                                    logic writable);
    win_make = '{base: base, size: size, writable: writable,
                 limit: {2'b0, base} + {1'b0, size}, used: size != '0};
  endfunction
endpackage
