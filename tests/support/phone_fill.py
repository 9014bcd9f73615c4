#!/usr/bin/env python3
"""A citizen's phone answering the questionnaire: headless Chromium at 390x844 (mobile, 2x), with the
page's own scripts disabled, driven over the DevTools protocol (cdp_pipe.py). Each answer is a tap at
the centre of its radio button's box, as a thumb makes it; the saran is typed; "Kirim" is tapped.
Prints the page's HTML after the answer was sent; writes a screenshot of it.
Usage: phone_fill.py URL SCREENSHOT.png"""
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp_pipe import Chromium  # noqa: E402

url, shot = sys.argv[1], sys.argv[2]
answers = [("U1", 4), ("U2", 4), ("U3", 3), ("U4", 4), ("U5", 3), ("U6", 4), ("U7", 4), ("U8", 3), ("U9", 4)]

browser = Chromium()
try:
    s = browser.page()
    send = browser.send
    send("Page.enable", session=s)
    send("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}, s)
    send("Emulation.setScriptExecutionDisabled", {"value": True}, s)  # the page must work without script
    send("Page.navigate", {"url": url}, s)
    browser.wait_for("Page.loadEventFired")

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
    browser.wait_for("Page.loadEventFired")
    with open(shot, "wb") as f:
        f.write(base64.b64decode(send("Page.captureScreenshot", {"format": "png"}, s)["data"]))
    root = send("DOM.getDocument", {}, s)["root"]["nodeId"]
    print(send("DOM.getOuterHTML", {"nodeId": root}, s)["outerHTML"])
finally:
    browser.close()
