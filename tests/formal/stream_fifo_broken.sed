# stream_fifo, broken: the full check is off by one ("<=" for "!="), so the FIFO still takes an
# item when it holds Depth of them and overwrites one it has not delivered (overflow, loss).
s/assign in_ready_o  = (count_q != CntW'(Depth));/assign in_ready_o  = (count_q <= CntW'(Depth));/
