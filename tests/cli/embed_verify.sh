#!/usr/bin/env bash
# embed_verify.sh - the offline verifier builds and links with OpenSSL
# alone: a tiny program linked only against skillcert_trust verifies a
# token against a bundle, and neither its shared libraries (ldd) nor its
# symbols (nm) name LMDB, libharu, libevent, HarfBuzz, libqrencode or libpng.
source "$(dirname "$0")/lib/common.bash"
EV=$SKILLCERT_BUILD/tests/embed_verify
D=$T/reg
Y=$(date +%y)

check "embed_verify was built" test -x "$EV"
ldd "$EV" > "$T/ldd" 2>&1
check "links libcrypto" contains "$T/ldd" libcrypto
for lib in liblmdb libhpdf libevent libharfbuzz libqrencode libpng libssl; do
  check "does not link $lib" bash -c "! grep -q '$lib' '$T/ldd'"
done
nm -u "$EV" > "$T/nm"
for sym in mdb_ HPDF_ event_ hb_ QRcode_ png_; do
  check "no $sym symbols" bash -c "! grep -q ' $sym' '$T/nm'"
done
# The link line CMake used names the trust, model and base libraries only.
link=$(find "$SKILLCERT_BUILD/tests/CMakeFiles/embed_verify.dir" -name link.txt)
check "link line found" test -n "$link"
for lib in skillcert_store skillcert_render skillcert_server skillcert_issue lmdb hpdf event harfbuzz; do
  check "link line has no $lib" bash -c "! grep -q '$lib' '$link'"
done

make_registry "$D" >/dev/null
printf '姓名,证件类型,证件号码,职业,等级,评价方式,考核日期\n张晓华,居民身份证,%s,养老护理员,5,过程化考核,2024-04-01\n李四,居民身份证,%s,养老护理员,4,过程化考核,2024-04-01\n' \
  "$(id_number 1)" "$(id_number 2)" > "$T/r.csv"
$SC issue --db "$D" --org S000036000001 --roster "$T/r.csv" --quiet
$SC revoke --db "$D" S000036000001${Y}4000001 --reason holder-request --quiet
$SC trust export --db "$D" --out "$T/trust.bundle" --quiet
url=$($SC token --db "$D" S000036000001${Y}5000001)
tok=${url##*/V/}
expect_rc "valid token verifies" 0 "$EV" "$T/trust.bundle" "$tok"
check "says valid" contains "$T/out" "valid S000036000001${Y}5000001"
bad="${tok:0:40}$( [ "${tok:40:1}" = A ] && echo B || echo A )${tok:41}"
expect_rc "altered token is invalid" 1 "$EV" "$T/trust.bundle" "$bad"
rtok=$($SC token --db "$D" S000036000001${Y}4000001); rtok=${rtok##*/V/}
expect_rc "revoked token is revoked" 2 "$EV" "$T/trust.bundle" "$rtok"
expect_rc "no bundle" 66 "$EV" "$T/none.bundle" "$tok"
finish
