#!/usr/bin/env python3
"""A citizen's phone answering the questionnaire: headless Chromium at 390x844 (mobile, 2x), with the
page's own scripts disabled, driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
NUL-separated JSON on fds 3 and 4; nothing but python3 and Debian's chromium). Each answer is a tap at
the centre of its radio button's box, as a thumb makes it; the saran is typed; "Kirim" is tapped.
Prints the page's text after the answer was sent; writes a screenshot of it.
Usage: phone_fill.py URL SCREENSHOT.png [LANG]"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

url, shot = sys.argv[1], sys.argv[2]
answers = [("U1", 4), ("U2", 4), ("U3", 3), ("U4", 4), ("U5", 3), ("U6", 4), ("U7", 4), ("U8", 3), ("U9", 4)]

profile = tempfile.mkdtemp(prefix="skm-phone-")
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()


def child_fds():
    os.dup2(to_chrome_r, 3)
    os.dup2(from_chrome_w, 4)


proc = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--user-data-dir=" + profile,
                         "--no-first-run", "about:blank"], pass_fds=(3, 4), preexec_fn=child_fds,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r)
os.close(from_chrome_w)
out = os.fdopen(to_chrome_w, "wb", buffering=0)
inp = os.fdopen(from_chrome_r, "rb", buffering=0)
pending = b""
events = []
next_id = 0


def message():
    global pending
    while b"\0" not in pending:
        chunk = inp.read(65536)
        if not chunk:
            sys.exit("phone_fill: chromium closed the pipe")
        pending += chunk
    raw, pending = pending.split(b"\0", 1)
    return json.loads(raw)


def send(method, params=None, session=None):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    out.write(json.dumps(msg).encode() + b"\0")
    while True:
        m = message()
        if m.get("id") == next_id:
            if "error" in m:
                sys.exit(f"phone_fill: {method}: {m['error']}")
            return m.get("result", {})
        events.append(m)


def wait_for(event, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        for i, m in enumerate(events):
            if m.get("method") == event:
                del events[: i + 1]
                return
        events.append(message())
    sys.exit(f"phone_fill: no {event} within {seconds} s")


try:
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    send("Page.enable", session=s)
    send("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}, s)
    send("Emulation.setScriptExecutionDisabled", {"value": True}, s)  # the page must work without script
    send("Page.navigate", {"url": url}, s)
    wait_for("Page.loadEventFired")

    def centre(selector):
        root = send("DOM.getDocument", {}, s)["root"]["nodeId"]
        node = send("DOM.querySelector", {"nodeId": root, "selector": selector}, s)["nodeId"]
        if not node:
            sys.exit(f"phone_fill: the page has no {selector}")
        send("DOM.scrollIntoViewIfNeeded", {"nodeId": node}, s)
        q = send("DOM.getBoxModel", {"nodeId": node}, s)["model"]["border"]
        return (q[0] + q[4]) / 2, (q[1] + q[5]) / 2

    def tap(selector):
        x, y = centre(selector)
        for kind in ("mousePressed", "mouseReleased"):
            send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}, s)

    for code, value in answers:
        tap(f'input[name="{code}"][value="{value}"]')
    tap('input[name="jenis_kelamin"][value="P"]')
    tap('textarea[name="saran"]')
    send("Input.insertText", {"text": "Pelayanan cepat dan ramah"}, s)
    tap('button[type="submit"]')
    wait_for("Page.loadEventFired")
    png = send("Page.captureScreenshot", {"format": "png"}, s)["data"]
    with open(shot, "wb") as f:
        f.write(base64.b64decode(png))
    root = send("DOM.getDocument", {}, s)["root"]["nodeId"]
    html = send("DOM.getOuterHTML", {"nodeId": root}, s)["outerHTML"]
    print(html)
    send("Browser.close")
finally:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    subprocess.run(["rm", "-rf", profile])
