# One name lookup through this netns's glibc resolver, the way most programs ask: getaddrinfo with
# AF_UNSPEC and no AI_ADDRCONFIG, so glibc sends A and AAAA for each candidate (getent ahosts sets
# AI_ADDRCONFIG and, in an IPv4-only pod, asks for A only). Prints one JSON line.
# usage: python3 lookup.py NAME
import json
import socket
import sys

try:
    infos = socket.getaddrinfo(sys.argv[1], None, socket.AF_UNSPEC, socket.SOCK_STREAM)
    print(json.dumps({"found": True, "addresses": sorted({i[4][0] for i in infos if i[0] == socket.AF_INET})}))
except socket.gaierror as e:
    print(json.dumps({"found": False, "addresses": [], "error": e.strerror}))
