#!/usr/bin/env python3
"""Intra-day sync and alerts (issue 21), measured against a local skm-central in one run:

  1. what an idle kiosk costs: bytes on the wire (both ways, through a counting TCP proxy) and requests
     per `skm-sync --service` run with nothing pending, against the baseline of one `skm-sync --once`
     upload of one rating; per idle hour at the default 5-minute interval;
  2. the delay from a tap to the central office under the service (taps at random moments of an
     interval), against the baseline of a tap followed at once by `skm-sync --once` (the technician's
     "sync now"); scaled to the default interval by the measured run time;
  3. the delay from a tap with the reason "pungutan" to the integrity contact's e-mail arriving at a real
     SMTP receiver (Debian's python3-aiosmtpd), of which the central office's part (upload answered to
     e-mail received); and at the default interval.

Usage: bench/intraday_bench.py [BIN_DIR] [--interval SECONDS] [--taps N] [--idle-runs N]
"""
import argparse
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CountingProxy:
    """127.0.0.1:PORT -> target; counts the bytes each way and the HTTP requests sent."""

    def __init__(self, target_port):
        self.target = target_port
        self.up = self.down = self.requests = 0
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.sock.accept()
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self.pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self.pipe, args=(server, client, False), daemon=True).start()

    def pipe(self, src, dst, upward):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self.lock:
                    if upward:
                        self.up += len(data)
                        self.requests += len(re.findall(rb"^(GET|POST) /", data, re.M))
                    else:
                        self.down += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def snapshot(self):
        with self.lock:
            return self.up, self.down, self.requests


