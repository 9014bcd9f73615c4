#!/usr/bin/env python3
"""A second, minimal client of the SKM sync protocol, written from docs/sync-protocol.md alone
(Python 3, standard library only). tests/protocol_client_test.sh runs it against a real skm-central.
About 500 lines, one file on purpose: it is the proof that the document alone is enough to write a
client, so it is written as a second implementer would, without the project's modules.

  protocol_client.py selftest DOC
      recompute the document's worked example (canonical requests, signatures, a 304's response
      signature, the chain's JSON text and hashes) and compare with the document, byte for byte
  protocol_client.py run PROVISION ROSTER STATE
      the whole conversation with the central office named in PROVISION: clock skew, uploads of
      every kind, replay, duplicates, updates, the documented refusals, the configuration download
      (ROSTER is the roster.toml it publishes); writes what it stored to STATE (JSON)
  protocol_client.py resend PROVISION STATE
      send every record of STATE again: each must be answered duplicate

Exits 0 when every answer is the one the document promises, else prints what differed and exits 1.
"""

import base64
import gzip
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import ssl
import sys
import time
import urllib.parse

# ---- the document's rules -----------------------------------------------------------------------

UPLOAD_PATH = "/v1/ratings"
CONFIG_PATH = "/v1/config"
GENESIS = "0" * 64
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()  # lower-case hex


