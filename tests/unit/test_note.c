/* test_note.c - C2SP signed notes and checkpoints against the examples of
 * the specifications (c2sp.org/signed-note, tlog-checkpoint,
 * tlog-cosignature) and golang.org/x/mod/sumdb/note's known answer, and
 * the malformed notes the strict parser refuses. */
#include <stdint.h>
#include <string.h>

#include "skillcert/base/base64.h"
#include "skillcert/base/buf.h"
#include "skillcert/model/checkpoint.h"
#include "skillcert/model/note.h"
#include "test.h"

#define DASH "\xe2\x80\x94 "

/* signed-note.md, "Verifier keys", Example. */
static const char spec_vkey[] =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char spec_note[] = "This is an example message.\n\n"
    DASH "example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
/* tlog-cosignature.md's example: a checkpoint (tlog-checkpoint.md's) with
 * a cosignature. */
static const char spec_ckpt[] = "example.com/behind-the-sofa\n20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    DASH "example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    DASH "witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
/* golang.org/x/mod/sumdb/note, package documentation: key and note. */
static const char go_skey[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_vkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char go_text[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
static const char go_note[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n\n"
    DASH "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

static int
parse_str(const char *s, struct note *nt)
{
	return note_parse(s, strlen(s), nt, NULL);
}

static void
test_spec_vector(void)
{
	struct note_vkey v;
	struct note nt;
	struct buf b = BUF_INIT;
	char out[NOTE_VKEY_MAX];
	char bad[sizeof(spec_note)];

	CHECK_EQ_INT(note_vkey_parse(spec_vkey, &v, NULL), 0);
	CHECK_STR(v.name, "example.com/foo");
	CHECK_EQ_INT(v.type, NOTE_ED25519);
	CHECK_EQ_INT(v.id, 0x530d903a);
	CHECK_EQ_INT(note_key_id("example.com/foo", 1, v.pub, 32), 0x530d903a);
	note_vkey_format(&v, out);
	CHECK_STR(out, spec_vkey);
	CHECK_EQ_INT(parse_str(spec_note, &nt), 0);
	CHECK_EQ_INT(nt.textlen, strlen("This is an example message.\n"));
	CHECK_EQ_INT(nt.nsigs, 1);
	CHECK_EQ_INT(nt.sigs[0].id, 0x530d903a);
	CHECK_EQ_INT(note_verify(&nt, &v, NULL), 1);
	/* The encoder writes the spec's note byte for byte from its parts. */
	buf_append(&b, nt.text, nt.textlen);
	buf_append_byte(&b, '\n');
	note_append_sig(&b, nt.sigs[0].name, nt.sigs[0].id, nt.sigs[0].sig,
	    nt.sigs[0].len);
	CHECK(b.len == strlen(spec_note) && memcmp(b.data, spec_note, b.len) == 0);
	buf_free(&b);
	/* One changed letter of the text: the signature fails. */
	memcpy(bad, spec_note, sizeof(bad));
	bad[0] = 't';
	CHECK_EQ_INT(parse_str(bad, &nt), 0);
	CHECK_EQ_INT(note_verify(&nt, &v, NULL), ERR_CRYPTO);
	/* A wrong ID in the vkey is refused. */
	CHECK_EQ_INT(note_vkey_parse("example.com/foo+530d903b+AekyeRrm56hApGFky"
	    "QR4ZCbV54Id2LKaANYcrnKv3U2k", &v, NULL), ERR_INVALID);
}

static void
test_go_vector(void)
{
	uint8_t raw[33];
	struct key k;
	struct note_vkey v;
	struct note nt;
	struct buf b = BUF_INIT;

	CHECK_EQ_INT(base64_decode(go_skey, strlen(go_skey), raw, sizeof(raw)), 33);
	CHECK_EQ_INT(raw[0], 0x01);
	CHECK_EQ_INT(key_from_seed(raw + 1, &k, NULL), 0);
	CHECK_EQ_INT(note_vkey_parse(go_vkey, &v, NULL), 0);
	CHECK(memcmp(v.pub, k.pub, 32) == 0);
	CHECK_EQ_INT(note_key_id("PeterNeumann", NOTE_ED25519, k.pub, 32),
	    0xc74f20a3);
	/* Ed25519 is deterministic: signing gives the published note. */
	CHECK_EQ_INT(note_sign(go_text, strlen(go_text), "PeterNeumann", &k, &b,
	    NULL), 0);
	CHECK(b.len == strlen(go_note) && memcmp(b.data, go_note, b.len) == 0);
	CHECK_EQ_INT(parse_str(go_note, &nt), 0);
	CHECK_EQ_INT(note_verify(&nt, &v, NULL), 1);
	buf_free(&b);
	key_free(&k);
}

static void
test_spec_checkpoint(void)
{
	struct note nt;
	struct checkpoint c;
	struct buf b = BUF_INIT;
	uint64_t ts = 0;

	CHECK_EQ_INT(parse_str(spec_ckpt, &nt), 0);
	CHECK_EQ_INT(nt.nsigs, 2);
	CHECK_EQ_INT(checkpoint_parse_text(nt.text, nt.textlen, &c, NULL), 0);
	CHECK_STR(c.origin, "example.com/behind-the-sofa");
	CHECK_EQ_INT(c.size, 20852163);
	CHECK_EQ_INT(c.nextensions, 0);
	checkpoint_body(c.origin, c.size, c.root, &b);
	CHECK(b.len == nt.textlen && memcmp(b.data, nt.text, b.len) == 0);
	buf_free(&b);
	CHECK_STR(nt.sigs[0].name, "example.com/behind-the-sofa");
	CHECK_EQ_INT(nt.sigs[0].len, 64);
	CHECK_STR(nt.sigs[1].name, "witness.example.com/w1");
	CHECK_EQ_INT(nt.sigs[1].id, 0x8d66cf3f);
	/* timestamped_signature: u64 time (the spec's 1679315147) || sig. */
	CHECK_EQ_INT(nt.sigs[1].len, 8 + 64);
	for (int i = 0; i < 8; i++)
		ts = ts << 8 | nt.sigs[1].sig[i];
	CHECK_EQ_INT(ts, 1679315147);
}

/* A copy of spec_ckpt's checkpoint text with sig lines from s. */
static int
parse_ckpt(const char *text, const char *sigs)
{
	struct buf b = BUF_INIT;
	struct note nt;
	struct checkpoint c;
	int rc;

	buf_append_str(&b, text);
	buf_append_str(&b, sigs);
	rc = note_parse((const char *)b.data, b.len, &nt, NULL);
	if (rc == 0)
		rc = checkpoint_parse_text(nt.text, nt.textlen, &c, NULL);
	buf_free(&b);
	return rc;
}

static void
test_malformed(void)
{
	static const char sig[] = "\n" DASH "example.com/foo Uw2QOkn8srV1yJGh2VYR"
	    "lL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72Ine"
	    "yaQM=\n";
	struct note nt;
	struct buf b = BUF_INIT;
	char s[sizeof(spec_note)];

	CHECK_EQ_INT(note_parse(spec_note, strlen(spec_note) - 1, &nt, NULL),
	    ERR_INVALID);                                 /* final newline */
	memcpy(s, spec_note, sizeof(s));
	*strstr(s, "aQM=") = 'b';                         /* "bQM=": still ok */
	CHECK_EQ_INT(parse_str(s, &nt), 0);
	memcpy(s, spec_note, sizeof(s));
	*strstr(s, "QM=") = 'R';                          /* a whole digit */
	CHECK_EQ_INT(parse_str(s, &nt), 0);
	memcpy(s, spec_note, sizeof(s));
	*strstr(s, "M=") = 'N';                           /* unused bits set */
	CHECK_EQ_INT(parse_str(s, &nt), ERR_INVALID);
	memcpy(s, spec_note, sizeof(s));
	*strstr(s, "=\n") = '\0';                         /* no padding */
	CHECK_EQ_INT(parse_str(s, &nt), ERR_INVALID);
	CHECK_EQ_INT(parse_str("This is an example message.\n" DASH
	    "example.com/foo AAAAAAA=\n", &nt), ERR_INVALID); /* no blank line */
	CHECK_EQ_INT(parse_str("text\n\n" DASH "a+b AAAAAAA=\n", &nt), ERR_INVALID);
	CHECK_EQ_INT(parse_str("text\n\n" DASH "a\xc2\xa0" "b AAAAAAA=\n", &nt),
	    ERR_INVALID);                                 /* NBSP in a name */
	CHECK_EQ_INT(parse_str("text\n\n" DASH "a AAAAAA==\n", &nt), ERR_INVALID);
	CHECK_EQ_INT(parse_str("text\n\n" DASH "a AAAAAAA=\n", &nt), 0);
	CHECK_EQ_INT(parse_str("text\n\n" DASH " AAAAAAA=\n", &nt), ERR_INVALID);
	CHECK_EQ_INT(parse_str("text\n\n- a AAAAAAA=\n", &nt), ERR_INVALID);
	CHECK_EQ_INT(parse_str("te\txt\n\n" DASH "a AAAAAAA=\n", &nt), ERR_INVALID);
	CHECK_EQ_INT(parse_str("te\xff\n\n" DASH "a AAAAAAA=\n", &nt), ERR_INVALID);
	CHECK_EQ_INT(parse_str("text\n\n", &nt), ERR_INVALID);  /* no signature */
	CHECK_EQ_INT(parse_str("text\n\n" DASH "a AAAAAAA=\n\n", &nt), ERR_INVALID);
	/* Sixteen signatures, then seventeen. */
	buf_append_str(&b, "text\n\n");
	for (int i = 0; i < 16; i++)
		buf_append_str(&b, DASH "a AAAAAAA=\n");
	CHECK_EQ_INT(note_parse((const char *)b.data, b.len, &nt, NULL), 0);
	CHECK_EQ_INT(nt.nsigs, 16);
	buf_append_str(&b, DASH "a AAAAAAA=\n");
	CHECK_EQ_INT(note_parse((const char *)b.data, b.len, &nt, NULL),
	    ERR_INVALID);
	/* A line over the limit. */
	buf_reset(&b);
	for (int i = 0; i < NOTE_LINE_MAX + 1; i++)
		buf_append_byte(&b, 'x');
	buf_append_str(&b, sig);
	CHECK_EQ_INT(note_parse((const char *)b.data, b.len, &nt, NULL),
	    ERR_INVALID);
	buf_free(&b);
	/* Checkpoint texts. */
	CHECK_EQ_INT(parse_ckpt("o\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	    sig), 0);
	CHECK_EQ_INT(parse_ckpt("o\n00\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	    sig), ERR_INVALID);
	CHECK_EQ_INT(parse_ckpt("o\n020852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	    sig), ERR_INVALID);
	CHECK_EQ_INT(parse_ckpt("o\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	    sig), ERR_INVALID);
	CHECK_EQ_INT(parse_ckpt("o\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	    sig), ERR_INVALID);
	CHECK_EQ_INT(parse_ckpt("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n",
	    sig), ERR_INVALID);
	CHECK_EQ_INT(parse_ckpt("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\n",
	    sig), 0);
	CHECK_EQ_INT(parse_ckpt("o\n1\n", sig), ERR_INVALID);
	CHECK_EQ_INT(parse_ckpt("\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	    sig), ERR_INVALID);
}

/* A checkpoint signed by a fresh log key, cosigned by two witnesses of
 * which the verifier knows one; unknown signatures are ignored. */
static void
test_cosign(void)
{
	uint8_t root[32];
	struct key logk, w1, w2;
	struct buf b = BUF_INIT;
	struct note nt;
	struct checkpoint c;
	struct note_vkey v1, v2;
	uint64_t t = 0;

	memset(root, 0xab, sizeof(root));
	CHECK_EQ_INT(key_generate(KEY_ED25519, &logk, NULL), 0);
	CHECK_EQ_INT(key_generate(KEY_ED25519, &w1, NULL), 0);
	CHECK_EQ_INT(key_generate(KEY_ED25519, &w2, NULL), 0);
	CHECK_EQ_INT(checkpoint_sign("cert.example.cn/skillcert-log", 42, root,
	    &logk, &b, NULL), 0);
	CHECK_EQ_INT(checkpoint_open((const char *)b.data, b.len,
	    "cert.example.cn/skillcert-log", &logk, &nt, &c, NULL), 0);
	CHECK_EQ_INT(c.size, 42);
	CHECK_EQ_INT(checkpoint_open((const char *)b.data, b.len, "other/log",
	    &logk, &nt, &c, NULL), ERR_CRYPTO);
	CHECK_EQ_INT(checkpoint_open((const char *)b.data, b.len, NULL, &w1, &nt,
	    &c, NULL), ERR_CRYPTO);
	CHECK_EQ_INT(note_parse((const char *)b.data, b.len, &nt, NULL), 0);
	CHECK_EQ_INT(checkpoint_cosign(&nt, "w1.example", &w1, 1700000000, &b,
	    NULL), 0);
	CHECK_EQ_INT(note_parse((const char *)b.data, b.len, &nt, NULL), 0);
	CHECK_EQ_INT(checkpoint_cosign(&nt, "w2.example", &w2, 1700000001, &b,
	    NULL), 0);
	CHECK_EQ_INT(checkpoint_open((const char *)b.data, b.len, NULL, &logk,
	    &nt, &c, NULL), 0);
	CHECK_EQ_INT(nt.nsigs, 3);
	CHECK_EQ_INT(note_vkey_make("w1.example", NOTE_COSIG_V1, w1.pub, &v1,
	    NULL), 0);
	CHECK_EQ_INT(checkpoint_cosig_verify(&nt, &v1, &t, NULL), 1);
	CHECK_EQ_INT(t, 1700000000);
	/* Same name, other key: not its signature, ignored. */
	CHECK_EQ_INT(note_vkey_make("w1.example", NOTE_COSIG_V1, w2.pub, &v2,
	    NULL), 0);
	CHECK_EQ_INT(checkpoint_cosig_verify(&nt, &v2, &t, NULL), 0);
	/* A changed root: the log's signature and the cosignature both fail. */
	b.data[b.len / 8] ^= 1;
	if (note_parse((const char *)b.data, b.len, &nt, NULL) == 0)
		CHECK_EQ_INT(checkpoint_cosig_verify(&nt, &v1, &t, NULL),
		    ERR_CRYPTO);
	buf_free(&b);
	key_free(&logk);
	key_free(&w1);
	key_free(&w2);
}

int
main(void)
{
	test_spec_vector();
	test_go_vector();
	test_spec_checkpoint();
	test_malformed();
	test_cosign();
	TEST_END();
}
