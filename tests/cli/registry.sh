#!/usr/bin/env bash
# registry.sh - the registry and issuer end to end through the CLI.
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
cp -r "$DATA" "$T/data"

expect_rc "init" 0 make_registry "$D"
expect_rc "init twice refused" 67 $SC init --db "$D" --province 36 --public-url https://x.cn
# Every key file, the organizations' included, is 0600; and there are some.
check "keys are 0600" bash -c "n=0; for f in '$D'/keys/authority.key '$D'/keys/log.key '$D'/keys/orgs/*.key; do [ \"\$(stat -c %a \"\$f\")\" = 600 ] || exit 1; n=\$((n+1)); done; [ \$n -ge 4 ]"
check "key directories are 0700" bash -c "[ \"\$(stat -c %a '$D/keys')\" = 700 ] && [ \"\$(stat -c %a '$D/keys/orgs')\" = 700 ]"
# A key directory that already exists must be private, ours and real.
mkdir -m 755 "$T/openkeys"
expect_rc "init refuses a key directory others can read" 77 $SC init --db "$T/k1" --keys "$T/openkeys" --province 36 --public-url https://x.cn
check "says why" contains "$T/err" "is mode 0755"
check "no key written there" test -z "$(ls -A "$T/openkeys")"
mkdir -m 700 "$T/realkeys"; ln -s "$T/realkeys" "$T/linkkeys"
expect_rc "init refuses a symlinked key directory" 77 $SC init --db "$T/k2" --keys "$T/linkkeys" --province 36 --public-url https://x.cn
mkdir -m 700 "$T/okkeys"
expect_rc "init accepts an existing private key directory" 0 $SC init --db "$T/k3" --keys "$T/okkeys" --province 36 --public-url https://x.cn --quiet
expect_rc "bad province" 64 $SC init --db "$T/x" --province 99 --public-url https://x.cn
expect_rc "org twice" 67 $SC org add --db "$D" --code S000036000001 --name x --scope 养老护理员:5
expect_rc "scope beyond the standard" 1 $SC org add --db "$D" --code S000036000002 --name x --scope 育婴员:5-1
check "names the levels the standard defines" contains "$T/err" "defines levels 5-3"

# Issue the Jiangxi roster.
expect_rc "issue jiangxi" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/data/roster-jiangxi.csv" --json
cp "$T/out" "$T/issue1.json"
check "8 issued" contains "$T/issue1.json" '"issued":8'
year=$(date +%y)
check "numbers per level from 000001" contains "$T/issue1.json" "\"certno\":\"S000036000001${year}5000001\""
check "second 五级 is 000002" contains "$T/issue1.json" "\"certno\":\"S000036000001${year}5000002\""
check "二级 numbered" contains "$T/issue1.json" "\"certno\":\"S000036000001${year}2000001\""
expect_rc "re-run same batch" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/data/roster-jiangxi.csv" --json
check "nothing twice" contains "$T/out" '"issued":0,"existing":8'
check "same numbers reported" contains "$T/out" "\"status\":\"existing\",\"certno\":\"S000036000001${year}5000001\""
expect_rc "list" 0 $SC list --db "$D" --org S000036000001 --json
check "8 stored" test "$(grep -o '"certno"' "$T/out" | wc -l)" = 8

