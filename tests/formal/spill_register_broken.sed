# spill_register, broken: entry A is copied into the skid entry B even in a cycle where the
# output takes it ("&& !out_ready_i" dropped), so that item is delivered twice (duplication).
s/assign b_fill  = a_drain && !out_ready_i;/assign b_fill  = a_drain;/
