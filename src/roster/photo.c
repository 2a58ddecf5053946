/* photo.c - refuses a roster photo that could not be printed on the
 * certificate, while the row can still be fixed, not when it is printed. */
#include <stdint.h>
#include <string.h>

#include "skillcert/roster/photo.h"

/* ---- photos ------------------------------------------------------------ */

static uint32_t
photo_read_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
photo_crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

/* Walks JPEG segments to the first frame header. SOF0..SOF15 are C0..CF
 * except C4 (DHT), C8 (JPG extension) and CC (DAC). */
static int
photo_check_jpeg(const unsigned char *p, size_t n, int *w, int *h,
    struct err *e)
{
	size_t i = 2, len;
	unsigned m;
	int pw, ph;

	for (;;) {
		if (i >= n)
			return err_set(e, ERR_INVALID, "JPEG photo ends at byte "
			    "%zu before its frame header (truncated?)", n), -1;
		if (p[i] != 0xff)
			return err_set(e, ERR_INVALID, "JPEG photo: byte %zu "
			    "should start a marker (0xFF), not 0x%02X", i,
			    p[i]), -1;
		while (i < n && p[i] == 0xff)
			i++; /* fill bytes */
		if (i >= n)
			continue;
		m = p[i++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue; /* TEM, RSTn: no length */
		if (m == 0xd8 || m == 0xd9 || m == 0xda || m == 0x00)
			return err_set(e, ERR_INVALID, "JPEG photo: marker "
			    "0x%02X at byte %zu comes before any frame header",
			    m, i - 1), -1;
		if (n - i < 2)
			return err_set(e, ERR_INVALID, "JPEG photo ends at byte "
			    "%zu inside a segment header (truncated?)", n), -1;
		len = (size_t)p[i] << 8 | p[i + 1];
		if (len < 2 || len > n - i)
			return err_set(e, ERR_INVALID, "JPEG photo: segment "
			    "0x%02X at byte %zu has length %zu, past the end "
			    "(truncated?)", m, i - 1, len), -1;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
		    m != 0xcc) {
			if (len < 8)
				return err_set(e, ERR_INVALID, "JPEG photo: "
				    "frame header too short"), -1;
			ph = p[i + 3] << 8 | p[i + 4];
			pw = p[i + 5] << 8 | p[i + 6];
			if (pw == 0 || ph == 0)
				return err_set(e, ERR_INVALID, "JPEG photo: "
				    "size %dx%d is not usable", pw, ph), -1;
			if (w)
				*w = pw;
			if (h)
				*h = ph;
			return 1;
		}
		i += len;
	}
}

static int
photo_check_png(const unsigned char *p, size_t n, int *w, int *h,
    struct err *e)
{
	uint32_t pw, ph;

	if (n < 33)
		return err_set(e, ERR_INVALID, "PNG photo is truncated (%zu "
		    "bytes)", n), -1;
	if (photo_read_be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
		return err_set(e, ERR_INVALID, "PNG photo: the first chunk is "
		    "not a 13-byte IHDR"), -1;
	if (photo_crc32(p + 12, 17) != photo_read_be32(p + 29))
		return err_set(e, ERR_INVALID, "PNG photo: IHDR checksum is "
		    "wrong (damaged file)"), -1;
	pw = photo_read_be32(p + 16);
	ph = photo_read_be32(p + 20);
	if (pw == 0 || ph == 0 || pw > 0x7fffffffu || ph > 0x7fffffffu)
		return err_set(e, ERR_INVALID, "PNG photo: size %ux%u is not "
		    "usable", (unsigned)pw, (unsigned)ph), -1;
	if (w)
		*w = (int)pw;
	if (h)
		*h = (int)ph;
	return 2;
}

int
photo_check(const unsigned char *p, size_t n, size_t max, int *w, int *h,
    struct err *e)
{
	if (p == NULL || n == 0)
		return err_set(e, ERR_INVALID, "photo is empty"), -1;
	if (n > max)
		return err_set(e, ERR_INVALID, "photo is %zu bytes; the limit "
		    "is %zu", n, max), -1;
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return photo_check_jpeg(p, n, w, h, e);
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return photo_check_png(p, n, w, h, e);
	if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0 &&
	    (memcmp(p + 8, "heic", 4) == 0 || memcmp(p + 8, "heix", 4) == 0 ||
	    memcmp(p + 8, "mif1", 4) == 0))
		return err_set(e, ERR_INVALID, "photo is HEIC (a phone "
		    "format); export it as JPEG"), -1;
	if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0))
		return err_set(e, ERR_INVALID, "photo is GIF; use JPEG or "
		    "PNG"), -1;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return err_set(e, ERR_INVALID, "photo is WebP; use JPEG or "
		    "PNG"), -1;
	if (n >= 2 && p[0] == 'B' && p[1] == 'M')
		return err_set(e, ERR_INVALID, "photo is BMP; use JPEG or "
		    "PNG"), -1;
	return err_set(e, ERR_INVALID, "photo is neither JPEG nor PNG"), -1;
}
