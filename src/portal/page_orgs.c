/* page_orgs.c - the authority's organization pages: the list with the
 * filing form, one organization (scope, region, validity, keys, users)
 * with suspend, resume and rekey. */
#include <stdio.h>
#include <string.h>
#include "pages.h"
#include "skillcert/base/date.h"
#include "skillcert/base/hex.h"
#include "skillcert/model/catalog.h"
#include "skillcert/model/cert.h"
#include "skillcert/model/keys.h"
#include "skillcert/model/level.h"

static const char page_org_head[] = "<div class=\"tablewrap\"><table class=\"stack\"><tr>"
    "<th>代码</th><th>名称</th><th>状态</th><th>地区</th><th>有效期</th>"
    "<th>范围</th></tr>";

static void
page_org_scope(struct page *g, const struct org *o)
{
	char lv[8], occ[CERT_OCC_MAX + 1];

	for (int i = 0; i < o->nscope; i++) {
		if (i)
			page_raw(g, "，");
		cert_occ_unpack(o->scope[i].occ, occ);
		page_text(g, page_occ_name(g, occ));
		level_mask_format(o->scope[i].levels, lv);
		page_raw(g, " ");
		page_text(g, lv);
	}
}

static int
page_org_row(const struct org *o, void *arg)
{
	struct page *g = arg;
	char a[11], b[11];

	date_format_iso(o->valid_from, a);
	date_format_iso(o->valid_to, b);
	page_raw(g, "<tr><td data-label=\"代码\"><a href=\"/org/");
	page_text(g, o->code);
	page_raw(g, "\">");
	page_text(g, o->code);
	page_raw(g, "</a></td><td data-label=\"名称\">");
	page_text(g, o->name);
	page_printf(g, "</td><td data-label=\"状态\" class=\"%s\">%s</td>"
	    "<td data-label=\"地区\">%06d ",
	    o->status == ORG_ACTIVE ? "st-valid" : "st-revoked",
	    o->status == ORG_ACTIVE ? "正常" : "暂停", o->region);
	page_text(g, catalog_region_name(&g->p->reg->cat, o->region));
	page_printf(g, "</td><td data-label=\"有效期\">%s 至 %s</td>"
	    "<td data-label=\"范围\" class=\"wrap\">", a, b);
	page_org_scope(g, o);
	page_raw(g, "</td></tr>");
	return 0;
}

static void
page_org_file_form(struct page *g)
{
	page_raw(g, "<h2>备案新机构</h2><form method=\"post\" action=\"/org/new\" "
	    "class=\"card\">");
	page_csrf(g);
	page_raw(g, "<label>机构代码（13 位，如 S000036000002）<input name=\"code\" "
	    "required maxlength=\"13\"></label><label>名称<input name=\"name\" "
	    "required maxlength=\"120\"></label><label>范围（职业:等级，如 "
	    "养老护理员:5-1,育婴员:5-3）<input name=\"scope\" required></label>"
	    "<label>地区代码（6 位，可空）<input name=\"region\" maxlength=\"6\">"
	    "</label><label>有效期起（YYYY-MM-DD，可空=今天）<input name=\"from\" "
	    "maxlength=\"10\"></label><label>有效期止（可空=三年）<input name=\"to\" "
	    "maxlength=\"10\"></label><button type=\"submit\">备案</button></form>");
}

int
page_orgs(struct page *g, const char *arg)
{
	MDB_txn *txn = NULL;

	page_begin(g, "评价机构");
	page_raw(g, page_org_head);
	if (registry_txn_begin_reader(g->p->reg, &txn, &g->e) == 0) {
		registry_each_org(g->p->reg, txn, page_org_row, g, &g->e);
		mdb_txn_abort(txn);
	}
	page_raw(g, "</table></div>");
	page_org_file_form(g);
	page_end(g);
	return 0;
}

static int
page_org_key(const struct org_key *k, void *arg)
{
	struct page *g = arg;
	char kid[2 * KEY_ID_LEN + 1], a[11], b[11];

	key_id_hex(k->kid, kid);
	date_format_iso(k->valid_from, a);
	date_format_iso(k->valid_to, b);
	page_printf(g, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td>"
	    "<td>%s 至 %s</td></tr>", kid, key_alg_name(k->alg),
	    k->status == OKEY_ACTIVE ? "在用" : k->status == OKEY_RETIRED ? "已停用" :
	    "已泄露", a, b);
	return 0;
}

