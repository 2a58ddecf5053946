/* style.h - the pages' stylesheet and the CSP that admits it by hash. */
#ifndef SKILLCERT_SRV_STYLE_H
#define SKILLCERT_SRV_STYLE_H

#include "ctx.h"

/* Kept in one piece: its SHA-256 goes into the Content-Security-Policy. */
extern const char srv_page_css[];
/* The policy sent with every response; -1 if hashing failed. */
int srv_csp_build(char out[SRV_CSP_MAX], int tls);

#endif
