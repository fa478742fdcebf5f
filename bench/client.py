#!/usr/bin/env python3
"""Load client for make bench: sends one request file over fresh TCP
connections and prints JSON with latency percentiles and throughput.
   client.py PORT REQUEST_FILE REQUESTS CONCURRENCY [--vary]
With --vary, the text TASKNO in the request becomes a fresh number each
time (so that tasks stay distinct)."""
import json
import socket
import sys
import threading
import time

port, path, total, conc = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
vary = "--vary" in sys.argv
template = open(path, "rb").read()
lat, codes, lock, counter = [], {}, threading.Lock(), [0]


def one(n):
    data = template.replace(b"TASKNO", b"%06d" % (n % 1000000)) if vary else template  # same length
    t0 = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(data)
    out = b""
    while True:
        c = s.recv(65536)
        if not c:
            break
        out += c
    s.close()
    dt = time.perf_counter() - t0
    return dt, out.split(b" ", 2)[1] if out.startswith(b"HTTP/") else b"none"


def worker():
    while True:
        with lock:
            if counter[0] >= total:
                return
            counter[0] += 1
            n = counter[0] + int(time.time() * 1000) % 1000000 * 1000
        dt, code = one(n)
        with lock:
            lat.append(dt)
            codes[code.decode()] = codes.get(code.decode(), 0) + 1


t0 = time.perf_counter()
ts = [threading.Thread(target=worker) for _ in range(conc)]
for t in ts:
    t.start()
for t in ts:
    t.join()
elapsed = time.perf_counter() - t0
lat.sort()
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
print(json.dumps({"p50_ms": pick(0.5), "p99_ms": pick(0.99), "rps": total / elapsed,
                  "codes": ",".join(sorted(codes))}))
