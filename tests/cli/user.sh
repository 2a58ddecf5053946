#!/usr/bin/env bash
# user.sh - skillcert user and audit: accounts added with one-time or
# known passwords (policy refused with exit 1), listed without secrets,
# disabled, enabled, reset; TOTP secrets set for demos (oathtool agrees);
# API tokens made, listed, revoked; the audit trail as table, CSV (BOM)
# and JSON with its filters; exit codes throughout.
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
PY=/usr/bin/python3
export USER=tester
expect_rc "init" 0 make_registry "$D"
O1=S000036000001 O2=Y000051000001

expect_rc "add admin --json" 0 $SC user add adm.li --org $O1 --role admin --db "$D" --json
check "one-time password in JSON" $PY -c "
import json; v=json.load(open('$T/out'))
assert v['name']=='adm.li' and v['role']=='admin' and v['org']=='$O1', v
assert len(v['password'])==20 and v['must_change'] is True, v"
PW1=$($PY -c "import json; print(json.load(open('$T/out'))['password'])")
expect_rc "add operator (text)" 0 $SC user add op.wang --org $O1 --role operator --db "$D"
check "text names the password" grep -q '^one-time password: [a-zA-Z2-9]\{20\}$' "$T/out"
expect_rc "add authority" 0 $SC user add boss --authority --db "$D"
expect_rc "duplicate is refused" 67 $SC user add op.wang --org $O1 --role operator --db "$D"
expect_rc "bad name" 1 $SC user add "Op Wang" --org $O1 --role operator --db "$D"
expect_rc "no role" 64 $SC user add op.x --org $O1 --db "$D"
expect_rc "authority with org" 64 $SC user add op.x --authority --org $O1 --db "$D"
expect_rc "unknown org" 66 $SC user add op.x --org S000036000099 --role operator --db "$D"

printf 'short\n' >"$T/pw-short"
printf 'op.zhao is my password\n' >"$T/pw-name"
printf 'correct horse battery staple\n' >"$T/pw-good"
expect_rc "short password" 1 $SC user add op.zhao --org $O2 --role operator --password-file "$T/pw-short" --db "$D"
check "says why" contains "$T/err" "at least 12"
expect_rc "password with the name" 1 $SC user add op.zhao --org $O2 --role operator --password-file "$T/pw-name" --db "$D"
expect_rc "known password" 0 $SC user add op.zhao --org $O2 --role operator --password-file "$T/pw-good" --no-change-required --db "$D" --json
check "not echoed, no change owed" $PY -c "
import json; v=json.load(open('$T/out')); assert 'password' not in v and v['must_change'] is False, v"
check "password not in output" bash -c "! grep -q 'horse' '$T/out'"

expect_rc "list --json" 0 $SC user list --db "$D" --json
check "four accounts, no secrets" $PY -c "
import json; v=json.load(open('$T/out')); n=[a['name'] for a in v]
assert n==['adm.li','boss','op.wang','op.zhao'], n
s=open('$T/out').read(); assert 'argon2' not in s and 'pwhash' not in s and '$PW1' not in s
assert all('totp' in a and 'disabled' in a for a in v)"
expect_rc "list --org" 0 $SC user list --org $O2 --db "$D" --json
check "one in org 2" $PY -c "
import json; v=json.load(open('$T/out')); assert [a['name'] for a in v]==['op.zhao'], v"

expect_rc "disable" 0 $SC user disable op.wang --db "$D"
expect_rc "list after disable" 0 $SC user list --db "$D" --json
check "disabled shown" $PY -c "
import json; v={a['name']:a for a in json.load(open('$T/out'))}
assert v['op.wang']['disabled'] is True and v['op.zhao']['disabled'] is False"
expect_rc "enable" 0 $SC user enable op.wang --db "$D" --json
check "enable JSON" contains "$T/out" '"disabled":false'
expect_rc "disable unknown" 66 $SC user disable nobody --db "$D"
expect_rc "unknown verb" 64 $SC user frobnicate --db "$D"

