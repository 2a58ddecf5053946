/* render.h - one A4 certificate PDF from ready-to-print fields.
 * The renderer knows nothing of the registry: the caller (CLI) fills a
 * render_input from a certificate record and the catalogs. Fonts are
 * subset per document with HarfBuzz; characters above U+FFFF are mapped
 * to Private Use Area code points in the subset and tagged with
 * /ActualText so text extraction returns the real character. */
#ifndef SKILLCERT_RENDER_H
#define SKILLCERT_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"

struct render_input {
	const char *certno;        /* 证书编号 */
	const char *name;          /* 姓名, full */
	const char *id_type;       /* 证件类型 name, e.g. 居民身份证 */
	const char *id_number;     /* 证件号码, full (the holder's own document) */
	const char *occupation;    /* 职业名称 */
	const char *trade;         /* 工种/职业方向, "" -> printed "--" */
	const char *level;         /* 职业技能等级, e.g. 三级/高级工 */
	const char *org_name;      /* 评价机构名称 */
	const char *issued_cn;     /* 发证日期, e.g. 2021年3月15日 */
	const char *query_url;     /* human query address printed on the page */
	const char *qr_url;        /* PUBLIC_URL/V/TOKEN, upper case */
	const char *brand;         /* regional mark text, "" or NULL for none */
	const char *brand_art;     /* optional artwork file (PNG/JPEG) or NULL */
	const uint8_t *photo;      /* JPEG or PNG bytes, NULL for none */
	size_t photo_len;
	int32_t issued_on;         /* days since 1970: document dates (determinism) */
};

struct render_fonts; /* font files mapped once, shared read-only by threads */

/* Opens the font chain: paths separated by ':'; NULL = the default Debian
 * chain LXGW WenKai : AR PL UMing : WenQuanYi Zen Hei. */
int render_fonts_open(struct render_fonts **f, const char *paths, struct err *e);
void render_fonts_close(struct render_fonts *f);

/* Renders into out (cleared first). Deterministic: the same input gives
 * the same bytes. A character no font has fails with ERR_INVALID naming
 * it ("字 U+XXXX in 姓名"). Thread-safe for distinct outs. */
int render_cert_pdf(const struct render_fonts *f, const struct render_input *in,
    struct buf *out, struct err *e);
/* n certificates, one A4 page each, in one document whose fonts are
 * subset once over all their text (batch printing). Dates of the
 * document: in[0].issued_on. Errors name the certificate. n = 1 gives
 * exactly render_cert_pdf's bytes. */
int render_certs_pdf(const struct render_fonts *f,
    const struct render_input *in, size_t n, struct buf *out, struct err *e);

#endif
