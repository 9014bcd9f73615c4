#!/usr/bin/env python3
"""The phone questionnaire on a cheap phone over 3G: its page weight and its time to interactive, in
headless Chromium at 390x844 (mobile) with the DevTools protocol's network throttling, against a
baseline measured in the same run: skm-central's smallest page (the "link not valid" answer, 404), and
the report's sign-in page. The page runs no script, so it is interactive when it has loaded (the load
event); the time is from the document's request to that event, the cache disabled, the median of five
loads. Bytes are the document's as they crossed the network (headers included).
Usage: bench/phone_page_bench.py [BIN_DIR]  (default build/bin)"""
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "support"))
from cdp_pipe import Chromium  # noqa: E402

bin_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "bin")
work = tempfile.mkdtemp(prefix="skm-phone-bench-")
os.makedirs(os.path.join(work, "central", "publish"))
shutil.copy(os.path.join(here, "..", "config", "demo-roster.toml"), os.path.join(work, "central", "publish", "roster.toml"))
log = open(os.path.join(work, "central.log"), "w")
central = subprocess.Popen([os.path.join(bin_dir, "skm-central"), "serve", "--listen", "127.0.0.1:0", "--data-dir", os.path.join(work, "central")],
                           stdout=log, stderr=log)
url = None
for _ in range(100):
    m = re.search(r"http://127\.0\.0\.1:\d+", open(os.path.join(work, "central.log")).read())
    if m:
        url = m.group(0)
        break
    time.sleep(0.1)
if not url:
    sys.exit("skm-central did not start")
prov_file = os.path.join(work, "prov.json")
subprocess.run([os.path.join(bin_dir, "skm-central"), "device", "add", "bench-kiosk", "--out", prov_file, "--url", url, "--data-dir",
                os.path.join(work, "central")], check=True, stdout=subprocess.DEVNULL)
prov = json.load(open(prov_file))


def link():
    """A link as the kiosk makes it (core/phone_link.hpp), from its description: a case of the demo officer."""
    ref = uuid.UUID(int=(int(time.time() * 1000) << 80) | (7 << 76) | (2 << 62) | int.from_bytes(os.urandom(7), "big"))
    body = bytes([1, 2]) + ref.bytes + int(time.time() + 86400).to_bytes(4, "big") + (198503302010011002).to_bytes(8, "big") + ref.bytes
    for text in ("kk", "Loket 1", prov["device_id"]):
        b = text.encode()
        body += bytes([len(b)]) + b
    mac = hmac.new(bytes.fromhex(prov["secret"]), b"SKM-PHONE-1" + body, hashlib.sha256).digest()[:16]
    return url + "/m/" + base64.urlsafe_b64encode(body + mac).decode().rstrip("=")


# Chrome DevTools' presets, in bytes per second and ms of latency.
profiles = [("unthrottled", None), ("3G", (1.6e6 / 8, 0.75e6 / 8, 150)), ("slow 3G", (0.4e6 / 8, 0.4e6 / 8, 400))]
pages = [("baseline: 404 page", lambda: url + "/m/" + "A" * 40), ("report sign-in page", lambda: url + "/login"), ("phone questionnaire", link)]

browser = Chromium()
results = {}
runs = 5
try:
    for profile, net in profiles:
        for name, make in pages:
          samples = []
          for _ in range(runs):
            s = browser.page()
            send = browser.send
            send("Page.enable", session=s)
            send("Network.enable", session=s)
            send("Network.setCacheDisabled", {"cacheDisabled": True}, s)
            send("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}, s)
            if net:
                send("Network.emulateNetworkConditions", {"offline": False, "downloadThroughput": net[0], "uploadThroughput": net[1], "latency": net[2]}, s)
            target = make()
            send("Page.navigate", {"url": target}, s)
            seen = browser.wait_for("Page.loadEventFired")
            document = next(m["params"] for m in seen if m.get("method") == "Network.requestWillBeSent" and m["params"].get("type") == "Document")
            loaded = next(m["params"]["timestamp"] for m in seen if m.get("method") == "Page.loadEventFired")
            encoded = next((m["params"]["encodedDataLength"] for m in seen
                            if m.get("method") == "Network.loadingFinished" and m["params"]["requestId"] == document["requestId"]), 0)
            samples.append((encoded, (loaded - document["timestamp"]) * 1000))
            send("Target.closeTarget", {"targetId": send("Target.getTargetInfo", {}, s)["targetInfo"]["targetId"]})
          samples.sort(key=lambda x: x[1])
          results[(profile, name)] = samples[runs // 2]
finally:
    browser.close()
    central.terminate()
    central.wait()
    shutil.rmtree(work)

print(f"{'network':<12} {'page':<22} {'bytes':>8} {'interactive ms':>15} {'x baseline':>11}")
for profile, _ in profiles:
    base = results[(profile, pages[0][0])][1]
    for name, _ in pages:
        b, ms = results[(profile, name)]
        print(f"{profile:<12} {name:<22} {b:>8} {ms:>15.0f} {ms / base:>11.2f}")
