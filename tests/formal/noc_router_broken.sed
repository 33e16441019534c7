# noc_router, broken: the tail flit no longer releases its output, so an output stays locked
# to its input forever: that input's next packet is switched onto the old output as well as
# (or instead of) the one its route names (two outputs per input, illegal XY turns).
s/assign lock_d = (lock_q | grant) & ~(out_xfer & out_tail);/assign lock_d = lock_q | grant;/
