/* test_render.c - certificate PDFs: fields extracted by pdftotext (rare
 * characters included), qpdf --check, the QR read back by zbarimg from a
 * 150 dpi raster, byte-identical output, and clean failures. */
#include <errno.h>
#include <png.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "skillcert/render/qr.h"
#include "skillcert/render/render.h"

/* A 24x32 baseline JPEG made once with ImageMagick:
 * convert -size 24x32 gradient:'#e8c8a8-#604030' -strip -quality 70 */
static const unsigned char photo_jpg[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43,
	0x00, 0x0a, 0x07, 0x07, 0x08, 0x07, 0x06, 0x0a, 0x08, 0x08, 0x08, 0x0b,
	0x0a, 0x0a, 0x0b, 0x0e, 0x18, 0x10, 0x0e, 0x0d, 0x0d, 0x0e, 0x1d, 0x15,
	0x16, 0x11, 0x18, 0x23, 0x1f, 0x25, 0x24, 0x22, 0x1f, 0x22, 0x21, 0x26,
	0x2b, 0x37, 0x2f, 0x26, 0x29, 0x34, 0x29, 0x21, 0x22, 0x30, 0x41, 0x31,
	0x34, 0x39, 0x3b, 0x3e, 0x3e, 0x3e, 0x25, 0x2e, 0x44, 0x49, 0x43, 0x3c,
	0x48, 0x37, 0x3d, 0x3e, 0x3b, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x0a, 0x0b,
	0x0b, 0x0e, 0x0d, 0x0e, 0x1c, 0x10, 0x10, 0x1c, 0x3b, 0x28, 0x22, 0x28,
	0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b,
	0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b,
	0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b,
	0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b, 0x3b,
	0x3b, 0x3b, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x20, 0x00, 0x18, 0x03,
	0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x00,
	0x16, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x06, 0xff, 0xc4, 0x00,
	0x16, 0x10, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x61, 0xff, 0xc4, 0x00,
	0x18, 0x01, 0x01, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x05, 0xff,
	0xc4, 0x00, 0x15, 0x11, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0xff, 0xda,
	0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00,
	0xd9, 0x57, 0xa5, 0x7a, 0x89, 0x5e, 0x95, 0xeb, 0x9f, 0x1b, 0xd6, 0xeb,
	0xd1, 0x12, 0xbd, 0x08, 0x21, 0xd7, 0xa5, 0x7a, 0x87, 0x5e, 0x95, 0xea,
	0xc8, 0x85, 0xca, 0xf4, 0x43, 0xaf, 0x42, 0x0f, 0xff, 0xd9,
};

static char dir[64];
static const struct render_fonts *fonts;

static const char QR_URL[] = "HTTPS://CERT.EXAMPLE.GOV.CN/V/"
    "AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYUCULBOGAZDINRYHI6D4QCAEBAGBAFAYDQQCIKBM"
    "GA2DQPCAIREEYUCULBOGAZDINRYHI6D4QCAEBAGBAFAYDQQCIKBMGA2DQPCAIREEYUCULB"
    "OGAZDINRYHI6D4QCAEBAGBAFAYDQQCIKBMGA2DQPCAIREE";

static void
base_input(struct render_input *in)
{
	memset(in, 0, sizeof(*in));
	in->certno = "S000036000123213000042";
	in->name = "张秀英";
	in->id_type = "居民身份证";
	in->id_number = "11010519491231002X";
	in->occupation = "养老护理员";
	in->trade = "";
	in->level = "三级/高级工";
	in->org_name = "江西省康养职业技能培训评价中心";
	in->issued_cn = "2021年3月15日";
	in->query_url = "https://cert.example.gov.cn/q";
	in->qr_url = QR_URL;
	in->brand = "江西表嫂";
	in->issued_on = 18701; /* 2021-03-15 */
}

/* Runs cmd, returns its stdout (NUL-terminated, caller frees) and exit
 * status in *status. */
static char *
run(const char *cmd, int *status)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *p;

	if ((p = popen(cmd, "r")) == NULL) {
		*status = -1;
		return strdup("");
	}
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_append(&b, chunk, n);
	*status = pclose(p);
	if (buf_cstr(&b) == NULL) {
		buf_free(&b);
		return strdup("");
	}
	return (char *)b.data;
}

/* Text with all ASCII white space removed: values that wrap across lines
 * (a long organization name) still match. */
