# spill_register, broken: the input is also ready while both entries are full if the output
# takes an item this cycle ("|| out_ready_i"), so S moves into O and the input's item is lost
# (and ready comes combinationally from out_ready_i).
s/assign in_ready_o  = !skid_full_q;/assign in_ready_o  = !skid_full_q || out_ready_i;/
