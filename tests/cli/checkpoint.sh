#!/usr/bin/env bash
# checkpoint.sh - C2SP checkpoints end to end: `log checkpoint` and
# GET /checkpoint give the same note, which an independent checker
# (lib/note_check.py, openssl for Ed25519) accepts; witness cosignatures
# are reported when the bundle lists the witness and ignored when not;
# bundle freshness (stale: a warning, --strict exit 3; a clock behind
# the bundle said plainly).
source "$(dirname "$0")/lib/common.bash"
NC="python3 $(dirname "$0")/lib/note_check.py"
D=$T/reg
Y=$(date +%y)
make_registry "$D" https://cert.example.cn/ >/dev/null
cp -r "$DATA" "$T/data"
$SC issue --db "$D" --org S000036000001 --roster "$T/data/roster-jiangxi.csv" --quiet
C1=S000036000001${Y}5000001
url=$($SC token --db "$D" "$C1")

expect_rc "log checkpoint" 0 $SC log checkpoint --db "$D"
cp "$T/out" "$T/ckpt"
check "origin line from the public URL" test "$(head -1 "$T/ckpt")" = cert.example.cn/skillcert-log
expect_rc "log head --json" 0 $SC log head --db "$D" --json
pub=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["log_public_key"])' "$T/out")
size=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tree_size"])' "$T/out")
check "tree size line is the head's" test "$(sed -n 2p "$T/ckpt")" = "$size"
check "independent checker accepts the note" $NC verify "$T/ckpt" cert.example.cn/skillcert-log "$pub"
sed '3s/^./A/;3s/^AA/BA/' "$T/ckpt" >"$T/ckpt.bad"
check "and refuses a changed root" bash -c "! $NC verify '$T/ckpt.bad' cert.example.cn/skillcert-log '$pub'"

# Two witnesses cosign; only w1 is listed.
openssl genpkey -algorithm ed25519 -out "$T/w1.pem" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$T/w2.pem" 2>/dev/null
w1=$($NC pub "$T/w1.pem"); w2=$($NC pub "$T/w2.pem")
expect_rc "witness add (base64 key)" 0 $SC trust witness add --db "$D" w1.example.org/w "$w1"
expect_rc "witness add twice refused" 67 $SC trust witness add --db "$D" w1.example.org/w "$w1"
expect_rc "witness list" 0 $SC trust witness list --db "$D"
vk=$(cut -f2 "$T/out")
check "listed as a cosignature vkey" bash -c "echo '$vk' | grep -q '^w1.example.org/w+[0-9a-f]\{8\}+B'"
expect_rc "vkey with a wrong ID refused" 64 $SC trust witness add --db "$D" w3.example.org/w "$(echo "$vk" | sed 's,^w1,w3,')"
w3vk=$(python3 -c 'import base64,hashlib,sys; n=sys.argv[1]; k=base64.b64decode(sys.argv[2]); print("%s+%s+%s" % (n, hashlib.sha256(n.encode()+b"\n\x04"+k).hexdigest()[:8], base64.b64encode(b"\x04"+k).decode()))' w3.example.org/w "$w2")
expect_rc "witness add (vkey)" 0 $SC trust witness add --db "$D" w3.example.org/w "$w3vk"
expect_rc "witness remove" 0 $SC trust witness remove --db "$D" w3.example.org/w
expect_rc "witness remove unknown" 66 $SC trust witness remove --db "$D" nobody
now=$(date +%s)
$NC cosign "$T/ckpt" w1.example.org/w "$T/w1.pem" "$now" >"$T/c1"
$NC cosign "$T/c1" w2.example.org/w "$T/w2.pem" "$now" >"$T/c2"
check "cosigned note still passes the checker" $NC verify "$T/c2" cert.example.cn/skillcert-log "$pub"
expect_rc "add cosignatures" 0 $SC log add-cosignatures --db "$D" "$T/c2"
check "two added" contains "$T/out" "2 signatures added"
printf 'other\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\xe2\x80\x94 x AAAAAAA=\n' >"$T/other"
expect_rc "a note of another checkpoint is refused" 1 $SC log add-cosignatures --db "$D" "$T/other"
expect_rc "trust export" 0 $SC trust export --db "$D" --out "$T/trust.bundle"
expect_rc "verify" 0 $SC verify --trust "$T/trust.bundle" "$url"
check "checkpoint checked" contains "$T/out" "[ ok ] checkpoint"
check "w1 vouches" contains "$T/out" "vouched for by w1.example.org/w (1 of 1 listed)"
check "w2 (not listed) ignored" bash -c "! grep -q w2.example.org '$T/out'"
check "fresh" contains "$T/out" "[ ok ] freshness"
expect_rc "verify --json" 0 $SC verify --trust "$T/trust.bundle" --json "$url"
check "json fresh true" contains "$T/out" '"fresh":true'
check "json witnesses" contains "$T/out" '"witnesses":["w1.example.org/w"]'

# The server: GET /checkpoint is the same note, cosignatures included.
expect_rc "log checkpoint with cosignatures" 0 $SC log checkpoint --db "$D"
cp "$T/out" "$T/ckpt2"
check "three signature lines" test "$(grep -c '^— ' "$T/ckpt2")" = 3
start_server "$T/server.log" --db "$D" || { finish; exit 1; }
curl -s -D "$T/h" -o "$T/served" "http://127.0.0.1:$PORT/checkpoint"
check "GET /checkpoint equals log checkpoint" cmp -s "$T/served" "$T/ckpt2"
check "text/plain; charset=utf-8" grep -qi '^content-type: text/plain; charset=utf-8' "$T/h"
check "logged under its route" bash -c "sleep 0.2; grep -q '/checkpoint' '$T/server.log' || curl -s http://127.0.0.1:$PORT/metrics | grep -q 'checkpoint'"

# Freshness: a bundle valid for 0 days is stale a few seconds on.
expect_rc "export --valid-for 0" 0 $SC trust export --db "$D" --valid-for 0 --out "$T/stale.bundle"
expect_rc "export --valid-for -1 refused" 64 $SC trust export --db "$D" --valid-for -1 --out "$T/x.bundle"
later=$(( $(date +%s) + 60 ))
expect_rc "stale bundle: still valid" 0 env SKILLCERT_NOW=$later $SC verify --trust "$T/stale.bundle" "$url"
check "stale warned" contains "$T/out" "[FAIL] freshness        the trust bundle is stale"
expect_rc "stale bundle --strict: exit 3" 3 env SKILLCERT_NOW=$later $SC verify --strict --trust "$T/stale.bundle" "$url"
expect_rc "stale --json" 0 env SKILLCERT_NOW=$later $SC verify --json --trust "$T/stale.bundle" "$url"
check "json fresh false" contains "$T/out" '"fresh":false'
expect_rc "fresh bundle --strict: 0" 0 $SC verify --strict --trust "$T/trust.bundle" "$url"
# A device clock a day behind the bundle's creation.
behind=$(( $(date +%s) - 86400 ))
expect_rc "clock behind" 0 env SKILLCERT_NOW=$behind $SC verify --trust "$T/trust.bundle" "$url"
check "says the clock is behind" contains "$T/out" "this device's clock is behind:"
expect_rc "clock behind --strict: exit 3" 3 env SKILLCERT_NOW=$behind $SC verify --strict --trust "$T/trust.bundle" "$url"
finish
