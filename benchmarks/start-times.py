#!/usr/bin/env python3
"""Start to accepting WebSockets, for one way of starting a node (README, "Fast start").

Starts the given command RUNS times, one after the other, and for each prints the seconds
from process start to the first WebSocket handshake on /ws answered 101 (polled every
10 ms on 127.0.0.1:PORT), the CPU seconds the process had used by then (/proc, so Linux
only), and Spring Boot's own "Started ... in X seconds (process running for Y)". Then it
stops the process with SIGTERM. Prints figures only: a busy machine makes them longer.

  benchmarks/start-times.py LABEL RUNS PORT DIRECTORY -- COMMAND...

For example, from the root of the repository, after sample-app/run-cluster.sh prepared
sample-app/target/cds/:

  benchmarks/start-times.py cds 5 18081 . -- java \\
      -XX:SharedArchiveFile=sample-app/target/cds/app.jsa -jar sample-app/target/cds/sample-app.jar \\
      --server.port=18081 --socketbox.cache.file.directory=/tmp/start-times-cache
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

REQUEST = ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
STARTED = re.compile(r"Started \S+ in ([0-9.]+) seconds \(process running for ([0-9.]+)\)")


def accepted(port):
    try:
        connection = socket.create_connection(("127.0.0.1", port), timeout=1)
    except OSError:
        return False
    try:
        connection.settimeout(2)
        connection.sendall((REQUEST % port).encode())
        head = b""
        while b"\r\n" not in head:
            chunk = connection.recv(256)
            if not chunk:
                return False
            head += chunk
        return head.split(b" ")[1] == b"101"
    except OSError:
        return False
    finally:
        connection.close()


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(port, command, directory, log):
    with open(log, "w") as output:
        start = time.monotonic()
        process = subprocess.Popen(command, cwd=directory, stdout=output, stderr=subprocess.STDOUT)
        seconds = cpu = None
        while time.monotonic() - start < 120 and process.poll() is None:
            if accepted(port):
                seconds = time.monotonic() - start
                cpu = cpu_seconds(process.pid)
                break
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    match = STARTED.search(open(log).read())
    return seconds, cpu, (match.group(1), match.group(2)) if match else None


def main(args):
    if "--" not in args or args.index("--") != 4:
        sys.exit(__doc__)
    label, runs, port, directory = args[0], int(args[1]), int(args[2]), args[3]
    command = args[5:]
    logs = tempfile.mkdtemp(prefix="start-times-")
    figures = []
    for i in range(runs):
        seconds, cpu, started = run(port, command, directory, os.path.join(logs, "%s-%d.log" % (label, i)))
        if seconds is not None:
            figures.append((seconds, cpu))
        print("%s run %d: accepting after %s s, %s CPU s; Boot: %s" % (
            label, i + 1, "%.2f" % seconds if seconds is not None else "never", cpu,
            "started in %s s (process running for %s s)" % started if started else "no Started line"), flush=True)
    if figures:
        figures.sort()
        median = figures[len(figures) // 2]
        print("%s: median %.2f s (%.2f CPU s), min %.2f, max %.2f, over %d run(s); load average %.1f; logs in %s" % (
            label, median[0], median[1], figures[0][0], figures[-1][0], len(figures), os.getloadavg()[0], logs))


if __name__ == "__main__":
    main(sys.argv[1:])