def hmac_hex(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def canonical_request(method: str, path: str, timestamp: int, nonce: str, body: bytes) -> str:
    # Five lines joined by LF, no newline at the end; the body's hash over the bytes as sent.
    return "\n".join([method, path, str(timestamp), nonce, sha256_hex(body)])


def canonical_response(nonce: str, etag: str, body: bytes) -> str:
    return "\n".join(["RESPONSE", nonce, etag, sha256_hex(body)])


def compact_json(value) -> bytes:
    # The chain's and the ETag's JSON: no spaces, non-ASCII as raw UTF-8, control characters escaped.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def chain_hash(prev_hash: str, r: dict) -> str:
    fields = [prev_hash, r["id"], r["score"], r["created_wall_ms"], r["created_mono_ms"], r["boot_id"], r["counter"],
              r["officer_nip"], r["case_id"], r["service_code"], r["suppressed"], r["language"], r["scope"]]
    return sha256_hex(compact_json(fields))


def uuid7() -> str:
    # RFC 9562: 48 bits of Unix ms, version 7, 12 random bits, variant 0b10, 62 random bits; lower case.
    ms = time.time_ns() // 1_000_000
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | secrets.randbits(12) << 64 | 0b10 << 62 | secrets.randbits(62)
    h = f"{value:032x}"
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def new_nonce() -> str:
    return secrets.token_hex(16)  # 32 of [0-9a-f]: within 16-64 of [A-Za-z0-9_-]


class Failure(Exception):
    pass


def expect(condition, what):
    if not condition:
        raise Failure(what)


# ---- selftest: the worked example -----------------------------------------------------------------


def example_blocks(doc: str) -> dict:
    return dict(re.findall(r"<!-- example ([a-z0-9-]+) -->\n```[a-z]*\n(.*?)\n```", doc, flags=re.S))


def selftest(doc_path: str) -> None:
    doc = open(doc_path, encoding="utf-8").read()
    blocks = example_blocks(doc)
    inputs = dict(re.findall(r"^([a-z0-9_]+) = (.*)$", blocks["inputs"], flags=re.M))
    key = bytes.fromhex(inputs["secret"])
    ts = int(inputs["timestamp"])
    nonce = inputs["nonce"]
    body = base64.b64decode(inputs["body_base64"], validate=True)
    expect(json.loads(gzip.decompress(body))["device_id"] == "kiosk-01", "the example body is not the upload it says")

    post = canonical_request("POST", UPLOAD_PATH, ts, nonce, body)
    expect(post == blocks["canonical-post"], f"canonical POST differs:\n{post}")
    expect(hmac_hex(key, post) == blocks["signature-post"], "POST signature differs")
    text_keyed = hmac_hex(inputs["secret"].encode("ascii"), post)
    expect(f"`{text_keyed}`" in doc, "the document's value for the text-keyed HMAC differs")
    get = canonical_request("GET", CONFIG_PATH, ts, nonce, b"")
    expect(get == blocks["canonical-get"], f"canonical GET differs:\n{get}")
    expect(hmac_hex(key, get) == blocks["signature-get"], "GET signature differs")
    etag = blocks["canonical-response-304"].split("\n")[2]
    response = canonical_response(nonce, etag, b"")
    expect(response == blocks["canonical-response-304"], "canonical response differs")
    expect(hmac_hex(key, response) == blocks["signature-response-304"], "response signature differs")

    prev = GENESIS
    for n in ("1", "2"):
        text = blocks[f"chain-json-{n}"]
        a = json.loads(text)
        expect(compact_json(a) == text.encode("utf-8"), f"chain JSON {n} is not written the way the document says")
        expect(a[0] == prev, f"chain JSON {n} does not follow its predecessor")
        names = ["prev_hash", "id", "score", "created_wall_ms", "created_mono_ms", "boot_id", "counter", "officer_nip", "case_id",
                 "service_code", "suppressed", "language", "scope"]
        h = chain_hash(a[0], dict(zip(names, a)))
        expect(h == blocks[f"chain-hash-{n}"], f"chain hash {n} differs: {h}")
        prev = h
    # Control characters, '/', DEL and U+2028 the way the document says.
    expect(compact_json(["/\x7f\u2028", "\x01\x1f", "\b\f\n\r\t", '"\\']) ==
           '["/\x7f\u2028","\\u0001\\u001f","\\b\\f\\n\\r\\t","\\"\\\\"]'.encode("utf-8"), "escapes differ")
    print("selftest: the worked example is what this client computes")


# ---- the client ---------------------------------------------------------------------------------


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # names in lower case; the first of each
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"{self.status} {self.body[:300]!r}"


class Client:
    def __init__(self, provision_path):
        p = json.load(open(provision_path, encoding="utf-8"))
        expect(p.get("protocol") == 1, "the provisioning file is not protocol 1")
        self.device = p["device_id"]
        self.secret = p["secret"]
        expect(re.fullmatch(r"[0-9a-f]{64}", self.secret) is not None, "the secret is not 64 lower-case hex digits")
        self.key = bytes.fromhex(self.secret)  # the HMAC key is the decoded bytes
        url = urllib.parse.urlsplit(p["central_url"])
        self.https = url.scheme == "https"
        self.host, self.port = url.hostname, url.port or (443 if self.https else 80)
        self.ca = p.get("ca_pem")
        self.offset = 0  # server time minus ours, seconds, learned from clock_skew

    def now(self):
        return int(time.time()) + self.offset

    def connection(self):
        if self.https:
            ctx = ssl.create_default_context(cadata=self.ca) if self.ca else ssl.create_default_context()
            return http.client.HTTPSConnection(self.host, self.port, context=ctx, timeout=30)
        return http.client.HTTPConnection(self.host, self.port, timeout=30)

    def signed_headers(self, method, path, body, *, timestamp=None, nonce=None, device=None, key=None):
        ts = self.now() if timestamp is None else timestamp
        nonce = nonce or new_nonce()
        headers = {
            "X-SKM-Protocol": "1",
            "X-SKM-Device": device or self.device,
            "X-SKM-Timestamp": str(ts),
            "X-SKM-Nonce": nonce,
            "X-SKM-Signature": hmac_hex(key or self.key, canonical_request(method, path, ts, nonce, body)),
        }
        return headers

    def send(self, method, target, body=b"", headers=None):
        conn = self.connection()
        try:
            conn.request(method, target, body=body if body or method == "POST" else None, headers=headers or {})
            r = conn.getresponse()
            got = {}
            for name, value in r.getheaders():
                got.setdefault(name.lower(), value)
            return Answer(r.status, got, r.read())
        finally:
            conn.close()

    def upload(self, payload: dict, *, retry_skew=True):
        body = gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        headers = self.signed_headers("POST", UPLOAD_PATH, body)
        headers["Content-Type"] = "application/gzip"
        a = self.send("POST", UPLOAD_PATH, body, headers)
        if retry_skew and a.status == 401 and a.json().get("error") == "clock_skew":
            self.offset = a.json()["server_time"] - int(time.time())
            return self.upload(payload, retry_skew=False)
        return a

    def get_config(self, if_none_match=None, target=CONFIG_PATH):
        headers = self.signed_headers("GET", CONFIG_PATH, b"")
        if if_none_match is not None:
            headers["If-None-Match"] = if_none_match
        return self.send("GET", target, b"", headers), headers["X-SKM-Nonce"]

    def response_signed(self, answer, nonce):
        etag = answer.headers.get("etag")
        signature = answer.headers.get("x-skm-signature")
        if etag is None or signature is None:
            return False
        return hmac.compare_digest(hmac_hex(self.key, canonical_response(nonce, etag, answer.body)), signature)


def statuses(answer_list):
    return [a["status"] for a in answer_list]


def body_of(device, **kinds):
    payload = {"protocol": 1, "device_id": device, "batch_id": uuid7(), "ratings": []}
    payload.update(kinds)
    return payload


def expect_refusal(answer, status, error, what, *, loop=False):
    expect(answer.status == status, f"{what}: expected {status} {error}, got {answer!r}")
    j = answer.json()
    expect(j.get("error") == error, f"{what}: expected error {error}, got {answer!r}")
    expect("detail" in j, f"{what}: no detail")
    if loop:
        expect("protocol" not in j and "server_time" not in j, f"{what}: a refusal of the HTTP layer carries no protocol or server_time")
    else:
        expect(j.get("protocol") == 1 and isinstance(j.get("server_time"), int), f"{what}: no protocol or server_time in {answer!r}")
    return j


# ---- the conversation -----------------------------------------------------------------------------


def boot_id():
    try:
        return open("/proc/sys/kernel/random/boot_id").read().strip()
    except OSError:
        return uuid7()


def mono_ms():
    return time.clock_gettime_ns(time.CLOCK_BOOTTIME) // 1_000_000


def wall_ms():
    return time.time_ns() // 1_000_000


def run(provision_path, roster_path, state_path):
    c = Client(provision_path)
    step = lambda text: print(f"  {text}", flush=True)

    # Health: unsigned.
    a = c.send("GET", "/v1/health")
    expect(a.status == 200 and a.json() == {"ok": True, "protocol": 1}, f"health: {a!r}")

    # The records of one morning at one counter: a session, a case, three ratings (chained), an audit
    # event, a survey response. Non-ASCII in the counter and a comment.
    boot = boot_id()
    counter = "Loket 2 — Ruang Ñ"
    nip = "198503302010011002"
    t0 = wall_ms() - 60_000
    m0 = mono_ms() - 60_000
    session = {"id": uuid7(), "nip": nip, "counter": counter, "boot_id": boot, "started_wall_ms": t0, "started_mono_ms": m0,
               "state": "active", "ended_wall_ms": None, "end_reason": None,
               "events": [{"kind": "start", "at_wall_ms": t0, "at_mono_ms": m0, "detail": {}}]}
    case = {"id": uuid7(), "session_id": session["id"], "nip": nip, "counter": counter, "service_code": "nib", "ticket": "A-017",
            "boot_id": boot, "opened_wall_ms": t0 + 1000, "opened_mono_ms": m0 + 1000, "status": "open", "close_reason": None,
            "rating_id": None, "closed_wall_ms": None}
    ratings = []
    prev = GENESIS
    for i, (score, scope, comment, suppressed, language) in enumerate([
            (4, "case", None, False, "id"),
            (2, "counter", "Antrean lama — ±45 menit; petugas ramah 👍", False, "en"),
            (1, "counter", None, True, "id")]):
        r = {"id": uuid7(), "score": score, "created_wall_ms": t0 + 5000 + i * 7000, "created_mono_ms": m0 + 5000 + i * 7000,
             "boot_id": boot, "device_id": c.device, "counter": counter,
             "officer_nip": nip if scope == "case" else None, "case_id": case["id"] if scope == "case" else None,
             "service_code": "nib" if scope == "case" else None, "reasons": None, "comment": comment, "suppressed": suppressed,
             "language": language, "scope": scope, "chain_seq": i + 1, "prev_hash": prev}
        prev = chain_hash(prev, r)
        ratings.append(r)
    bad = dict(ratings[0], id=uuid7(), score=5)  # refused: not on the chain, never stored
    audit = {"id": uuid7(), "at_wall_ms": t0, "at_mono_ms": m0, "boot_id": boot, "kind": "signin_ok", "nip": nip,
             "detail": {"channel": "keyboard"}}
    survey = {"id": uuid7(), "survey_version": "skm-2017", "counter": counter, "boot_id": boot, "started_wall_ms": t0 + 30_000,
              "started_mono_ms": m0 + 30_000, "language": "id", "service_code": "nib", "officer_nip": nip, "case_id": case["id"],
              "status": "complete", "finished_wall_ms": t0 + 90_000,
              "answers": {f"U{u}": (u % 4) + 1 for u in range(1, 10)}, "profile": {"jenis_kelamin": "P", "pendidikan": "S1"}}
    everything = dict(ratings=ratings + [bad], sessions=[session], cases=[case], audit=[audit], surveys=[survey])

    # 1. A clock an hour off: 401 clock_skew with server_time, then signed again with the server's time.
    c.offset = -3600
    payload = body_of(c.device, **everything)
    body = gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    headers = c.signed_headers("POST", UPLOAD_PATH, body)
    headers["Content-Type"] = "application/gzip"
    skew = expect_refusal(c.send("POST", UPLOAD_PATH, body, headers), 401, "clock_skew", "a clock an hour off")
    expect(abs(skew["server_time"] - time.time()) < 120, "server_time is not the server's time")
    c.offset = skew["server_time"] - int(time.time())
    step("clock_skew answered with server_time; the clock corrected")

    # 2. The upload: every item answered, in order.
    headers = c.signed_headers("POST", UPLOAD_PATH, body)
    headers["Content-Type"] = "application/gzip"
    a = c.send("POST", UPLOAD_PATH, body, headers)
    expect(a.status == 200, f"upload: {a!r}")
    j = a.json()
    expect(j.get("protocol") == 1 and isinstance(j.get("server_time"), int), f"upload answer: {j}")
    expect(set(j) == {"protocol", "server_time", "results", "sessions", "cases", "audit", "surveys"}, f"answer keys: {sorted(j)}")
    expect([r["id"] for r in j["results"]] == [r["id"] for r in everything["ratings"]], "results are not in the order sent")
    expect(statuses(j["results"]) == ["stored", "stored", "stored", "rejected"], f"ratings: {j['results']}")
    expect(j["results"][3].get("reason") == "score must be 1 to 4", f"the reason: {j['results'][3]}")
    for kind in ("sessions", "cases", "audit", "surveys"):
        expect(statuses(j[kind]) == ["stored"], f"{kind}: {j[kind]}")
        expect(j[kind][0]["id"] == everything[kind][0]["id"], f"{kind}: another id")
    step("uploaded 3 ratings, a session, a case, an audit event, a survey response: stored; a score of 5 rejected with its reason")

    # 3. The same request again, byte for byte: a replay.
    expect_refusal(c.send("POST", UPLOAD_PATH, body, headers), 409, "replay", "the same request again")
    step("the same request again: 409 replay")

    # 4. The same records in a new request: duplicate.
    a = c.upload(body_of(c.device, **everything))
    expect(a.status == 200, f"re-send: {a!r}")
    j = a.json()
    expect(statuses(j["results"]) == ["duplicate", "duplicate", "duplicate", "rejected"], f"re-send: {j['results']}")
    for kind in ("sessions", "cases", "audit", "surveys"):
        expect(statuses(j[kind]) == ["duplicate"], f"re-send {kind}: {j[kind]}")
    step("the same records in a new request: duplicate")

    # 5. Later versions, as a kiosk changes them: a follow-up after the upload, the case rated, the session ended.
    ratings[1] = dict(ratings[1], reasons=["antrean_lama"], comment=ratings[1]["comment"] + " Terima kasih.")
    case = dict(case, status="rated", close_reason="rated", rating_id=ratings[0]["id"], closed_wall_ms=ratings[0]["created_wall_ms"])
    t1, m1 = t0 + 50_000, m0 + 50_000
    session = dict(session, state="ended", ended_wall_ms=t1, end_reason="signed_out",
                   events=session["events"] + [{"kind": "end", "at_wall_ms": t1, "at_mono_ms": m1, "detail": {"reason": "signed_out"}}])
    a = c.upload(body_of(c.device, ratings=ratings, sessions=[session], cases=[case], audit=[audit], surveys=[survey]))
    expect(a.status == 200, f"later versions: {a!r}")
    j = a.json()
    expect(statuses(j["results"]) == ["duplicate", "updated", "duplicate"], f"later versions: {j['results']}")
    expect(statuses(j["sessions"]) == ["updated"] and statuses(j["cases"]) == ["updated"], f"later versions: {j}")
    expect(statuses(j["audit"]) == ["duplicate"] and statuses(j["surveys"]) == ["duplicate"], f"later versions: {j}")
    step("a follow-up, the case rated, the session ended: updated")

    # 6. The documented refusals.
    refusals(c)

    # 7. The configuration.
    config(c, roster_path)

    state = {"device": c.device, "ratings": ratings, "sessions": [session], "cases": [case], "audit": [audit], "surveys": [survey],
             "expect": {"ratings": len(ratings), "suppressed": sum(r["suppressed"] for r in ratings), "sessions": 1, "cases": 1, "audit": 1,
                        "surveys_complete": 1, "comment": ratings[1]["comment"], "reasons": ratings[1]["reasons"]}}
    with open(state_path, "w", encoding="utf-8") as f:
        json.dump(state, f, ensure_ascii=False, indent=1)


def refusals(c: Client):
    step = lambda text: print(f"  {text}", flush=True)
    body = gzip.compress(json.dumps(body_of(c.device)).encode("utf-8"))

    def post(headers, data=body, target=UPLOAD_PATH, content_type="application/gzip"):
        h = dict(headers)
        if content_type:
            h["Content-Type"] = content_type
        return c.send("POST", target, data, h)

    # Signatures: one digit off, upper-case hex, keyed with the secret's text, an unknown device: all the same 401.
    h = c.signed_headers("POST", UPLOAD_PATH, body)
    sig = h["X-SKM-Signature"]
    h["X-SKM-Signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
    wrong = expect_refusal(post(h), 401, "unauthorized", "a wrong signature")
    h = c.signed_headers("POST", UPLOAD_PATH, body)
    h["X-SKM-Signature"] = h["X-SKM-Signature"].upper()
    expect_refusal(post(h), 401, "unauthorized", "an upper-case signature")
    expect_refusal(post(c.signed_headers("POST", UPLOAD_PATH, body, key=c.secret.encode("ascii"))), 401, "unauthorized",
                   "the secret's text as the key")
    unknown = expect_refusal(post(c.signed_headers("POST", UPLOAD_PATH, body, device="no-such-device")), 401, "unauthorized", "an unknown device")
    expect(unknown["detail"] == wrong["detail"], "an unknown device is answered differently from a wrong signature")
    step("wrong, upper-case and text-keyed signatures, an unknown device: 401 unauthorized, the same answer")

    # Headers.
    h = c.signed_headers("POST", UPLOAD_PATH, body)
    h["X-SKM-Protocol"] = "2"
    expect_refusal(post(h), 400, "protocol", "protocol 2")
    for device in (".hidden", "-dash", "a" * 65, "kiosk 01", "kiosk%2e01", "kiosk/01", "kioskö"):
        h = c.signed_headers("POST", UPLOAD_PATH, body, device=device) if device.isascii() else dict(c.signed_headers("POST", UPLOAD_PATH, body))
        if not device.isascii():
            h["X-SKM-Device"] = device.encode("utf-8").decode("latin-1")  # the raw UTF-8 bytes on the wire
        expect_refusal(post(h), 400, "device", f"device {device!r}")
    for ts in ("12a4", "-5", "+1796065800", "1796065800.5", "1234567890123", ""):
        h = c.signed_headers("POST", UPLOAD_PATH, body)
        h["X-SKM-Timestamp"] = ts
        expect_refusal(post(h), 400, "timestamp", f"timestamp {ts!r}")
    h = c.signed_headers("POST", UPLOAD_PATH, body, timestamp=c.now() - 301 - 5)
    expect_refusal(post(h), 401, "clock_skew", "a timestamp 306 s behind")
    for nonce in ("short", "x" * 15, "x" * 65, "has space in it!!", "dots.are.not.allowed", "sl/ash-0123456789"):
        expect_refusal(post(c.signed_headers("POST", UPLOAD_PATH, body, nonce=nonce)), 400, "nonce", f"nonce {nonce!r}")
    for nonce in ("A" * 16, "a-b_c" + "9" * 59):  # the shortest and the longest, every allowed kind of character
        expect(post(c.signed_headers("POST", UPLOAD_PATH, body, nonce=nonce)).status == 200, f"nonce {nonce!r} refused")
    step("protocol, device, timestamp, clock_skew, nonce refusals as documented")

    # Encoding: Content-Encoding (a signed request) and another Content-Type; the nonce is spent by then.
    h = c.signed_headers("POST", UPLOAD_PATH, body)
    h["Content-Encoding"] = "gzip"
    expect_refusal(post(h), 415, "encoding", "Content-Encoding: gzip")
    expect_refusal(post(h), 409, "replay", "the nonce after a 415")
    h = c.signed_headers("POST", UPLOAD_PATH, body)
    expect_refusal(post(h, content_type="application/json"), 415, "encoding", "Content-Type application/json")
    h = c.signed_headers("POST", UPLOAD_PATH, body)
    expect_refusal(post(h, content_type="application/gzip; charset=utf-8"), 415, "encoding", "Content-Type with a parameter")
    step("Content-Encoding and another Content-Type: 415 encoding; the nonce was spent")

    # A wrong signature does not spend its nonce.
    h = c.signed_headers("POST", UPLOAD_PATH, body)
    good = h["X-SKM-Signature"]
    h["X-SKM-Signature"] = "0" * 64
    expect_refusal(post(h), 401, "unauthorized", "a wrong signature")
    h["X-SKM-Signature"] = good
    expect(post(h).status == 200, "the nonce of a refused signature could not be used")

    # Bodies.
    for what, data in (("not gzip", b"{\"protocol\": 1}"), ("empty", b""), ("gzip of not JSON", gzip.compress(b"protocol=1")),
                       ("another device's", gzip.compress(json.dumps(body_of("someone-else")).encode())),
                       ("no ratings", gzip.compress(json.dumps({"protocol": 1, "device_id": c.device}).encode())),
                       ("protocol as text", gzip.compress(json.dumps(dict(body_of(c.device), protocol="1")).encode())),
                       ("device_id as a number", gzip.compress(json.dumps(dict(body_of(c.device), device_id=7)).encode())),
                       ("an array", gzip.compress(b"[]")),
                       ("audit not an array", gzip.compress(json.dumps(body_of(c.device, audit={})).encode())),
                       ("40 levels deep", gzip.compress(json.dumps(body_of(c.device, audit=[json.loads("[" * 40 + "]" * 40)])).encode()))):
        expect_refusal(post(c.signed_headers("POST", UPLOAD_PATH, data), data), 400, "malformed", f"a body {what}")
    many = gzip.compress(json.dumps(body_of(c.device, ratings=[{}] * 4000, audit=[{}] * 1001)).encode())
    expect_refusal(post(c.signed_headers("POST", UPLOAD_PATH, many), many), 413, "too_many", "5,001 items")
    step("malformed bodies: 400 malformed; 5,001 items: 413 too_many")

    # Over 4 MiB: refused from the Content-Length, before a byte of the body is sent.
    conn = c.connection()
    try:
        conn.putrequest("POST", UPLOAD_PATH)
        for name, value in c.signed_headers("POST", UPLOAD_PATH, b"x").items():
            conn.putheader(name, value)
        conn.putheader("Content-Type", "application/gzip")
        conn.putheader("Content-Length", str(4 * 1024 * 1024 + 1))
        conn.endheaders()
        r = conn.getresponse()
        expect_refusal(Answer(r.status, {}, r.read()), 413, "too_large", "a 4 MiB + 1 body", loop=True)
    finally:
        conn.close()
    step("4 MiB + 1: 413 too_large before the body")

    # The query string is neither signed nor read.
    a, nonce = c.get_config(target=CONFIG_PATH + "?roster=none&x=%2F")
    expect(a.status == 200 and c.response_signed(a, nonce), f"a query string: {a!r}")
    step("a query string: not signed, not read")


def config(c: Client, roster_path):
    step = lambda text: print(f"  {text}", flush=True)
    a, nonce = c.get_config()
    expect(a.status == 200, f"config: {a!r}")
    expect(a.headers.get("content-type") == "application/gzip", f"config Content-Type: {a.headers}")
    expect(c.response_signed(a, nonce), "the configuration's signature does not verify")
    expect(not c.response_signed(a, new_nonce()), "the configuration's signature verifies for another request")
    etag = a.headers["etag"]
    expect(re.fullmatch(r'"[0-9a-f]{64}"', etag) is not None, f"ETag {etag}")
    j = json.loads(gzip.decompress(a.body))
    expect(j["protocol"] == 1 and j["etag"] == etag, f"config body: protocol {j.get('protocol')}, etag {j.get('etag')}")
    roster = open(roster_path, encoding="utf-8").read()
    expect(j["files"] == {"roster.toml": roster}, f"config files: {sorted(j['files'])}")
    photo_hashes = {path: sha256_hex(base64.b64decode(data, validate=True)) for path, data in j["photos"].items()}
    recomputed = '"' + sha256_hex(json.dumps({"files": j["files"], "photos": photo_hashes}, ensure_ascii=False, sort_keys=True,
                                             separators=(",", ":")).encode("utf-8")) + '"'
    expect(recomputed == etag, f"the ETag is not what the document says: {recomputed} != {etag}")
    step("configuration: 200, application/gzip, signed, the roster as published, the ETag as documented")

    a, nonce = c.get_config(if_none_match=etag)
    expect(a.status == 304 and a.body == b"", f"If-None-Match: {a!r}")
    expect(a.headers.get("etag") == etag and "content-type" not in a.headers, f"304 headers: {a.headers}")
    expect(c.response_signed(a, nonce), "the 304's signature does not verify")
    step("If-None-Match: 304, signed over the empty body")

    for other in ('"' + "0" * 64 + '"', "W/" + etag, etag[1:-1], "*", etag + ", " + etag):
        a, nonce = c.get_config(if_none_match=other)
        expect(a.status == 200 and c.response_signed(a, nonce), f"If-None-Match {other}: {a!r}")
    step("another If-None-Match (weak, unquoted, *, a list): 200")


def resend(provision_path, state_path):
    c = Client(provision_path)
    state = json.load(open(state_path, encoding="utf-8"))
    expect(state["device"] == c.device, "the state is another device's")
    kinds = {k: state[k] for k in ("ratings", "sessions", "cases", "audit", "surveys")}
    a = c.upload(body_of(c.device, **kinds))
    expect(a.status == 200, f"resend: {a!r}")
    j = a.json()
    for kind, answers in (("ratings", j["results"]), ("sessions", j["sessions"]), ("cases", j["cases"]), ("audit", j["audit"]),
                          ("surveys", j["surveys"])):
        expect(statuses(answers) == ["duplicate"] * len(kinds[kind]), f"resend {kind}: {answers}")
    print(f"  resend: all {sum(len(v) for v in kinds.values())} records duplicate")


def main(argv):
    try:
        if len(argv) == 3 and argv[1] == "selftest":
            selftest(argv[2])
        elif len(argv) == 5 and argv[1] == "run":
            run(argv[2], argv[3], argv[4])
        elif len(argv) == 4 and argv[1] == "resend":
            resend(argv[2], argv[3])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
