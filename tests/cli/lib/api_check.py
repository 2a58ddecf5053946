#!/usr/bin/python3
# api_check.py - drives the portal's JSON API from its own OpenAPI document
# (tests/cli/portal_api.sh): every operation listed is called, its status
# must be one the document lists and its JSON must fit the documented schema.
#   api_check.py BASE_URL CONFIG.json   (prints "ok: ..." / "not ok: ...")
import io
import json
import re
import sys
import urllib.error
import urllib.request
import zipfile

PASS = 0
FAIL = 0


def check(desc, cond, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
    else:
        FAIL += 1
        print("not ok: %s %s" % (desc, detail))
    return cond


def http(base, method, path, token=None, body=None, ctype=None):
    """One request; returns (status, content-type, bytes)."""
    req = urllib.request.Request(base + path, data=body, method=method)
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    if ctype is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


class Schema:
    """The subset of JSON Schema the document uses: $ref, type, required,
    properties, items, enum, pattern-free strings."""

    def __init__(self, doc):
        self.doc = doc

    def resolve(self, s):
        while "$ref" in s:
            node = self.doc
            for part in s["$ref"].lstrip("#/").split("/"):
                node = node[part]
            s = node
        return s

    def errors(self, s, v, at="$"):
        s = self.resolve(s)
        t = s.get("type")
        types = {"object": dict, "array": list, "string": str,
                 "boolean": bool, "null": type(None)}
        if t == "integer":
            if not isinstance(v, int) or isinstance(v, bool):
                return ["%s: %r is not an integer" % (at, v)]
        elif t == "number":
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                return ["%s: %r is not a number" % (at, v)]
        elif t is not None and not isinstance(v, types[t]):
            return ["%s: %r is not %s" % (at, v, t)]
        out = []
        if "enum" in s and v not in s["enum"]:
            out.append("%s: %r not in %r" % (at, v, s["enum"]))
        if isinstance(v, dict):
            for k in s.get("required", []):
                if k not in v:
                    out.append("%s: missing %s" % (at, k))
            for k, sub in s.get("properties", {}).items():
                if k in v:
                    out += self.errors(sub, v[k], at + "." + k)
        if isinstance(v, list) and "items" in s:
            for i, x in enumerate(v):
                out += self.errors(s["items"], x, "%s[%d]" % (at, i))
        return out


class Api:
    def __init__(self, base, doc):
        self.base = base
        self.doc = doc
        self.sch = Schema(doc)
        self.ops = {}
        for path, item in doc["paths"].items():
            for method, op in item.items():
                self.ops[op["operationId"]] = (method.upper(), path, op)
        self.called = set()
        self.seen = []

    def call(self, opid, params=None, token=None, body=None, ctype=None,
             want=None):
        """Calls operation opid; checks the status is documented (and is
        want, when given) and a JSON body fits its schema. Returns
        (status, parsed JSON or raw bytes)."""
        method, path, op = self.ops[opid]
        for k, v in (params or {}).items():
            path = path.replace("{%s}" % k, v)
        st, ct, raw = http(self.base, method, path, token, body, ctype)
        self.called.add(opid)
        if "json" in ct:
            self.seen.append(raw)
        d = "%s %s" % (opid, path)
        if want is not None:
            check("%s status %s" % (d, want), st == want,
                  "(got %d: %s)" % (st, raw[:300]))
        resp = op["responses"].get(str(st))
        check("%s status %d documented" % (d, st), resp is not None)
        if resp is None:
            return st, raw
        resp = self.sch.resolve(resp)
        content = resp.get("content", {})
        base_ct = ct.split(";")[0].strip()
        check("%s content type %s documented" % (d, base_ct),
              base_ct in content, "(documented: %s)" % list(content))
        if base_ct != "application/json":
            return st, raw
        check("%s charset utf-8" % d, "charset=utf-8" in ct.lower(), ct)
        try:
            v = json.loads(raw.decode("utf-8"))
        except ValueError as e:
            check("%s JSON parses" % d, False, str(e))
            return st, raw
        if base_ct in content:
            errs = self.sch.errors(content[base_ct]["schema"], v)
            check("%s fits schema" % d, not errs, "; ".join(errs[:5]))
        return st, v


def check_document(doc):
    check("openapi 3.1", str(doc.get("openapi", "")).startswith("3.1"))
    schemes = doc.get("components", {}).get("securitySchemes", {})
    check("bearer scheme", any(s.get("type") == "http" and
          s.get("scheme") == "bearer" for s in schemes.values()))
    sch = Schema(doc)
    for path, item in doc["paths"].items():
        for method, op in item.items():
            d = "%s %s" % (method, path)
            check(d + " has operationId", "operationId" in op)
            for p in path.split("/"):
                if p.startswith("{"):
                    names = [sch.resolve(x)["name"] for x in
                             op.get("parameters", [])]
                    check("%s documents %s" % (d, p), p[1:-1] in names)
            for code, r in op.get("responses", {}).items():
                r = sch.resolve(r)
                for ct, c in r.get("content", {}).items():
                    check("%s %s %s has a schema" % (d, code, ct),
                          "schema" in c)
            if method == "post" and "requestBody" in op:
                check(d + " requestBody content", bool(
                    sch.resolve(op["requestBody"]).get("content")))


def error_of(v):
    return v.get("error", {}) if isinstance(v, dict) else {}


def flow(api, cfg):
    """Every operation with real ids of organization A."""
    ta = cfg["token_a"]
    good = open(cfg["good_csv"], "rb").read()
    st, rep = api.call("submitRoster", token=ta, body=good,
                       ctype="text/csv; charset=utf-8", want=201)
    if not check("good roster report", isinstance(rep, dict) and
                 rep.get("rejected") == 0 and
                 rep.get("valid") == cfg["good_rows"], str(rep)[:300]):
        return None
    rid = rep["roster"]
    check("report lines", [r["line"] for r in rep["report"]] ==
          list(range(2, 2 + cfg["good_rows"])))
    st, rep2 = api.call("getRoster", {"roster": rid}, token=ta, want=200)
    check("getRoster same report", rep2 == rep)
    st, iss = api.call("issueRoster", {"roster": rid}, token=ta,
                       body=b'{"only_valid": false}',
                       ctype="application/json", want=200)
    if not check("issued all", isinstance(iss, dict) and
                 iss.get("issued") == cfg["good_rows"], str(iss)[:300]):
        return None
    nos = [c["number"] for c in iss["certificates"]]
    batch = iss["batch"]
    # Issuing again issues nothing new: the same numbers come back.
    st, again = api.call("issueRoster", {"roster": rid}, token=ta,
                         body=b"{}", ctype="application/json", want=200)
    check("re-issue is idempotent", isinstance(again, dict) and
          again.get("issued") == 0 and again.get("existing") ==
          cfg["good_rows"] and [c["number"] for c in again["certificates"]]
          == nos, str(again)[:300])
    st, b = api.call("getBatch", {"batch": batch}, token=ta, want=200)
    check("batch lists the certificates", isinstance(b, dict) and
          sorted(c["number"] for c in b["certificates"]) == sorted(nos))
    check("batch figures", isinstance(b, dict) and
          b.get("assessed") == cfg["good_rows"] and
          b.get("passed") == cfg["good_rows"])
    check("ID numbers masked", isinstance(b, dict) and all(
          "*" in c["id_masked"] and c["id_masked"] not in good.decode()
          for c in b["certificates"]))
    st, z = api.call("getBatchZip", {"batch": batch}, token=ta, want=200)
    if st == 200:
        zf = zipfile.ZipFile(io.BytesIO(z))
        names = sorted(zf.namelist())
        check("zip holds NUMBER.pdf each", names ==
              sorted(n + ".pdf" for n in nos), str(names))
        check("zip entries are PDFs", all(zf.read(n)[:5] == b"%PDF-"
                                          for n in names))
    st, p = api.call("getBatchPdf", {"batch": batch}, token=ta, want=200)
    pages = len(re.findall(rb"/Type\s*/Page(?![s])", p)) if st == 200 else 0
    check("batch pdf has a page each", st == 200 and p[:5] == b"%PDF-" and
          pages == len(nos), "(%d pages for %d)" % (pages, len(nos)))
    st, c = api.call("getCertificate", {"number": nos[0]}, token=ta,
                     want=200)
    check("certificate fields", isinstance(c, dict) and
          c.get("number") == nos[0] and c.get("status") == "valid" and
          c.get("batch") == batch)
    st, p = api.call("getCertificatePdf", {"number": nos[0]}, token=ta,
                     want=200)
    check("certificate pdf", st == 200 and p[:5] == b"%PDF-")
    body = json.dumps({"reason": "issued_in_error",
                       "note": "test"}).encode()
    st, r = api.call("revokeCertificate", {"number": nos[1]}, token=ta,
                     body=body, ctype="application/json", want=200)
    check("revoked", isinstance(r, dict) and r.get("status") == "revoked")
    st, r = api.call("revokeCertificate", {"number": nos[1]}, token=ta,
                     body=body, ctype="application/json", want=409)
    st, c = api.call("getCertificate", {"number": nos[1]}, token=ta,
                     want=200)
    check("revocation shows", isinstance(c, dict) and
          c.get("status") == "revoked" and
          c.get("revoke_reason") == "issued-in-error")
    st, r = api.call("revokeCertificate", {"number": nos[2]}, token=ta,
                     body=b'{"reason":"because"}',
                     ctype="application/json", want=400)
    check("bad reason names field", error_of(r).get("field") == "reason")
    return {"roster": rid, "batch": batch, "number": nos[0],
            "revocable": nos[3]}


def bad_rows(api, cfg):
    ta = cfg["token_a"]
    bad = open(cfg["bad_csv"], "rb").read()
    st, rep = api.call("submitRoster", token=ta, body=bad,
                       ctype="text/csv", want=201)
    if not isinstance(rep, dict) or "report" not in rep:
        return check("bad roster report", False, str(rep)[:300])
    by_line = {r["line"]: r for r in rep["report"]}
    for line, field in cfg["bad_rows"]:
        r = by_line.get(line, {})
        check("line %d rejected" % line, r.get("status") == "rejected",
              str(r))
        check("line %d names %s" % (line, field),
              any(p.get("field") == field for p in r.get("problems", [])),
              str(r))
    for line in cfg["failed_rows"]:
        check("line %d failed assessment" % line,
              by_line.get(line, {}).get("status") == "failed_assessment")
    check("good lines of the bad roster valid", rep["valid"] ==
          rep["rows"] - len(cfg["bad_rows"]) - len(cfg["failed_rows"]) and
          rep["failed_assessment"] == len(cfg["failed_rows"]), str(rep)[:300])
    st, r = api.call("issueRoster", {"roster": rep["roster"]}, token=ta,
                     body=b'{"only_valid": false}',
                     ctype="application/json", want=409)
    e = error_of(r)
    first = cfg["bad_rows"][0]
    check("409 names the first bad row and field",
          e.get("row") == first[0] and e.get("field") == first[1], str(e))
    st, r = api.call("issueRoster", {"roster": rep["roster"]}, token=ta,
                     body=b'{"only_valid": true}',
                     ctype="application/json", want=200)
    check("only_valid issues the good rows", isinstance(r, dict) and
          r.get("issued") == rep["valid"] and
          r.get("rejected") == len(cfg["bad_rows"]), str(r)[:300])
    # A file the parser refuses outright: 400 naming the line.
    st, r = api.call("submitRoster", token=ta, body=cfg["broken_csv"].encode(),
                     ctype="text/csv", want=400)
    check("broken CSV names its row", isinstance(error_of(r).get("row"), int),
          str(r))
    # An XLSX workbook straight from a spreadsheet program.
    xl = open(cfg["good_xlsx"], "rb").read()
    st, r = api.call("submitRoster", token=ta, body=xl, ctype="application/"
                     "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     want=201)
    check("xlsx report", isinstance(r, dict) and r.get("format") == "xlsx"
          and r.get("valid") == cfg["xlsx_rows"] and r.get("rejected") == 0,
          str(r)[:400])


def limits(api, cfg):
    ta = cfg["token_a"]
    st, r = api.call("submitRoster", token=ta, body=b"a,b\n",
                     ctype="text/plain", want=415)
    st, r = api.call("submitRoster", token=ta, body=b"x" * cfg["over_size"],
                     ctype="text/csv", want=413)
    st, r = api.call("issueRoster", {"roster": "00000000000000000000000000000000"},
                     token=ta, body=b"{}", ctype="text/csv", want=415)
    st, r = api.call("issueRoster", {"roster": "00000000000000000000000000000000"},
                     token=ta, body=b"{}", ctype="application/json",
                     want=404)
    st, r = api.call("revokeCertificate", {"number": cfg["absent_number"]},
                     token=ta, body=b'{"reason": 1',
                     ctype="application/json", want=400)


def tokens(api, cfg, ids):
    """Missing, malformed, revoked and expired tokens: 401 everywhere."""
    for label, tok in (("missing", None), ("malformed", "x"),
                       ("revoked", cfg["token_revoked"]),
                       ("expired", cfg["token_expired"])):
        st, r = api.call("getBatch", {"batch": ids["batch"]}, token=tok,
                         want=401)
        check("%s token error code" % label,
              error_of(r).get("code") == "unauthorized", str(r))
        st, r = api.call("submitRoster", token=tok, body=b"x",
                         ctype="text/csv", want=401)
    st, ct, raw = http(api.base, "GET", "/api/v1/batches/" + ids["batch"],
                       None)
    check("401 without token", st == 401)


def isolation(api, cfg, ids):
    """Organization B's token on A's objects: the same 404 as absent ones."""
    tb = cfg["token_b"]
    absent = {"roster": "0123456789abcdef0123456789abcdef", "batch": "Rfedcba9876543210",
              "number": cfg["absent_number"]}
    cases = [("getRoster", "roster", None), ("getBatch", "batch", None),
             ("getBatchZip", "batch", None), ("getBatchPdf", "batch", None),
             ("getCertificate", "number", None),
             ("getCertificatePdf", "number", None),
             ("revokeCertificate", "number",
              b'{"reason":"fraud","note":"x"}'),
             ("issueRoster", "roster", b'{"only_valid":true}')]
    for opid, key, body in cases:
        ct = "application/json" if body is not None else None
        st1, foreign = api.call(opid, {key: ids[key]}, token=tb, body=body,
                                ctype=ct, want=404)
        st2, none = api.call(opid, {key: absent[key]}, token=tb, body=body,
                             ctype=ct, want=404)
        msg_f = error_of(foreign).get("message", "").replace(ids[key], "ID")
        msg_n = error_of(none).get("message", "").replace(absent[key], "ID")
        check(opid + " foreign = absent", msg_f == msg_n and
              error_of(foreign).get("code") == "not_found",
              "%r vs %r" % (foreign, none))
    # And the certificate B could not revoke is still valid for A.
    st, c = api.call("getCertificate", {"number": ids["number"]},
                     token=cfg["token_a"], want=200)
    check("foreign revoke changed nothing", isinstance(c, dict) and
          c.get("status") == "valid")


def main():
    base, cfg = sys.argv[1], json.load(open(sys.argv[2]))
    st, ct, raw = http(base, "GET", "/api/openapi.json")
    if not check("openapi.json served without a token", st == 200,
                 str(st)):
        return 1
    doc = json.loads(raw)
    check_document(doc)
    api = Api(base, doc)
    api.call("getOpenApi", want=200)
    ids = flow(api, cfg)
    bad_rows(api, cfg)
    limits(api, cfg)
    if ids:
        tokens(api, cfg, ids)
        isolation(api, cfg, ids)
    missing = sorted(set(api.ops) - api.called)
    check("every documented operation called", not missing, str(missing))
    leaked = [i for i in cfg.get("id_numbers", [])
              if any(i.encode() in raw for raw in api.seen)]
    check("no full ID number in any JSON answer", not leaked,
          str(leaked))
    unknown = cfg.get("expect_ops")
    if unknown:
        check("document lists the API's operations",
              sorted(api.ops) == sorted(unknown), str(sorted(api.ops)))
    print("api_check: %d passed, %d failed" % (PASS, FAIL))
    return 0 if FAIL == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