# Brand mark and rare characters survive.
C1=S000036000001${year}5000002
expect_rc "show" 0 $SC show --db "$D" "$C1" --json
check "Ext B name" contains "$T/out" '"name":"吉𠮷"'
check "brand 江西表嫂" contains "$T/out" '"brand":"江西表嫂"'
check "photo stored" contains "$T/out" '"photo":true'
expect_rc "token" 0 $SC token --db "$D" "$C1"
url=$(cat "$T/out")
check "token URL upper case alnum" bash -c "[[ '$url' =~ ^HTTPS://CERT.EXAMPLE.CN/V/[A-Z2-7]+$ ]]"
check "token URL <= 300" test ${#url} -le 300

# A bad roster issues nothing and names line and field.
cat > "$T/bad.csv" <<CSV
姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期
孙丽,居民身份证,$(id_number 1),养老护理员,,五级,过程化考核,2024-03-15
钱七,居民身份证,360102198503121232,养老护理员,,五级,过程化考核,2024-03-15
周九,居民身份证,$(id_number 2),育婴员,,二级,过程化考核,2024-03-15
吴十,居民身份证,$(id_number 3),养老护理员,,五级,过程化考核,2099-03-15
郑一,居民身份证,$(id_number 4),养老护理员,,五级,过程化考核,2024-03-15
郑一,居民身份证,$(id_number 4),养老护理员,,五级,过程化考核,2024-03-16
CSV
expect_rc "bad roster refused" 1 $SC issue --db "$D" --org S000036000001 --roster "$T/bad.csv"
check "check char named" contains "$T/err" "line 3: 证件号码: ID number check character"
check "undefined level named" contains "$T/err" "line 4: 等级: 育婴员 has no 二级/技师"
check "future date named" contains "$T/err" "line 5: 考核日期: 2099-03-15 is in the future"
check "duplicate row named" contains "$T/err" "line 7: same person, occupation and level as line 6"
$SC list --db "$D" --org S000036000001 --json > "$T/l.json"
check "still 8 after a refused roster" test "$(grep -o '"certno"' "$T/l.json" | wc -l)" = 8
expect_rc "dry run" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/bad.csv" --partial --dry-run --json
check "dry run numbers shown" contains "$T/out" '"dry_run":true'
$SC list --db "$D" --org S000036000001 --json > "$T/l.json"
check "dry run stores nothing" test "$(grep -o '"certno"' "$T/l.json" | wc -l)" = 8
expect_rc "partial" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/bad.csv" --partial --json
check "partial issues 2" contains "$T/out" '"issued":2,"existing":0,"rejected":4'
check "rejects file" contains "$T/bad.csv.rejects.csv" "ID number check character"
# the dry run took no numbers: the partial run got 000004 and 000005
check "no gap after dry run" contains "$T/out" "S000036000001${year}5000005"

# The same person, occupation and level again: refused unless --reissue.
printf '姓名,证件类型,证件号码,职业,等级,评价方式,考核日期\n张晓华,居民身份证,360102198503121231,养老护理员,5,过程化考核,2024-04-01\n' > "$T/again.csv"
expect_rc "held refused" 1 $SC issue --db "$D" --org S000036000001 --roster "$T/again.csv"
check "names the held certificate" contains "$T/err" "already holds 养老护理员 五级/初级工 from S000036000001: S000036000001${year}5000001"
expect_rc "reissue" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/again.csv" --reissue --json
check "reissue replaces" contains "$T/out" "\"replaced\":\"S000036000001${year}5000001\""
expect_rc "old revoked" 0 $SC show --db "$D" "S000036000001${year}5000001" --json
check "reason reissued" contains "$T/out" '"revoke_reason":"reissued"'

# Revocation.
expect_rc "revoke" 0 $SC revoke --db "$D" "$C1" --reason issued-in-error --note 录入错误
expect_rc "revoke twice" 67 $SC revoke --db "$D" "$C1" --reason fraud
expect_rc "revoke unknown" 66 $SC revoke --db "$D" S000036000001245999999 --reason fraud
expect_rc "bad reason" 64 $SC revoke --db "$D" "$C1" --reason whim
expect_rc "show revoked" 0 $SC show --db "$D" "$C1" --json
check "revoked status" contains "$T/out" '"status":"revoked","revoke_reason":"issued-in-error"'

# Enterprise (type Y, SM2): only its own staff.
expect_rc "issue sichuan (SM2)" 0 $SC issue --db "$D" --org Y000051000001 --roster "$T/data/roster-sichuan.csv" --json
check "3 issued" contains "$T/out" '"issued":3'
check "brand 天府妹子" bash -c "$SC show --db '$D' Y000051000001${year}4000001 --json | grep -q '天府妹子'"
check "sm2 alg" bash -c "$SC show --db '$D' Y000051000001${year}4000001 --json | grep -q '\"alg\":\"sm2\"'"
printf 'name,id_type,id_number,occupation,level,method,assessed_on,employer\n孔明,居民身份证,%s,养老护理员,5,过程化考核,2024-05-10,别的公司\n' "$(id_number 9)" > "$T/y.csv"
expect_rc "Y org: other employer refused" 1 $SC issue --db "$D" --org Y000051000001 --roster "$T/y.csv"
check "employer named" contains "$T/err" "工作单位 '别的公司' is not '四川天府康养服务有限公司'"

# GB18030 with CRLF, as Excel saves it.
printf '姓名,证件类型,证件号码,职业,等级,评价方式,考核日期\r\n"欧阳娜娜",居民身份证,%s,育婴员,三级/高级工,直接认定,2024年4月2日\r\n' "$(id_number 20)" | iconv -f UTF-8 -t GB18030 > "$T/gbk.csv"
expect_rc "GB18030 roster" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/gbk.csv" --json
check "GB18030 name decoded" bash -c "$SC list --db '$D' --id-number $(id_number 20) | grep -q 欧阳娜娜"

# Trace-back across organizations.
expect_rc "trace by id" 0 $SC list --db "$D" --id-number 360102198503121231 --json
check "both certificates of one person" test "$(grep -o '"certno"' "$T/out" | wc -l)" = 2

# Suspension.
expect_rc "suspend" 0 $SC org suspend --db "$D" S000036000001 --note 违规发证调查
printf '姓名,证件类型,证件号码,职业,等级,评价方式,考核日期\n冯云,居民身份证,%s,养老护理员,5,过程化考核,2024-04-01\n' "$(id_number 30)" > "$T/s.csv"
expect_rc "suspended cannot issue" 77 $SC issue --db "$D" --org S000036000001 --roster "$T/s.csv"
expect_rc "resume" 0 $SC org resume --db "$D" S000036000001
expect_rc "issues again" 0 $SC issue --db "$D" --org S000036000001 --roster "$T/s.csv"

# Catalog: a bad file is refused, a good one replaces.
printf 'code,name,levels,trades,confirmed\n4-10-01-05,养老护理员,5-1,,yes\nbad\n' > "$T/occ.csv"
expect_rc "bad catalog refused" 1 $SC catalog load --db "$D" occupations "$T/occ.csv"
check "names the line" contains "$T/err" "line 3"
expect_rc "catalog still whole" 0 $SC catalog show --db "$D" occupations
check "育婴员 still there" contains "$T/out" "育婴员"

# Encrypted keys. A passphrase file must be the owner's alone and not
# empty, and a passphrase that protects new keys has 12 characters or more.
E=$T/enc
PASSPHRASE="s3cret passphrase"
printf '%s\n' "$PASSPHRASE" > "$T/pass"; chmod 644 "$T/pass"
expect_rc "a passphrase file others can read is refused" 77 $SC init --db "$E" --province 36 --public-url https://x.cn --passphrase-file "$T/pass"
check "says chmod 600" contains "$T/err" "chmod 600"
check "nothing created" test ! -e "$E"
: > "$T/empty"; chmod 600 "$T/empty"
expect_rc "an empty passphrase file is refused" 77 $SC init --db "$E" --province 36 --public-url https://x.cn --passphrase-file "$T/empty"
check "says empty" contains "$T/err" "is empty"
printf 'abc\n' > "$T/short"; chmod 600 "$T/short"
expect_rc "a 3-character passphrase is refused for new keys" 77 $SC init --db "$E" --province 36 --public-url https://x.cn --passphrase-file "$T/short"
check "says at least 12" contains "$T/err" "at least 12"
expect_rc "a short SKILLCERT_PASSPHRASE too" 77 env SKILLCERT_PASSPHRASE=abc $SC init --db "$E" --province 36 --public-url https://x.cn
chmod 600 "$T/pass"
expect_rc "init with passphrase" 0 $SC init --db "$E" --province 36 --public-url https://x.cn --passphrase-file "$T/pass"
expect_rc "org add without passphrase refused" 77 $SC org add --db "$E" --code S000036000009 --name 测试 --scope 养老护理员:5
expect_rc "org add with passphrase" 0 env SKILLCERT_PASSPHRASE="$PASSPHRASE" $SC org add --db "$E" --code S000036000009 --name 测试 --scope 养老护理员:5 --valid-from 2024-01-01
printf '姓名,证件类型,证件号码,职业,等级,评价方式,考核日期\n冯云,居民身份证,%s,养老护理员,5,过程化考核,2024-04-01\n' "$(id_number 31)" > "$T/e.csv"
expect_rc "encrypted org key needs the passphrase" 77 $SC issue --db "$E" --org S000036000009 --roster "$T/e.csv"
check "says so" contains "$T/err" "is encrypted"
expect_rc "wrong passphrase" 77 env SKILLCERT_PASSPHRASE=nope $SC issue --db "$E" --org S000036000009 --roster "$T/e.csv"
check "says wrong passphrase" contains "$T/err" "wrong passphrase"
expect_rc "right passphrase issues" 0 env SKILLCERT_PASSPHRASE="$PASSPHRASE" $SC issue --db "$E" --org S000036000009 --roster "$T/e.csv"

finish