static void
squeeze(char *s)
{
	char *w = s;

	for (; *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t' &&
		    *s != '\f')
			*w++ = *s;
	*w = '\0';
}

static int
write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return -1;
	ok = fwrite(b->data, 1, b->len, f) == b->len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int
has(const char *hay, const char *needle)
{
	char tmp[1024];

	snprintf(tmp, sizeof(tmp), "%s", needle);
	squeeze(tmp);
	if (strstr(hay, tmp) != NULL)
		return 1;
	fprintf(stderr, "  not extracted: \"%s\"\n", needle);
	return 0;
}

/* Renders in, writes tag.pdf and checks it as a reader would. */
static void
check_pdf(const char *tag, const struct render_input *in)
{
	struct buf out = BUF_INIT;
	struct err e = { 0, "" };
	char path[160], cmd[512], *txt, *qr;
	int rc, st;

	rc = render_cert_pdf(fonts, in, &out, &e);
	if (rc != ERR_OK)
		fprintf(stderr, "%s: %s\n", tag, e.msg);
	CHECK_EQ_INT(rc, ERR_OK);
	if (rc != ERR_OK)
		return;
	CHECK(out.len > 1000 && memcmp(out.data, "%PDF-", 5) == 0);
	if (in->photo == NULL)
		CHECK(out.len <= 40 * 1024);
	snprintf(path, sizeof(path), "%s/%s.pdf", dir, tag);
	CHECK(write_file(path, &out) == 0);

	/* every field, in content order (-raw: what copying or a screen
	 * reader gets) */
	snprintf(cmd, sizeof(cmd), "pdftotext -raw -enc UTF-8 '%s' - "
	    "2>/dev/null", path);
	txt = run(cmd, &st);
	CHECK_EQ_INT(st, 0);
	squeeze(txt);
	CHECK(has(txt, "职业技能等级证书"));
	CHECK(has(txt, "姓名："));
	CHECK(has(txt, "证件号码："));
	CHECK(has(txt, in->name));
	CHECK(has(txt, in->id_type));
	CHECK(has(txt, in->id_number));
	CHECK(has(txt, in->occupation));
	CHECK(has(txt, *in->trade ? in->trade : "--"));
	CHECK(has(txt, in->level));
	CHECK(has(txt, in->certno));
	CHECK(has(txt, in->org_name));
	CHECK(has(txt, in->issued_cn));
	CHECK(has(txt, in->query_url));
	CHECK(has(txt, "扫码验证"));
	if (in->brand && *in->brand)
		CHECK(has(txt, in->brand));
	free(txt);
	/* and with poppler's layout analysis (the default): the seal's
	 * letters must not scatter the lines; a long name still reads whole
	 * (poppler joins a line ending in '-' to the next, so "--" is only
	 * checked above) */
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' - 2>/dev/null",
	    path);
	txt = run(cmd, &st);
	CHECK_EQ_INT(st, 0);
	squeeze(txt);
	CHECK(has(txt, in->name));
	CHECK(has(txt, in->id_number));
	CHECK(has(txt, in->org_name));
	CHECK(has(txt, "发证日期："));
	free(txt);

	snprintf(cmd, sizeof(cmd), "qpdf --check '%s' >/dev/null 2>&1", path);
	free(run(cmd, &st));
	CHECK_EQ_INT(st, 0);

	/* the QR as a phone sees it: 150 dpi raster, decoded exactly */
	snprintf(cmd, sizeof(cmd), "pdftoppm -r 150 -png '%s' '%s/%s' "
	    "2>/dev/null && zbarimg --raw -q '%s/%s-1.png' 2>/dev/null", path,
	    dir, tag, dir, tag);
	qr = run(cmd, &st);
	CHECK_EQ_INT(st, 0);
	if (*qr && qr[strlen(qr) - 1] == '\n')
		qr[strlen(qr) - 1] = '\0';
	CHECK_STR(qr, in->qr_url);
	free(qr);
	buf_free(&out);
}

