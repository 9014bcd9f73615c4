"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: NUL-separated
JSON on fds 3 and 4): nothing but python3 and Debian's chromium. Used by tests/support/phone_fill.py
and bench/phone_page_bench.py."""
import json
import os
import subprocess
import sys
import tempfile
import time


class Chromium:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="skm-cdp-")
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()

        def child_fds():
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        self.proc = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                                      "--user-data-dir=" + self.profile, "--no-first-run", "about:blank"],
                                     pass_fds=(3, 4), preexec_fn=child_fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.out = os.fdopen(to_w, "wb", buffering=0)
        self.inp = os.fdopen(from_r, "rb", buffering=0)
        self.pending = b""
        self.events = []
        self.next_id = 0

    def message(self):
        while b"\0" not in self.pending:
            chunk = self.inp.read(65536)
            if not chunk:
                sys.exit("cdp: chromium closed the pipe")
            self.pending += chunk
        raw, self.pending = self.pending.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.out.write(json.dumps(msg).encode() + b"\0")
        while True:
            m = self.message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    sys.exit(f"cdp: {method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, event, seconds=60):
        """The first event named `event`; the events before it are returned too (all, in order)."""
        deadline = time.time() + seconds
        seen = []
        while time.time() < deadline:
            while self.events:
                m = self.events.pop(0)
                seen.append(m)
                if m.get("method") == event:
                    return seen
            self.events.append(self.message())
        sys.exit(f"cdp: no {event} within {seconds} s")

    def page(self):
        """A new tab: its session id."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        return self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
        subprocess.run(["rm", "-rf", self.profile])
