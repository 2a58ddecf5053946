#!/usr/bin/env bash
# backup.sh - hot backups while a 20,000-row roster is being issued (10
# batches of 2,000 in a row), restored elsewhere: every certificate the
# backup's log covers is there, audits clean and verifies against a bundle;
# refusals (older than --at-least, altered, existing output, symlink);
# keys backed up encrypted and apart.
source "$(dirname "$0")/lib/common.bash"
D=$T/reg
ORG=S000036000001
export SKILLCERT_MAP_GB=${SKILLCERT_MAP_GB:-4}
expect_rc "registry" 0 make_registry "$D"

# Rosters: 姓名,证件类型,证件号码,职业,等级,评价方式,考核日期 with GB 11643
# check characters (python3 is in tools/setup).
python3 - "$T" <<'PY'
import sys, datetime
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
sur = "王李张刘陈杨黄赵吴周徐孙马朱胡郭"; given = ["秀英", "桂英", "丽", "敏", "静", "建华", "晓燕", "春梅"]
lv = ["五级", "四级", "三级", "二级", "一级"]
def idn(n):
    d = datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 15000)
    b = "360102%s%03d" % (d.strftime("%Y%m%d"), (n // 15000) % 1000)
    return b + "10X98765432"[sum(int(c) * x for c, x in zip(b, w)) % 11]
for k in range(10):
    with open("%s/r%02d.csv" % (sys.argv[1], k), "w") as f:
        f.write("姓名,证件类型,证件号码,职业,等级,评价方式,考核日期\n")
        for n in range(k * 2000, (k + 1) * 2000):
            f.write("%s%s,居民身份证,%s,养老护理员,%s,过程化考核,2024-03-15\n" %
                    (sur[n % 16], given[(n // 16) % 8], idn(n), lv[n % 5]))
PY
check "20,000 rows generated" test "$(cat "$T"/r*.csv | grep -c 居民身份证)" = 20000

# Issue in the background; back up while it runs.
( for k in 0 1 2 3 4 5 6 7 8 9; do
    $SC issue --db "$D" --org $ORG --roster "$T/r0$k.csv" --quiet >/dev/null 2>>"$T/issue.err" || exit 1
  done ) &
IPID=$!
CLEANUP+=("kill $IPID 2>/dev/null")
for _ in $(seq 200); do  # wait for the first batch to land
  [ "$($SC log head --db "$D" --json 2>/dev/null | grep -o '"tree_size":[0-9]*' | cut -d: -f2)" -gt 0 ] 2>/dev/null && break
  sleep 0.05
done
expect_rc "backup while issuing" 0 $SC backup --db "$D" --out "$T/b1.scbak" --json
cp "$T/out" "$T/b1.json"
running=0; kill -0 $IPID 2>/dev/null && running=1
expect_rc "second backup while issuing" 0 $SC backup --db "$D" --out "$T/b2.scbak" --quiet
check "issuance finished" wait $IPID
check "no issuance error" test ! -s "$T/issue.err"
N=$(grep -o '"log_size":[0-9]*' "$T/b1.json" | cut -d: -f2)
NC=$(grep -o '"certificates":[0-9]*' "$T/b1.json" | cut -d: -f2)
echo "# backup 1 covers $N of 20000 log entries (issuance still running after it: $running)"
check "backup covers at least one batch" test "$N" -ge 2000
check "log size = certificates (no revocation)" test "$N" = "$NC"
check "backup 0600" test "$(stat -c %a "$T/b1.scbak")" = 600
check "no private key inside the registry backup" bash -c "! grep -qa SCK1 '$T/b1.scbak'"

# Restore elsewhere (a missing parent included) and check every certificate.
R=$T/elsewhere/restored
expect_rc "restore" 0 $SC restore "$T/b1.scbak" --db "$R" --at-least "$N" --json
check "audit in the report" contains "$T/out" '"problem_count":0'
expect_rc "log audit of the restored copy" 0 $SC log audit --db "$R"
$SC list --db "$R" --org $ORG --json | grep -o '"certno":"[^"]*"' | sort > "$T/restored.list"
$SC list --db "$D" --org $ORG --json | grep -o '"certno":"[^"]*"' | sort > "$T/all.list"
check "restored holds the N certificates its log covers" test "$(wc -l < "$T/restored.list")" = "$N"
check "all of them issued in the original" test -z "$(comm -23 "$T/restored.list" "$T/all.list")"
check "original has all 20000" test "$(wc -l < "$T/all.list")" = 20000
expect_rc "consistency: backup's log is a prefix of the original's" 0 $SC log consistency --db "$D" "$N" 20000

# Keys: backed up encrypted, apart, restored next to the copy.
printf 'a passphrase of some length\n' > "$T/pass"; chmod 600 "$T/pass"
expect_rc "keys backup" 0 $SC keys backup --db "$D" --out "$T/keys.sckb" --passphrase-file "$T/pass"
check "keys backup 0600" test "$(stat -c %a "$T/keys.sckb")" = 600
check "keys backup is encrypted" bash -c "! grep -qa SCK1 '$T/keys.sckb'"
printf 'another passphrase!!\n' > "$T/wrong"; chmod 600 "$T/wrong"
expect_rc "keys restore, wrong passphrase" 77 $SC keys restore "$T/keys.sckb" --db "$R" --passphrase-file "$T/wrong"
expect_rc "keys restore" 0 $SC keys restore "$T/keys.sckb" --db "$R" --passphrase-file "$T/pass" --json
check "4 key files" contains "$T/out" '"files":4'
check "restored keys 0600" test "$(stat -c %a "$R/keys/authority.key")" = 600
expect_rc "keys never overwritten" 67 $SC keys restore "$T/keys.sckb" --db "$R" --passphrase-file "$T/pass"
expect_rc "trust export from the restored copy" 0 $SC trust export --db "$R" --out "$T/trust.bundle"
for i in 1 $((N / 2)) "$N"; do
  no=$(sed -n "${i}p" "$T/restored.list" | cut -d'"' -f4)
  expect_rc "certificate $i of the backup verifies" 0 $SC verify --trust "$T/trust.bundle" "$($SC token --db "$R" "$no")"
done

# Refusals, each leaving nothing behind and naming the file.
expect_rc "older than --at-least" 77 $SC restore "$T/b1.scbak" --db "$T/r2" --at-least 20000
check "names the file" contains "$T/err" "b1.scbak"
check "nothing left" test ! -e "$T/r2"
cp "$T/b1.scbak" "$T/bad.scbak"
printf 'X' | dd of="$T/bad.scbak" bs=1 seek=40000 conv=notrunc 2>/dev/null
expect_rc "altered copy refused" 76 $SC restore "$T/bad.scbak" --db "$T/r3"
check "nothing left (altered)" test ! -e "$T/r3/data.mdb"
expect_rc "restore over a registry refused" 67 $SC restore "$T/b2.scbak" --db "$D"
expect_rc "not a backup" 1 $SC restore "$T/r00.csv" --db "$T/r4"
expect_rc "existing output refused" 67 $SC backup --db "$D" --out "$T/b1.scbak"
ln -s "$T/target" "$T/link"
expect_rc "symlink output refused" 67 $SC backup --db "$D" --out "$T/link"
check "nothing written through it" test ! -e "$T/target"
expect_rc "second backup restores: all 20000" 0 $SC restore "$T/b2.scbak" --db "$T/r5" --at-least "$N" --json

# One 20,000-row roster is one transaction: a backup taken while it runs
# holds all of it or none of it, never part.
D2=$T/reg2
expect_rc "registry 2" 0 make_registry "$D2"
{ head -1 "$T/r00.csv"; for f in "$T"/r0*.csv; do tail -n +2 "$f"; done; } > "$T/all.csv"
$SC issue --db "$D2" --org $ORG --roster "$T/all.csv" --quiet >/dev/null 2>"$T/issue2.err" &
IPID=$!
sleep 0.3
expect_rc "backup during one 20,000-row roster" 0 $SC backup --db "$D2" --out "$T/c1.scbak" --json
check "roster issued" wait $IPID
M=$(grep -o '"log_size":[0-9]*' "$T/out" | cut -d: -f2)
echo "# backup during the single roster covers $M entries"
check "all or nothing" bash -c "[ '$M' = 0 ] || [ '$M' = 20000 ]"
expect_rc "restore it" 0 $SC restore "$T/c1.scbak" --db "$T/r6"
expect_rc "backup --help" 0 $SC backup --help
expect_rc "restore --help" 0 $SC restore --help
expect_rc "keys --help" 0 $SC keys --help
expect_rc "backup usage" 64 $SC backup --db "$D"
finish
