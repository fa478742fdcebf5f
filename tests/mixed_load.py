#!/usr/bin/env python3
"""200 concurrent clients against one listening port: valid tasks, forged
signatures, oversize bodies and stalled clients, 50 of each, over raw
sockets.  Prints one line per client: kind, index, HTTP status (or error)."""
import json
import socket
import sys
import threading

port, run_id, payload_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
payload = open(payload_path, "rb").read()
results = []
lock = threading.Lock()


def talk(kind, i, data, linger=0.0, tail=b""):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(data)
        if tail:
            try:
                s.sendall(tail)
            except OSError:
                pass
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        s.close()
        status = out.split(b"\r\n", 1)[0].split(b" ")[1].decode() if out else "empty"
    except Exception as e:  # the report names the failure instead of a status
        status = type(e).__name__
    with lock:
        results.append((kind, i, status))


def valid(i):
    body = json.dumps({"repo": "https://github.com/o/load", "task": f"{run_id} {i}"}).encode()
    head = b"POST /api/v1/tasks HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
    talk("valid", i, head + b"Content-Length: %d\r\n\r\n" % len(body) + body)


def forged(i):
    head = (b"POST /webhooks/github HTTP/1.1\r\nX-GitHub-Event: issues\r\n"
            b"Content-Type: application/json\r\nX-Hub-Signature-256: sha256=" + b"0" * 64 +
            b"\r\nContent-Length: %d\r\n\r\n" % len(payload))
    talk("forged", i, head + payload)


def oversize(i):
    head = b"POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n"
    talk("oversize", i, head, tail=b"a" * 2000000)


def stalled(i):
    talk("stalled", i, b"POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"repo\":")


threads = []
for i in range(50):
    for fn in (valid, forged, oversize, stalled):
        t = threading.Thread(target=fn, args=(i,))
        t.start()
        threads.append(t)
for t in threads:
    t.join()
for kind, i, status in sorted(results):
    print(kind, i, status)
