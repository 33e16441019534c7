// Luoshu on-chip network: flit and packet formats shared by the router, the mesh and the
// network interface. See docs/noc.md.
//
// A flit on a link is FlitW bits (FlitW is a parameter of the router and the mesh):
//
//   [FlitW-1]   tail  last flit of its packet
//   [FlitW-2]   head  first flit of its packet (a single-flit packet has head = tail = 1)
//   [FlitW-3:0] payload (FlitW - FrameW bits)
//
// The payload of a head flit starts (at bit 0) with a route_t; routers read only that.
// Memory packets put a mem_hdr_t (which itself starts with the route_t) in the head flit
// and their data, one DataW = FlitW - FrameW word per flit, in the flits that follow.
package noc_pkg;

  // Mesh coordinates: up to 8 x 8 nodes. Node index = y * X + x.
  localparam int CoordW = 3;
  localparam int MaxDim = 1 << CoordW;

  typedef struct packed {
    logic [CoordW-1:0] y;
    logic [CoordW-1:0] x;
  } coord_t;

  // What a router needs from a head flit: where the packet goes (dst, in the low bits)
  // and where it came from (src, for the receiver).
  typedef struct packed {
    coord_t src;
    coord_t dst;
  } route_t;

  localparam int CoordBits = $bits(coord_t);
  localparam int RouteW = $bits(route_t);  // 12
  localparam int FrameW = 2;               // head + tail bits above the payload

  // Router ports. x grows to the East, y grows to the North.
  localparam int NumPorts = 5;
  // (Plain ints: they index the per-port vectors.)
  localparam int PortLocal = 0;
  localparam int PortNorth = 1;
  localparam int PortEast  = 2;
  localparam int PortSouth = 3;
  localparam int PortWest  = 4;

  // Memory packets (network interface). Requests travel on the request network, responses
  // on the physically separate response network.
  typedef enum logic [1:0] {
    KindRead      = 2'd0,  // request, header only; len = number of data words wanted
    KindWrite     = 2'd1,  // request, header + len data flits
    KindReadResp  = 2'd2,  // response, header + len data flits
    KindWriteResp = 2'd3   // response, header only (acknowledges len written words)
  } kind_e;

  localparam int AddrW = 32;
  localparam int LenW  = 8;   // data flits in the packet (or wanted), 1..255
  localparam int TagW  = 8;

  typedef struct packed {
    logic             err;   // response: the request failed (e.g. an AXI error response)
    logic [AddrW-1:0] addr;  // word address of the first data word
    logic [LenW-1:0]  len;
    logic [TagW-1:0]  tag;   // returned unchanged in the response
    kind_e            kind;
    route_t           route;
  } mem_hdr_t;

  localparam int MemHdrW = $bits(mem_hdr_t);  // 63

  // The memory channel of a beat address (byte address >> 4): the SoC interleaves channels in
  // 4 KiB pages, channel = byte address bits [12 +: log2(num_channels)] (docs/soc.md).
  function automatic logic [1:0] channel_of(logic [AddrW-1:0] beat_addr, int num_channels);
    return beat_addr[9:8] & 2'(num_channels - 1);
  endfunction

  // Whether a packet of this kind carries data flits after its header.
  function automatic logic kind_has_data(kind_e kind);
    return kind == KindWrite || kind == KindReadResp;
  endfunction

endpackage