/* A small PNG written with libpng (RGBA: alpha is flattened on white). */
static int
make_png(struct buf *b, int alpha)
{
	png_image im;
	unsigned char px[20 * 28 * 4];
	png_alloc_size_t len = 0;
	int x, y;

	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	im.width = 20;
	im.height = 28;
	im.format = alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
	for (y = 0; y < 28; y++)
		for (x = 0; x < 20; x++) {
			unsigned char *p = px + (y * 20 + x) * (alpha ? 4 : 3);

			p[0] = (unsigned char)(200 - y * 4);
			p[1] = (unsigned char)(150 + x * 3);
			p[2] = 120;
			if (alpha)
				p[3] = (unsigned char)(x < 3 ? 0 : 255);
		}
	if (!png_image_write_get_memory_size(im, len, 0, px, 0, NULL))
		return -1;
	if (buf_reserve(b, len) != 0)
		return -1;
	if (!png_image_write_to_memory(&im, b->data, &len, 0, px, 0, NULL))
		return -1;
	b->len = len;
	return 0;
}

static void
test_qr(void)
{
	struct qr q, q8;
	struct err e = { 0, "" };

	CHECK_EQ_INT(qr_encode(QR_URL, &q, &e), ERR_OK);
	CHECK(q.width == 17 + 4 * q.version);
	/* 230 alphanumeric characters need version 9 at level M; in 8-bit
	 * they would need version 11 */
	CHECK(q.version <= 9);
	CHECK_EQ_INT(qr_encode("https://cert.example.gov.cn/v/abc", &q8, &e),
	    ERR_OK);
	CHECK(q8.width > 0);
	qr_free(&q8);
	qr_free(&q);
	CHECK_EQ_INT(qr_encode("", &q, &e), ERR_INVALID);
}

static void
expect_fail(const char *what, const struct render_input *in,
    const char *must1, const char *must2)
{
	struct buf out = BUF_INIT;
	struct err e = { 0, "" };
	int rc;

	buf_append_str(&out, "stale");
	rc = render_cert_pdf(fonts, in, &out, &e);
	CHECK_EQ_INT(rc, ERR_INVALID);
	CHECK_EQ_INT(out.len, 0); /* nothing written */
	if (must1 && strstr(e.msg, must1) == NULL) {
		fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", what,
		    e.msg, must1);
		CHECK(0);
	}
	if (must2 && strstr(e.msg, must2) == NULL) {
		fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", what,
		    e.msg, must2);
		CHECK(0);
	}
	buf_free(&out);
}

struct thr {
	const struct render_input *in;
	struct buf out;
	int rc;
};

static void *
thr_render(void *arg)
{
	struct thr *t = arg;
	struct err e = { 0, "" };
	int i;

	for (i = 0; i < 5 && t->rc == ERR_OK; i++)
		t->rc = render_cert_pdf(fonts, t->in, &t->out, &e);
	return NULL;
}

