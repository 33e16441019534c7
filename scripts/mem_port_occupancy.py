#!/usr/bin/env python3
"""Occupancy of a supernode chip's memory-channel request port, from a wave (docs/supernode.md,
"Ring rate"). Usage:

  LUOSHU_TRACE=1 LUOSHU_TRACE_WINDOW=150000:153000 LUOSHU_WAVE_DIR=/tmp/w \\
    build/tb/bench/luoshu_bench_supernode --chips "" --sizes "" --mlp false --bound-bytes 262144
  fst2vcd /tmp/w/bench_supernode_chip0.fst > /tmp/w/c0.vcd
  scripts/mem_port_occupancy.py /tmp/w/c0.vcd

For the first channel's noc_axi_master (rx side) and the first core's bridge (tx side), counts
per rising clock edge: cycles the port is inside a write packet from the proxy (x = 3, the
one-row small chip) and how many of those it waits for the packet's next flit; cycles the
core's read header is offered and not taken, and how many of those fall inside a proxy write.
"""
import sys

SIGNALS = {
    ('u_master', 'rx_hdr_valid_i'): 'm_hv', ('u_master', 'rx_hdr_ready_o'): 'm_hr',
    ('u_master', 'rx_hdr_i'): 'm_h', ('u_master', 'rx_data_valid_i'): 'm_dv',
    ('u_master', 'rx_data_ready_o'): 'm_dr', ('u_master', 'rx_data_last_i'): 'm_dl',
    ('u_bridge', 'tx_hdr_valid_o'): 'b_hv', ('u_bridge', 'tx_hdr_ready_i'): 'b_hr',
    ('u_bridge', 'tx_hdr_o'): 'b_h',
}
KIND_READ, KIND_WRITE = 0, 1
PROXY_X = 3


def main(path):
    ids, val, scope, clk = {}, {}, [], None
    f = open(path)
    for line in f:
        if line.startswith('$scope'):
            scope.append(line.split()[2])
        elif line.startswith('$upscope'):
            scope.pop()
        elif line.startswith('$var'):
            p = line.split()
            name = SIGNALS.get((scope[-1] if scope else '', p[4]))
            if name and name not in ids.values():  # the first instance (channel 0, core 0)
                ids[p[3]] = name
            if p[4] == 'clk_i' and clk is None and len(scope) == 2:
                clk = p[3]
        elif line.startswith('$enddefinitions'):
            break
    n = in_proxy_wr = waiting = rd_blocked = rd_blocked_in_wr = rd_sent = wr_pkts = 0
    packet = None  # None, 'proxy' or 'other': the write packet the port is inside

    def g(k):
        v = val.get(k, '0')
        return 0 if any(c in v for c in 'xz') else int(v, 2)

    prev = '0'
    for line in f:
        c = line[0]
        if c == '#':
            continue
        if c == 'b':
            v, i = line[1:].split()
            if i in ids:
                val[ids[i]] = v
            continue
        if c not in '01xz':
            continue
        i = line[1:].strip()
        if i == clk:
            if c == '1' and prev == '0':
                n += 1
                if packet == 'proxy':
                    in_proxy_wr += 1
                    waiting += not g('m_dv')
                bh = g('b_h')
                if g('b_hv') and (bh >> 12) & 3 == KIND_READ:
                    if g('b_hr'):
                        rd_sent += 1
                    else:
                        rd_blocked += 1
                        rd_blocked_in_wr += packet == 'proxy'
                h = g('m_h')
                if g('m_hv') and g('m_hr') and (h >> 12) & 3 == KIND_WRITE:
                    packet = 'proxy' if (h >> 6) & 7 == PROXY_X else 'other'
                    wr_pkts += packet == 'proxy'
                if g('m_dv') and g('m_dr') and g('m_dl'):
                    packet = None
            prev = c
        if i in ids:
            val[ids[i]] = c
    print('%d cycles; the channel\'s request port inside a proxy write packet %.1f %% of them, '
          'waiting for its next flit %.1f %% of those; %d proxy write packets' %
          (n, 100 * in_proxy_wr / n, 100 * waiting / max(1, in_proxy_wr), wr_pkts))
    print('core read headers sent %d; offered and not taken %d cycles (%.1f %%), %d of them '
          'inside a proxy write' % (rd_sent, rd_blocked, 100 * rd_blocked / n, rd_blocked_in_wr))


if __name__ == '__main__':
    main(sys.argv[1])
