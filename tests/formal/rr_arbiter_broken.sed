# rr_arbiter, broken: after a consumed grant the pointer stays on the winner instead of moving
# past it, so the winner keeps the highest priority and can starve the others (unfair).
s/prio_q <= (gnt_idx_o == IdxW'(NumIn - 1)) ? '0 : gnt_idx_o + 1'b1;/prio_q <= gnt_idx_o;/
