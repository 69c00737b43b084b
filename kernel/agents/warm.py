# Fills the neighbour (ARP) caches and bridge FDBs on the way to each target with one ICMP echo
# each, so that later probes are not preceded by ARP broadcasts (which an L2 overlay floods to every
# node). usage: python3 warm.py IP...
import os
import select
import socket
import struct
import sys
import time


def checksum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident = os.getpid() & 0xFFFF
for seq, ip in enumerate(sys.argv[1:]):
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"warm"
    packet = struct.pack("!BBHHH", 8, 0, checksum(header), ident, seq) + b"warm"
    try:
        sock.sendto(packet, (ip, 0))
    except OSError:
        pass
deadline = time.monotonic() + 1.0
while time.monotonic() < deadline:
    if select.select([sock], [], [], deadline - time.monotonic())[0]:
        sock.recvfrom(2048)