SECRET=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
expect_rc "totp --secret" 0 $SC user totp adm.li --secret $SECRET --db "$D" --json
check "uri printed" $PY -c "
import json; v=json.load(open('$T/out'))
assert v['secret']=='$SECRET' and v['uri'].startswith('otpauth://totp/skillcert:adm.li?secret=$SECRET'), v"
expect_rc "totp bad secret" 64 $SC user totp adm.li --secret ABC --db "$D"
expect_rc "totp random" 0 $SC user totp boss --db "$D"
S2=$(sed -n 's/^secret: //p' "$T/out")
check "random secret is 32 base32 chars" test ${#S2} = 32
check "oathtool computes a code from it" oathtool --totp -b "$S2"
expect_rc "list shows totp" 0 $SC user list --db "$D" --json
check "totp on for both" $PY -c "
import json; v={a['name']:a for a in json.load(open('$T/out'))}
assert v['adm.li']['totp'] and v['boss']['totp'] and not v['op.wang']['totp']"
expect_rc "reset" 0 $SC user reset adm.li --db "$D" --json
check "new password, totp cleared" $PY -c "
import json; v=json.load(open('$T/out')); assert len(v['password'])==20 and v['password']!='$PW1'"
expect_rc "list after reset" 0 $SC user list --db "$D" --json
check "reset cleared totp" $PY -c "
import json; v={a['name']:a for a in json.load(open('$T/out'))}
assert not v['adm.li']['totp'] and v['adm.li']['must_change']"

expect_rc "token create" 0 $SC user token create --org $O1 --label "nightly upload" --expires-days 30 --db "$D" --json
check "token is 43 base64url" $PY -c "
import json,re; v=json.load(open('$T/out'))
assert re.fullmatch('[A-Za-z0-9_-]{43}', v['token']) and re.fullmatch('[0-9a-f]{16}', v['id']) and v['expires'], v"
TID=$($PY -c "import json; print(json.load(open('$T/out'))['id'])")
TOK=$($PY -c "import json; print(json.load(open('$T/out'))['token'])")
expect_rc "token create, no org" 64 $SC user token create --label x --db "$D"
expect_rc "token create, unknown org" 66 $SC user token create --org S000036000099 --label x --db "$D"
expect_rc "token list" 0 $SC user token list --db "$D" --json
check "listed without the token" $PY -c "
import json; v=json.load(open('$T/out')); s=open('$T/out').read()
assert len(v)==1 and v[0]['id']=='$TID' and v[0]['revoked'] is None and '$TOK' not in s, v"
expect_rc "token revoke" 0 $SC user token revoke "$TID" --db "$D"
expect_rc "token revoke again" 1 $SC user token revoke "$TID" --db "$D"
expect_rc "token revoke unknown" 66 $SC user token revoke 0000000000000000 --db "$D"
expect_rc "token list after revoke" 0 $SC user token list --db "$D" --json
check "revoked set" $PY -c "
import json; v=json.load(open('$T/out')); assert v[0]['revoked'], v"

expect_rc "audit json" 0 $SC audit --db "$D" --json
check "audit has the changes in order" $PY -c "
import json; v=json.load(open('$T/out'))
assert [e['seq'] for e in v]==list(range(1,len(v)+1)), 'gaps'
acts=[(e['action'],e['object'],e['outcome']) for e in v]
i=acts.index(('user_add','adm.li','ok')); j=acts.index(('user_disable','op.wang','ok'))
k=acts.index(('user_enable','op.wang','ok')); l=acts.index(('token_revoke','$TID','ok'))
assert i<j<k<l, acts
assert ('user_add','op.wang','invalid') in acts   # the duplicate, refused
assert all(e['who']=='cli:tester' and e['role']=='authority' for e in v)
assert '$PW1' not in open('$T/out').read()"
expect_rc "audit --action" 0 $SC audit --db "$D" --action user_reset --format json
check "filtered" $PY -c "
import json; v=json.load(open('$T/out')); assert len(v)==1 and v[0]['object']=='adm.li', v"
expect_rc "audit csv" 0 $SC audit --db "$D" --format csv --who cli:tester
check "csv BOM and header" $PY -c "
import csv,io; b=open('$T/out','rb').read(); assert b.startswith(b'\xef\xbb\xbf'), b[:8]
rows=list(csv.reader(io.StringIO(b[3:].decode())))
assert rows[0]==['seq','time','who','role','org','client','action','object','outcome'], rows[0]
assert len(rows)>10 and all(r[2]=='cli:tester' for r in rows[1:])"
expect_rc "audit --since future" 0 $SC audit --db "$D" --since 2999-01-01 --json
check "nothing since the future" $PY -c "import json; assert json.load(open('$T/out'))==[]"
expect_rc "audit table" 0 $SC audit --db "$D"
check "table header" contains "$T/out" "ACTION"
expect_rc "audit bad date" 64 $SC audit --db "$D" --since 2024-13-01
expect_rc "audit bad format" 64 $SC audit --db "$D" --format xml
expect_rc "user --help" 0 $SC user --help
expect_rc "audit --help" 0 $SC audit --help
finish
