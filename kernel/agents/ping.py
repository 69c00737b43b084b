# One ICMP echo request from inside a lab netns (raw socket, so no ping binary is needed); prints one
# JSON line: {"result": "reply"|"unreachable"|"timeout", "from": ..., "type": ..., "code": ...}.
# usage: python3 ping.py DST TIMEOUT_MS
import json
import os
import select
import socket
import struct
import sys
import time

dst, timeout_ms = sys.argv[1], int(sys.argv[2])


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


ident = os.getpid() & 0xFFFF
payload = b"packetwalk"
header = struct.pack("!BBHHH", 8, 0, 0, ident, 1)
packet = struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, 1) + payload

sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
try:
    sock.sendto(packet, (dst, 0))
except OSError as e:
    print(json.dumps({"result": "unreachable", "error": e.strerror}))
    sys.exit(0)
deadline = time.monotonic() + timeout_ms / 1000
while True:
    left = deadline - time.monotonic()
    if left <= 0 or not select.select([sock], [], [], left)[0]:
        print(json.dumps({"result": "timeout"}))
        break
    data, addr = sock.recvfrom(2048)
    ihl = (data[0] & 0x0F) * 4
    icmp_type, code = data[ihl], data[ihl + 1]
    if icmp_type == 0 and struct.unpack("!H", data[ihl + 4 : ihl + 6])[0] == ident:
        print(json.dumps({"result": "reply", "from": addr[0], "type": 0, "code": 0}))
        break
    if icmp_type in (3, 11):
        # The quoted original datagram must be ours (our echo id) for the error to count.
        inner = data[ihl + 8 :]
        inner_ihl = (inner[0] & 0x0F) * 4
        if len(inner) >= inner_ihl + 6 and struct.unpack("!H", inner[inner_ihl + 4 : inner_ihl + 6])[0] == ident:
            print(json.dumps({"result": "unreachable", "from": addr[0], "type": icmp_type, "code": code}))
            break
