/* html.h - HTML text and attribute escaping. */
#ifndef SKILLCERT_HTML_H
#define SKILLCERT_HTML_H

#include "skillcert/base/buf.h"

/* HTML text/attribute escaping of & < > " ' */
int html_escape(struct buf *b, const char *s);

#endif
