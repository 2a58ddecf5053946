/* style.c - the pages' one stylesheet, inline so pages need no other
 * fetch, and the Content-Security-Policy that admits it by its hash. */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

#include "style.h"

const char srv_page_css[] =
":root{--ok:#0a7d32;--bad:#c62828;--unk:#5f6368;--ink:#1f2328;--mute:#5f6368;"
"--line:#e3e6ea;--bg:#f4f6f8}"
"*{box-sizing:border-box}"
"html{-webkit-text-size-adjust:100%}"
"body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.55 "
"-apple-system,\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\","
"\"Noto Sans CJK SC\",\"WenQuanYi Zen Hei\",sans-serif}"
"header{background:#1d3f72;color:#fff;padding:12px 16px}"
"header a{color:#fff;text-decoration:none;font-weight:600;font-size:17px}"
"main{max-width:560px;margin:0 auto;padding:12px 12px 24px}"
".v{border-radius:14px;padding:20px 16px;text-align:center;color:#fff;"
"margin:4px 0 12px}"
".v.ok{background:var(--ok)}.v.bad{background:var(--bad)}"
".v.unk{background:var(--unk)}"
".v .i{display:inline-block;width:56px;height:56px;line-height:52px;"
"border:3px solid #fff;border-radius:50%;font-size:34px;font-weight:700}"
".v h1{margin:6px 0 2px;font-size:44px;line-height:1.2;letter-spacing:4px}"
".v p{margin:0;font-size:15px;opacity:.95}"
".card{background:#fff;border:1px solid var(--line);border-radius:12px;"
"padding:14px 16px;margin:0 0 12px}"
".card h2{font-size:15px;color:var(--mute);margin:0 0 8px;font-weight:600}"
".who{display:flex;gap:14px;align-items:center;padding-bottom:12px;"
"margin-bottom:8px;border-bottom:1px solid var(--line)}"
".who img{width:84px;height:112px;object-fit:cover;border-radius:6px;"
"border:1px solid var(--line);background:#eef0f3;flex:none}"
".who .n{font-size:26px;font-weight:700;letter-spacing:2px}"
".who .s{color:var(--mute);font-size:14px}"
".who .s .mono{white-space:nowrap}"
"dl{margin:0;display:grid;grid-template-columns:5.2em 1fr;gap:7px 10px}"
"dt{color:var(--mute);font-size:14px;padding-top:1px}"
"dd{margin:0;font-weight:500;word-break:break-all}"
".mono{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
"font-size:14.5px;letter-spacing:0}"
".c{display:block;color:var(--mute);font-size:13px;font-weight:400}"
".tag{display:inline-block;padding:0 8px;border-radius:10px;font-size:13px;"
"background:#e8f3ec;color:var(--ok)}"
".tag.bad{background:#fdecea;color:var(--bad)}"
"form label{display:block;font-size:14px;color:var(--mute);margin:10px 0 4px}"
"input{width:100%;font:inherit;font-size:17px;padding:11px 12px;"
"border:1px solid #c4c9d0;border-radius:8px;background:#fff}"
"button{width:100%;margin-top:16px;font:inherit;font-size:17px;"
"font-weight:600;padding:12px;border:0;border-radius:8px;"
"background:#1d3f72;color:#fff}"
".note{color:var(--mute);font-size:13px;margin:8px 4px}"
".why{font-size:15px;margin:0;padding-left:1.2em}"
"footer{color:var(--mute);font-size:12px;text-align:center;padding:8px 16px 24px}";

int
srv_csp_build(char out[SRV_CSP_MAX], int tls)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	unsigned char b64[64];
	int n;

	if (EVP_Digest(srv_page_css, strlen(srv_page_css), md, &mdlen,
	    EVP_sha256(), NULL) != 1 || mdlen != 32)
		return -1;
	if (EVP_EncodeBlock(b64, md, 32) != 44)
		return -1;
	n = snprintf(out, SRV_CSP_MAX, "default-src 'none'; style-src "
	    "'sha256-%s'; img-src 'self' data:; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'%s", b64,
	    tls ? "; upgrade-insecure-requests" : "");
	return n > 0 && n < SRV_CSP_MAX ? 0 : -1;
}