static int
page_org_user(const struct account *a, void *arg)
{
	struct page *g = arg;

	page_raw(g, "<li>");
	page_text(g, a->name);
	page_printf(g, "（%s%s）</li>", a->role == ACCT_ADMIN ? "机构管理员" :
	    "经办人", a->disabled ? "，已停用" : "");
	return 0;
}

static void
page_org_button(struct page *g, const char *code, const char *verb,
    const char *label, int note)
{
	page_raw(g, "<form method=\"post\" class=\"inline\" action=\"/org/");
	page_text(g, code);
	page_printf(g, "/%s\">", verb);
	page_csrf(g);
	if (note)
		page_raw(g, "<input name=\"note\" placeholder=\"原因\" required "
		    "maxlength=\"200\">");
	page_printf(g, "<button type=\"submit\" class=\"second\">%s</button></form>",
	    label);
}

static void
page_org_view(struct page *g, MDB_txn *txn, const struct org *o)
{
	page_begin(g, o->name);
	page_raw(g, page_org_head);
	page_org_row(o, g);
	page_raw(g, "</table></div>");
	if (o->note[0]) {
		page_raw(g, "<p class=\"error\">暂停原因：");
		page_text(g, o->note);
		page_raw(g, "</p>");
	}
	page_raw(g, "<div class=\"row\">");
	if (o->status == ORG_ACTIVE)
		page_org_button(g, o->code, "suspend", "暂停", 1);
	else
		page_org_button(g, o->code, "resume", "恢复", 0);
	page_org_button(g, o->code, "rekey", "更换密钥", 0);
	page_raw(g, "</div><h2>密钥</h2><div class=\"tablewrap\"><table><tr><th>编号"
	    "</th><th>算法</th><th>状态</th><th>有效期</th></tr>");
	registry_each_orgkey(g->p->reg, txn, o->code, page_org_key, g, &g->e);
	page_raw(g, "</table></div>");
}

int
page_org(struct page *g, const char *code)
{
	struct org o;
	MDB_txn *txn = NULL;
	int rc = -1;

	if (strlen(code) != ORGCODE_LEN ||
	    registry_txn_begin_reader(g->p->reg, &txn, &g->e) != 0)
		return -1;
	if (registry_get_org(g->p->reg, txn, code, &o, &g->e) == 0) {
		page_org_view(g, txn, &o);
		rc = 0;
	}
	mdb_txn_abort(txn);
	if (rc == 0) {
		/* the account service opens its own read transaction: after ours */
		page_raw(g, "<h2>用户</h2><ul>");
		acct_user_each(g->p->acct, &g->who, code, page_org_user, g, &g->e);
		page_raw(g, "</ul>");
		page_end(g);
	}
	return rc;
}

int
page_org_post(struct page *g, const char *arg)
{
	char code[ORGCODE_LEN + 1], loc[64];
	const char *slash = strchr(arg, '/');
	int rc, verb;

	if (strcmp(arg, "new") == 0) {
		struct portal_org_form f = { form_get(&g->f, "code"),
		    form_get(&g->f, "name"), form_get(&g->f, "scope"),
		    form_get(&g->f, "region"), form_get(&g->f, "from"),
		    form_get(&g->f, "to") };
		if ((rc = portal_org_file(g->p, &g->who, &f, &g->e)) != 0) {
			page_message(g, resp_status_of(rc), "备案失败", g->e.msg, "/orgs");
			return 0;
		}
		snprintf(loc, sizeof(loc), "/org/%s", f.code);
		resp_redirect(g->resp, loc);
		return 0;
	}
	if (slash == NULL || slash - arg != ORGCODE_LEN)
		return -1;
	memcpy(code, arg, ORGCODE_LEN);
	code[ORGCODE_LEN] = '\0';
	verb = strcmp(slash, "/suspend") == 0 ? 's' : strcmp(slash, "/resume") == 0 ?
	    'r' : strcmp(slash, "/rekey") == 0 ? 'k' : 0;
	if (!verb)
		return -1;
	if ((rc = portal_org_change(g->p, &g->who, code, verb,
	    form_get(&g->f, "note"), &g->e)) == ERR_NOTFOUND)
		return -1;
	if (rc != 0) {
		page_message(g, resp_status_of(rc), "操作失败", g->e.msg, "/orgs");
		return 0;
	}
	snprintf(loc, sizeof(loc), "/org/%s", code);
	resp_redirect(g->resp, loc);
	return 0;
}