def run(*args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, **kw)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bin", nargs="?", default=os.path.join(ROOT, "build", "bin"))
    p.add_argument("--interval", type=int, default=10, help="the service's interval in this run (seconds)")
    p.add_argument("--taps", type=int, default=8)
    p.add_argument("--idle-runs", type=int, default=10)
    a = p.parse_args()
    b = os.path.abspath(a.bin)
    work = tempfile.mkdtemp(prefix="skm-intraday-")
    procs = []
    try:
        smtp_port = free_port()
        mail = os.path.join(work, "mail")
        procs.append(subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tests", "support", "smtp_sink.py"), "--port", str(smtp_port), "--dir", mail],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
        assert procs[-1].stdout.readline().startswith("listening")
        toml = os.path.join(work, "central.toml")
        with open(toml, "w") as f:
            f.write('[alerts]\nsmtp_url = "smtp://127.0.0.1:%d"\nsmtp_plaintext = true\nsmtp_from = "skm@kota.example"\n'
                    'integrity_to = ["inspektorat@kota.example"]\n' % smtp_port)
        central = subprocess.Popen([os.path.join(b, "skm-central"), "serve", "--listen", "127.0.0.1:0", "--data-dir", os.path.join(work, "central"),
                                    "--config", toml], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(central)
        url = re.search(r"http://127\.0\.0\.1:(\d+)", central.stdout.readline())
        proxy = CountingProxy(int(url.group(1)))
        kiosk = os.path.join(work, "kiosk")
        prov = os.path.join(work, "p.json")
        run(os.path.join(b, "skm-central"), "device", "add", "bench-live", "--out", prov, "--url", "http://127.0.0.1:%d" % proxy.port, "--data-dir",
            os.path.join(work, "central"))
        run(os.path.join(b, "skm-kiosk"), "provision", prov, "--data-dir", kiosk)
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(work, "central", "central.db"), uri=True)

        def stored():
            return db.execute("SELECT count(*) FROM ratings").fetchone()[0]

        def tap(*extra):
            run(os.path.join(b, "skm-loadgen"), "--data-dir", kiosk, "--ratings", "1", "--seed", str(random.randrange(1 << 30)), *extra)

        def once():
            t = time.monotonic()
            subprocess.run([os.path.join(b, "skm-sync"), "--once", "--data-dir", kiosk], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return time.monotonic() - t

        once()  # the configuration, first fetched
        # 1. Baseline: one rating uploaded by a --once run; then idle runs of the service.
        tap()
        u0, d0, r0 = proxy.snapshot()
        upload_run_s = once()
        u1, d1, r1 = proxy.snapshot()
        base_bytes, base_requests = (u1 - u0) + (d1 - d0), r1 - r0
        service = subprocess.Popen([os.path.join(b, "skm-sync"), "--service", "--interval-seconds", "1", "--data-dir", kiosk],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        u0, d0, r0 = proxy.snapshot()
        time.sleep(a.idle_runs)
        u1, d1, r1 = proxy.snapshot()
        service.terminate()
        service.wait()
        idle_runs = r1 - r0  # one request a run
        idle_bytes = ((u1 - u0) + (d1 - d0)) / max(idle_runs, 1)
        print("idle run (nothing pending): %.0f bytes, %.2f requests (%d runs)" % (idle_bytes, (r1 - r0) / max(idle_runs, 1), idle_runs))
        print("baseline, one rating uploaded by skm-sync --once: %d bytes, %d requests" % (base_bytes, base_requests))
        print("idle hour at the default 5-minute interval: 12 requests, %.1f KB (%.2fx one rating's upload)"
              % (12 * idle_bytes / 1000, 12 * idle_bytes / base_bytes))

        # 2. Tap to the central office.
        on_demand = []
        for _ in range(a.taps):
            before = stored()
            t = time.monotonic()
            tap()
            once()
            while stored() == before:
                time.sleep(0.01)
            on_demand.append(time.monotonic() - t)
        service = subprocess.Popen([os.path.join(b, "skm-sync"), "--service", "--interval-seconds", str(a.interval), "--data-dir", kiosk],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delays = []
        for _ in range(a.taps):
            time.sleep(random.uniform(0, a.interval))
            before = stored()
            t = time.monotonic()
            tap()
            while stored() == before:
                time.sleep(0.01)
            delays.append(time.monotonic() - t)
        service.terminate()
        service.wait()
        run_s = statistics.median(on_demand)
        print("tap to central, tap then skm-sync --once (baseline): median %.3f s, max %.3f s" % (run_s, max(on_demand)))
        print("tap to central, --service every %d s: mean %.2f s, max %.2f s (expected: about %.1f s mean, %.1f s at most); %.1fx the baseline"
              % (a.interval, statistics.mean(delays), max(delays), a.interval / 2 + run_s, a.interval + run_s, statistics.mean(delays) / run_s))
        print("tap to central at the default 5 minutes: mean %.0f s, at most %.0f s" % (150 + run_s, 300 + run_s))

        # 3. Tap with pungutan to the integrity contact's e-mail.
        central_part, whole = [], []
        for _ in range(max(3, a.taps // 2)):
            seen = len(os.listdir(mail)) if os.path.isdir(mail) else 0
            t = time.monotonic()
            tap("--score", "2", "--reason", "pungutan")
            sync_s = once()
            answered = t + sync_s
            while (len([n for n in os.listdir(mail) if n.endswith(".eml")]) if os.path.isdir(mail) else 0) <= seen:
                time.sleep(0.01)
            now = time.monotonic()
            central_part.append(now - answered)
            whole.append(now - t)
        cp = statistics.median(central_part)
        print("tap (pungutan) then skm-sync --once, to the e-mail received: median %.2f s, max %.2f s; the central office's part "
              "(upload answered to e-mail received): median %.2f s, max %.2f s" % (statistics.median(whole), max(whole), cp, max(central_part)))
        print("tap to alert e-mail at the default settings (5-minute sync): mean %.0f s, at most %.0f s" % (150 + statistics.median(whole), 300 + max(whole)))
    finally:
        for pr in procs:
            pr.terminate()
            try:
                pr.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pr.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
