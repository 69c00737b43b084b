# Fills the neighbour (ARP) caches and bridge FDBs on the way to each target with one UDP datagram
# each (port 9, discard), so that later probes are not preceded by ARP broadcasts, which an L2
# overlay floods to every node. UDP rather than ICMP: a VXLAN flow's source port is a hash of the
# inner flow, and a warm-up echo would pre-create the outer conntrack entry of a later ICMP probe.
# usage: python3 warm.py IP...
import socket
import sys
import time

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for ip in sys.argv[1:]:
    try:
        sock.sendto(b"warm", (ip, 9))
    except OSError:
        pass
time.sleep(1.0)
