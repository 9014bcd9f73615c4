#!/usr/bin/env python3
"""A real webhook receiver for the alert tests: an HTTP server on 127.0.0.1:PORT that writes each
POST it receives to DIR/NNNNNN.json as {"path", "headers", "body"} and answers 200 (or STATUS, to
stand for a receiver that refuses). Prints "listening PORT" once it accepts connections. With --hang
it writes the POST and never answers: it holds the connection until the sender gives up, then
writes DIR-closed/NNNNNN (a receiver that hangs, and when the sender let go of it).

    webhook_sink.py --port PORT --dir DIR [--status 200] [--hang]
"""
import argparse
import http.server
import json
import os
import sys
import threading

lock = threading.Lock()
count = 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--status", type=int, default=200)
    p.add_argument("--hang", action="store_true")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            global count
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n).decode("utf-8", "replace")
            with lock:
                count += 1
                name = os.path.join(a.dir, "%06d.json" % count)
            with open(name + ".tmp", "w") as f:
                json.dump({"path": self.path, "headers": dict(self.headers), "body": body, "status": a.status}, f)
            os.rename(name + ".tmp", name)
            if a.hang:
                while self.connection.recv(1):  # until the sender closes
                    pass
                os.makedirs(a.dir + "-closed", exist_ok=True)
                open(os.path.join(a.dir + "-closed", "%06d" % count), "w").close()
                self.close_connection = True
                return
            self.send_response(a.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print("listening %d" % a.port, flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
