#!/usr/bin/env python3
"""Connections under hostile load, measured against a real vouchd
(issue 16's figures): not a test (nothing is asserted), a measurement.

    python3 bench/conns.py BUILD_DIR

1. RSS per idle connection: 1,024 idle TCP connections (from 127.0.0.1
   to 127.0.0.16, 64 each, within max_per_peer), RSS before, with them,
   and 2 s after they close.
2. Slowloris from one address against max_per_peer: 2,000 connections
   from 127.0.0.2 that send half a line and a byte every 2 s, reconnecting
   when closed, while a client at 127.0.0.1 connects 100 times and sends
   PING: how many of its PINGs are answered OK, how many BUSY.
3. The same against the bureau page's listener (http =): 200 connections
   from 127.0.0.2 that send a header line every second, while 100 GETs
   from 127.0.0.1 ask for /pools.csv.

Prints what it measured. Needs python3 (not a build dependency)."""
import os
import socket
import subprocess
import sys
import tempfile
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def tcp_from(src, port, timeout=5.0):
    s = socket.socket()
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def start(build, tmp, conf_extra):
    data = os.path.join(tmp, "data")
    vouchd = os.path.join(build, "daemon", "vouchd")
    subprocess.run([vouchd, "init", "--data", data, "--bureau-key",
                    os.path.join(tmp, "bureau.pem")], check=True,
                   stdout=subprocess.DEVNULL)
    port, http = free_port(), free_port()
    conf = os.path.join(tmp, "vouchd.conf")
    with open(conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:%d\nhttp = 127.0.0.1:%d\n"
                "log_level = error\n%s" % (port, http, conf_extra))
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = subprocess.Popen([vouchd, "run", "--config", conf, "--data", data,
                          "--policies", os.path.join(src, "deploy",
                                                     "policies")])
    for _ in range(100):
        try:
            tcp_from("127.0.0.1", port).close()
            break
        except OSError:
            time.sleep(0.05)
    return p, port, http


def idle(pid, port):
    before = rss_kib(pid)
    held = []
    after = []
    for _ in range(2):
        socks = []
        for i in range(1024):
            socks.append(tcp_from("127.0.0.%d" % (1 + i // 64), port))
        time.sleep(1)
        held.append(rss_kib(pid))
        for s in socks:
            s.close()
        time.sleep(2)
        after.append(rss_kib(pid))
    print("idle: RSS %d KiB; with 1,024 idle connections %d KiB "
          "(%.1f KiB each); 2 s after they close %d KiB; a second 1,024 "
          "%d KiB, after %d KiB"
          % (before, held[0], (held[0] - before) / 1024, after[0],
             held[1], after[1]))


def slowloris(port, http, n_attack, legit):
    attackers = []
    busy = 0
    t_end = time.time() + 6
    for _ in range(n_attack):
        try:
            s = tcp_from("127.0.0.2", port, 1.0)
            s.setblocking(False)
            attackers.append(s)
        except OSError:
            busy += 1
    ok = refused = other = 0
    for _ in range(100):
        # the attacker keeps trickling and reconnecting meanwhile
        for s in attackers:
            try:
                s.send(b"P" if not http else b"X-A: b\r\n")
            except OSError:
                pass
        try:
            c = tcp_from("127.0.0.1", port, 3.0)
            if http:
                c.sendall(b"GET /pools.csv HTTP/1.1\r\n\r\n")
            else:
                c.sendall(b"PING\n")
            r = c.recv(4096)
            c.close()
        except OSError:
            r = b""
        if (http and r.startswith(b"HTTP/1.1 200")) or \
                (not http and r.startswith(b"OK")):
            ok += 1
        elif b"BUSY" in r or b" 503 " in r:
            refused += 1
        else:
            other += 1
        time.sleep(max(0.0, (t_end - time.time()) / 100))
    held = 0
    for s in attackers:
        try:
            s.send(b"P" if not http else b"X-A: b\r\n")
            held += 1
        except OSError:
            pass
        s.close()
    print("%s: %d attacker connections from one address (%d connected, "
          "%d still open at the end); legitimate %s: %d OK, %d refused, "
          "%d other"
          % ("http" if http else "slowloris", n_attack,
             n_attack - busy, held, legit, ok, refused, other))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
    with tempfile.TemporaryDirectory() as tmp:
        p, port, http = start(build, tmp, "max_connections = 1100\n")
        try:
            idle(p.pid, port)
            slowloris(port, False, 2000, "PINGs")
            slowloris(http, True, 200, "GETs")
        finally:
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main()
