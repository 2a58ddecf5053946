#!/usr/bin/env python3
"""note_check.py - an independent C2SP checkpoint checker for the tests,
with only the standard library and the openssl command for Ed25519.

  note_check.py verify NOTE ORIGIN PUB_B64   exit 0 if NOTE is a checkpoint
                                             signed by PUB under ORIGIN
  note_check.py cosign NOTE NAME KEY_PEM T   prints NOTE with a
                                             cosignature/v1 line added
  note_check.py pub KEY_PEM                  prints the base64 public key"""
import base64, hashlib, os, re, subprocess, sys, tempfile

DASH = "\u2014 "
SPKI = bytes.fromhex("302a300506032b6570032100")

def key_id(name, typ, pub):
    return hashlib.sha256(name.encode() + b"\n" + bytes([typ]) + pub).digest()[:4]

def split(note):
    assert note.endswith("\n"), "no final newline"
    i = note.rindex("\n\n")
    text, sigs = note[:i + 1], note[i + 2:]
    lines = sigs.splitlines()
    assert lines and all(l.startswith(DASH) for l in lines), "bad signature lines"
    out = []
    for l in lines:
        name, b = l[len(DASH):].split(" ")
        raw = base64.b64decode(b, validate=True)
        assert base64.b64encode(raw).decode() == b, "non-canonical base64"
        out.append((name, raw[:4], raw[4:]))
    return text, out

def ed25519_verify(pub, msg, sig):
    with tempfile.TemporaryDirectory() as d:
        open(f"{d}/pub.der", "wb").write(SPKI + pub)
        open(f"{d}/msg", "wb").write(msg)
        open(f"{d}/sig", "wb").write(sig)
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-rawin", "-pubin",
            "-keyform", "DER", "-inkey", f"{d}/pub.der", "-in", f"{d}/msg",
            "-sigfile", f"{d}/sig"], capture_output=True)
        return r.returncode == 0

def verify(path, origin, pub_b64):
    note = open(path, encoding="utf-8").read()
    text, sigs = split(note)
    lines = text.split("\n")
    assert lines[0] == origin, f"origin {lines[0]!r}"
    assert re.fullmatch(r"0|[1-9][0-9]*", lines[1]), "tree size"
    assert len(base64.b64decode(lines[2], validate=True)) == 32, "root hash"
    pub = base64.b64decode(pub_b64)
    want = key_id(origin, 1, pub)
    ok = [s for n, k, s in sigs if n == origin and k == want]
    assert len(ok) == 1 and ed25519_verify(pub, text.encode(), ok[0]), "log signature"
    print(f"ok: {origin} size {lines[1]}")

def pub_of(pem):
    der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"],
        capture_output=True, check=True).stdout
    return der[-32:]

def cosign(path, name, pem, t):
    note = open(path, encoding="utf-8").read()
    text, _ = split(note)
    msg = f"cosignature/v1\ntime {int(t)}\n".encode() + text.encode()
    with tempfile.TemporaryDirectory() as d:
        open(f"{d}/msg", "wb").write(msg)
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", pem,
            "-in", f"{d}/msg"], capture_output=True, check=True).stdout
    raw = key_id(name, 4, pub_of(pem)) + int(t).to_bytes(8, "big") + sig
    sys.stdout.write(note + DASH + name + " " + base64.b64encode(raw).decode() + "\n")

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "verify":
        verify(*sys.argv[2:5])
    elif cmd == "cosign":
        cosign(*sys.argv[2:6])
    elif cmd == "pub":
        print(base64.b64encode(pub_of(sys.argv[2])).decode())
