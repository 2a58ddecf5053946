/* qrsvg.c - a QR code as inline SVG (libqrencode), one path of unit
 * squares: no script, no inline style, so the strict CSP holds. */
#include <qrencode.h>
#include "pages.h"

int
page_qr_svg(struct buf *b, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int w, quiet = 4;

	if (q == NULL)
		return -1;
	w = q->width;
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "width=\"240\" height=\"240\" role=\"img\" aria-label=\"二维码\" "
	    "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"", w + 2 * quiet,
	    w + 2 * quiet, w + 2 * quiet, w + 2 * quiet);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				buf_printf(b, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	buf_append_str(b, "\"/></svg>");
	QRcode_free(q);
	return b->oom ? -1 : 0;
}
