#!/usr/bin/env python3
"""liar.py - a lying log server for tests/cli/online_lies.sh (stdlib only).

    liar.py PORTFILE UPSTREAM MODE [CERT KEY]

Proxies GETs to UPSTREAM (a real skillcertd) and rewrites its answers as
MODE says; writes the port it listens on (127.0.0.1) to PORTFILE. With
CERT and KEY it speaks TLS."""
import base64, json, ssl, sys, time, urllib.error, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTFILE, UPSTREAM, MODE = sys.argv[1:4]


def fetch(path):
    try:
        with urllib.request.urlopen(UPSTREAM + path, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def rewrite(path, body):
    if MODE in ("hide", "hide_bits", "invent") and path.startswith("/v1/log/proof/"):
        d = json.loads(body)
        if MODE == "invent":
            d["revoked"] = dict(d["issued"])      # an issuance passed off as revocation
        else:
            d.pop("revoked", None)
        return json.dumps(d).encode()
    if MODE in ("hide_bits", "invent_bits") and path.startswith("/v1/status/"):
        d = json.loads(body)
        n = len(base64.b64decode(d["bitstring"]))
        fill = b"\x00" if MODE == "hide_bits" else b"\xff"
        d["bitstring"] = base64.b64encode(fill * n).decode()
        return json.dumps(d).encode()
    return body


class Liar(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        if MODE == "stall":
            time.sleep(30)
        if MODE == "redirect":
            self.send_response(302)
            self.send_header("Location", UPSTREAM + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, body = fetch(self.path)
        body = rewrite(self.path, body)
        length = len(body)
        if MODE == "truncate":
            body = body[: len(body) // 2]          # promised more than sent
        elif MODE == "truncate_json":
            body = body[: len(body) // 2]
            length = len(body)
        elif MODE == "huge":
            body = b" " * (2 << 20) + body
            length = len(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


srv = ThreadingHTTPServer(("127.0.0.1", 0), Liar)
srv.daemon_threads = True
if len(sys.argv) > 5:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[4], sys.argv[5])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