int
main(void)
{
	struct render_fonts *f;
	struct render_input in;
	struct err e = { 0, "" };
	struct buf a = BUF_INIT, b = BUF_INIT, png = BUF_INIT,
	    png_a = BUF_INIT;
	char cmd[128], art[128];
	struct thr t[3];
	pthread_attr_t attr;
	pthread_t tid[3];
	unsigned char bad[64];
	int i, st;

	test_qr();

	snprintf(dir, sizeof(dir), "/tmp/test_render.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (render_fonts_open(&f, NULL, &e) != ERR_OK) {
		fprintf(stderr, "fonts: %s\n", e.msg);
		return 1;
	}
	fonts = f;
	CHECK_EQ_INT(render_fonts_open(&f, "/nonexistent/x.ttf", &e),
	    ERR_NOTFOUND);
	CHECK(make_png(&png, 0) == 0);
	CHECK(make_png(&png_a, 1) == 0);

	/* ordinary name, brand mark, no photo (placeholder box) */
	base_input(&in);
	check_pdf("ordinary", &in);

	/* CJK Extension A */
	base_input(&in);
	in.name = "刘䶮";
	in.brand = "";
	check_pdf("ext_a", &in);

	/* Extension B and later: drawn through PUA, extracted as the real
	 * characters thanks to /ActualText; PNG photo */
	base_input(&in);
	in.name = "𠮷𫖯华";
	in.photo = png.data;
	in.photo_len = png.len;
	check_pdf("ext_b", &in);

	/* middle dot, a trade, an RGBA PNG photo, a Sichuan mark */
	base_input(&in);
	in.name = "阿依古丽·买买提";
	in.occupation = "家政服务员";
	in.trade = "母婴护理员";
	in.level = "四级/中级工";
	in.brand = "天府妹子";
	in.photo = png_a.data;
	in.photo_len = png_a.len;
	check_pdf("middle_dot", &in);

	/* very long organization name (wraps, seal condenses), JPEG photo */
	base_input(&in);
	in.org_name = "新疆维吾尔自治区乌鲁木齐市天山区康养职业技能等级认定"
	    "评价服务中心（有限责任公司）";
	in.photo = photo_jpg;
	in.photo_len = sizeof(photo_jpg);
	check_pdf("long_org", &in);

	/* brand artwork instead of the drawn badge */
	base_input(&in);
	snprintf(art, sizeof(art), "%s/brand.png", dir);
	CHECK(write_file(art, &png_a) == 0);
	in.brand_art = art;
	CHECK_EQ_INT(render_cert_pdf(fonts, &in, &a, &e), ERR_OK);
	CHECK(a.len > 1000);
	snprintf(art, sizeof(art), "%s/missing.png", dir);
	CHECK_EQ_INT(render_cert_pdf(fonts, &in, &a, &e), ERR_NOTFOUND);
	CHECK_EQ_INT(a.len, 0);

	/* determinism: same input, same bytes, also from several threads
	 * sharing one render_fonts */
	base_input(&in);
	in.name = "𠮷祥";
	in.photo = photo_jpg;
	in.photo_len = sizeof(photo_jpg);
	CHECK_EQ_INT(render_cert_pdf(fonts, &in, &a, &e), ERR_OK);
	CHECK_EQ_INT(render_cert_pdf(fonts, &in, &b, &e), ERR_OK);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	CHECK(memmem(a.data, a.len, "/ID", 3) == NULL); /* no random ID */
	CHECK(pthread_attr_init(&attr) == 0);
	CHECK(pthread_attr_setstacksize(&attr, 512 * 1024) == 0);
	for (i = 0; i < 3; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].in = &in;
		CHECK(pthread_create(&tid[i], &attr, thr_render, &t[i]) == 0);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(tid[i], NULL);
		CHECK_EQ_INT(t[i].rc, ERR_OK);
		CHECK(t[i].out.len == a.len &&
		    memcmp(t[i].out.data, a.data, a.len) == 0);
		buf_free(&t[i].out);
	}
	pthread_attr_destroy(&attr);
	in.issued_on = 18702;
	CHECK_EQ_INT(render_cert_pdf(fonts, &in, &b, &e), ERR_OK);
	CHECK(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);

	/* a character no font has: named, with its code and field */
	base_input(&in);
	in.name = "张\xf4\x8f\xbf\xbd";           /* U+10FFFD */
	expect_fail("no glyph", &in, "姓名", "U+10FFFD");
	base_input(&in);
	in.org_name = "评价中心\xf0\xbf\xbf\xbd"; /* U+3FFFD, unassigned */
	expect_fail("no glyph", &in, "评价机构名称", "U+3FFFD");
	base_input(&in);
	in.name = "张\xe4\xb8";                   /* truncated UTF-8 */
	expect_fail("bad utf-8", &in, "姓名", "UTF-8");
	base_input(&in);
	in.name = "张\n三";
	expect_fail("control", &in, "姓名", "U+000A");
	base_input(&in);
	in.name = "";
	expect_fail("empty", &in, "姓名", "empty");

	/* corrupt photos fail cleanly (libharu 2.3.0 alone would abort the
	 * process on a corrupt PNG) */
	base_input(&in);
	in.photo = png.data;
	in.photo_len = png.len / 2;
	expect_fail("truncated png", &in, "photo", "PNG");
	in.photo = photo_jpg;
	in.photo_len = sizeof(photo_jpg) - 40;
	expect_fail("truncated jpeg", &in, "photo", "JPEG");
	memcpy(bad, photo_jpg, sizeof(bad));
	bad[20] = 0x12; /* a lost marker in the header */
	in.photo = bad;
	in.photo_len = sizeof(bad);
	expect_fail("corrupt jpeg", &in, "photo", "JPEG");
	memset(bad, 0x5A, sizeof(bad));
	in.photo_len = sizeof(bad);
	expect_fail("not an image", &in, "photo", "neither");

	render_fonts_close(f);
	buf_free(&a);
	buf_free(&b);
	buf_free(&png);
	buf_free(&png_a);
	if (getenv("SKILLCERT_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		free(run(cmd, &st));
	} else
		printf("PDFs kept in %s\n", dir);
	TEST_END();
}
