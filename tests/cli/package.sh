#!/usr/bin/env bash
# package.sh - builds the Debian package, installs it on this machine with
# dpkg -i, runs init, issue and skillcertd from the installed paths,
# checks the units (systemd-analyze verify) and removes it with dpkg -P,
# leaving the machine as it was: the skillcert user and the state
# directories the package made are removed too when they were not there.
# Skipped (passes) unless root with dpkg, or while skillcert is installed.
source "$(dirname "$0")/lib/common.bash"
skip() { echo "skipped: $*"; echo "0 passed, 0 failed"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root for dpkg -i"
command -v dpkg-deb >/dev/null && command -v cpack >/dev/null || skip "no dpkg-deb/cpack"
# One package test at a time on this machine (other checkouts too).
exec 9>/run/lock/skillcert-package-test.lock
flock -w 900 9 || skip "another package test holds the lock"
dpkg-query -W -f='${Status}' skillcert 2>/dev/null | grep -q installed &&
  skip "a skillcert package is installed here: not touching it"
[ -e /var/lib/skillcert/registry ] && skip "/var/lib/skillcert/registry exists"

had_user=0; getent passwd skillcert >/dev/null && had_user=1
made=()
for d in /var/lib/skillcert /var/backups/skillcert /etc/skillcert /var/log/skillcert; do
  [ -e "$d" ] || made+=("$d")
done
restore_machine() {
  dpkg -P skillcert >/dev/null 2>&1
  [ $had_user = 1 ] || { userdel skillcert 2>/dev/null; groupdel skillcert 2>/dev/null; }
  for d in "${made[@]+"${made[@]}"}"; do rm -rf "$d"; done
}
CLEANUP+=("restore_machine")

B=$SKILLCERT_BUILD/package
expect_rc "package builds" 0 bash "$SKILLCERT_SRC/tools/packaging/build-deb" "$B"
DEB=$(tail -1 "$T/out")
check "a .deb" test -f "$DEB"
dpkg-deb -f "$DEB" Depends > "$T/depends"
check "Depends computed: libssl3" contains "$T/depends" "libssl3"
check "Depends computed: liblmdb0" contains "$T/depends" "liblmdb0"
check "Depends computed: libhpdf" contains "$T/depends" "libhpdf-2.3.0"
dpkg-deb -f "$DEB" Recommends > "$T/recommends"
for f in fonts-lxgw-wenkai fonts-arphic-uming fonts-wqy-zenhei zbar-tools; do
  check "Recommends $f" contains "$T/recommends" "$f"
done
dpkg-deb -c "$DEB" > "$T/contents"
for f in ./usr/bin/skillcert ./usr/bin/skillcertd ./usr/bin/skillcert-portald ./usr/share/skillcert/occupations.csv \
    ./usr/lib/systemd/system/skillcertd.service ./usr/lib/systemd/system/skillcert-portald.service \
    ./usr/share/man/man1/skillcert-backup.1 ./usr/share/man/man1/skillcert-signals.1 \
    ./usr/share/man/man8/skillcertd.8 ./usr/share/man/man8/skillcert-portald.8 \
    ./usr/share/bash-completion/completions/skillcert ./usr/share/bash-completion/completions/skillcert-portald \
    ./etc/logrotate.d/skillcert ./etc/skillcert/skillcertd.conf ./etc/skillcert/portald.conf; do
  check "package holds $f" contains "$T/contents" "$f"
done

expect_rc "dpkg -i" 0 dpkg -i "$DEB"
check "system user skillcert" getent passwd skillcert
check "/var/lib/skillcert owned by skillcert" test "$(stat -c %U:%a /var/lib/skillcert)" = skillcert:750
check "/etc/skillcert" test -d /etc/skillcert
check "man page installed" test -f /usr/share/man/man1/skillcert-restore.1
check "completion loads" bash -c "source /usr/share/bash-completion/completions/skillcert && complete -p skillcert"

U=/usr/lib/systemd/system
expect_rc "systemd-analyze verify" 0 systemd-analyze verify $U/skillcertd.service \
  $U/skillcert-portald.service $U/skillcert-backup.service $U/skillcert-backup.timer
for u in skillcertd.service skillcert-portald.service skillcert-backup.service; do
  systemd-analyze security --offline=true $U/$u 2>/dev/null | tail -1 > "$T/score"
  echo "# systemd-analyze security $u: $(cat "$T/score")"
  check "$u exposure OK or better" grep -Eq 'Overall exposure level for .*: [0-4]\.[0-9] (OK|SAFE)' "$T/score"
done

# The installed binaries, from a directory far from the source tree: the
# catalogs must come from /usr/share/skillcert.
cd "$T"
I=/usr/bin/skillcert
export SKILLCERT_DB=$T/var/registry
expect_rc "installed init (creates var/)" 0 $I init --province 36 --public-url https://cert.example.cn
check "catalog from /usr/share/skillcert" cmp <($I catalog show occupations) /usr/share/skillcert/occupations.csv
expect_rc "installed org add" 0 $I org add --code S000036000001 --name 江西省康养职业技能评价中心 \
  --scope '养老护理员:5-1,育婴员:5-3,家政服务员:5-2' --valid-from 2023-01-01 --valid-to 2030-12-31 --quiet
cp -r "$DATA" "$T/data"
expect_rc "installed issue --pdf pdfs/" 0 $I issue --org S000036000001 --roster "$T/data/roster-jiangxi.csv" --pdf pdfs/
check "says pdfs/, not pdfs//" grep -q "PDFs into pdfs/ " "$T/out"
check "PDFs rendered" test "$(ls pdfs/*.pdf | wc -l)" -ge 1
SCD=/usr/bin/skillcertd start_server "$T/server.log" --db "$SKILLCERT_DB"
check "installed skillcertd answers on 127.0.0.1" curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz"
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null
check "server stopped" bash -c "! kill -0 $SPID 2>/dev/null"
# The installed portal: keys from the registry, catalogs and fonts from
# /usr; on loopback (the unit's TLS files are the operator's to make).
printf 'x\n' >"$T/pass"; chmod 600 "$T/pass"
/usr/bin/skillcert-portald --db "$SKILLCERT_DB" --passphrase-file "$T/pass" --insecure-loopback \
  --listen 127.0.0.1:0 2>"$T/portal.log" &
PPID_=$!
for _ in $(seq 100); do grep -q "listening on" "$T/portal.log" && break; sleep 0.05; done
PP=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/portal.log")
check "installed portal serves its login page" curl -fsS -o /dev/null "http://127.0.0.1:$PP/login"
kill -TERM "$PPID_"; wait "$PPID_" 2>/dev/null
expect_rc "installed backup" 0 $I backup --out "$T/b.scbak"
expect_rc "installed restore" 0 $I restore "$T/b.scbak" --db "$T/restored"
cd /

expect_rc "dpkg -r" 0 dpkg -r skillcert
check "binaries gone" test ! -e /usr/bin/skillcert
check "conffiles stay after -r" test -f /etc/skillcert/skillcertd.conf
expect_rc "dpkg -P" 0 dpkg -P skillcert
check "conffiles gone after -P" test ! -e /etc/skillcert/skillcertd.conf
check "not installed" bash -c "! dpkg-query -W -f='\${Status}' skillcert 2>/dev/null | grep -q 'install ok'"
finish
