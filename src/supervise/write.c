/* write.c - the hits as a table for the screen, CSV for a spreadsheet
 * (UTF-8 BOM, as Excel and WPS need) or JSON; a person appears only as a
 * masked ID number and masked name. */
#include <stdio.h>
#include <string.h>

#include "skillcert/base/csv.h"
#include "skillcert/base/date.h"
#include "skillcert/base/json.h"
#include "rule.h"

/* The hit's fields as text, shared by the three formats. */
struct sig_row {
	const char *code, *name;
	char id[CERT_ID_MAX + 1], pname[CERT_NAME_MAX * 2 + 8];
	char from[11], to[11];
};

static void
sig_row_make(const struct sig_hit *h, const struct sig_data *d,
    sig_person_fn person, void *arg, struct sig_row *w)
{
	memset(w, 0, sizeof(*w));
	w->code = h->org >= 0 ? d->org[h->org].code : "";
	w->name = h->org >= 0 ? d->org[h->org].name : "";
	if (h->person >= 0 && person)
		person(arg, (size_t)h->person, w->id, sizeof(w->id), w->pname,
		    sizeof(w->pname));
	date_format_iso(h->from, w->from);
	date_format_iso(h->to, w->to);
}

static void
sig_write_certs(const struct sig_hit *h, const struct sig_data *d,
    const char *sep, struct buf *out)
{
	for (size_t i = 0; i < h->ncerts; i++) {
		if (i)
			buf_append_str(out, sep);
		buf_append_str(out, d->no[h->certs[i]]);
	}
}

static void
sig_write_table(const struct sig_hits *hs, const struct sig_data *d,
    sig_person_fn person, void *arg, struct buf *out)
{
	size_t sev[4] = { 0 };

	for (size_t i = 0; i < hs->n; i++) {
		const struct sig_hit *h = &hs->v[i];
		struct sig_row w;
		sig_row_make(h, d, person, arg, &w);
		sev[h->rule->severity]++;
		buf_printf(out, "[%s] %s  ", sig_severity_name(h->rule->severity),
		    h->rule->def->id);
		if (h->org >= 0)
			buf_printf(out, "%s %s", w.code, w.name);
		if (h->person >= 0)
			buf_printf(out, "%s证件 %s %s", h->org >= 0 ? "  " : "", w.id,
			    w.pname);
		buf_printf(out, "\n  %s\n  %s .. %s, %llu certificates: ", h->desc,
		    w.from, w.to, (unsigned long long)h->count);
		sig_write_certs(h, d, " ", out);
		if (h->count > h->ncerts)
			buf_printf(out, " (+%llu more)",
			    (unsigned long long)(h->count - h->ncerts));
		buf_printf(out, "\n%s%s%s", h->extra[0] ? "  " : "", h->extra,
		    h->extra[0] ? "\n" : "");
	}
	buf_printf(out, "%zu signals (%zu high, %zu medium, %zu low)\n", hs->n,
	    sev[SIG_HIGH], sev[SIG_MEDIUM], sev[SIG_LOW]);
}

static void
sig_write_csv(const struct sig_hits *hs, const struct sig_data *d,
    sig_person_fn person, void *arg, struct buf *out)
{
	static const char head[] = "rule,severity,org_code,org_name,person_id,"
	    "person_name,from,to,count,description,certificates,details\r\n";
	struct buf certs = BUF_INIT;
	char n[24];

	buf_append_str(out, "\xef\xbb\xbf");
	buf_append_str(out, head);
	for (size_t i = 0; i < hs->n; i++) {
		const struct sig_hit *h = &hs->v[i];
		struct sig_row w;
		const char *cell[12];
		sig_row_make(h, d, person, arg, &w);
		buf_reset(&certs);
		sig_write_certs(h, d, " ", &certs);
		buf_append_byte(&certs, '\0');
		snprintf(n, sizeof(n), "%llu", (unsigned long long)h->count);
		cell[0] = h->rule->def->id;
		cell[1] = sig_severity_name(h->rule->severity);
		cell[2] = w.code, cell[3] = w.name, cell[4] = w.id, cell[5] = w.pname;
		cell[6] = w.from, cell[7] = w.to, cell[8] = n, cell[9] = h->desc;
		cell[10] = certs.data ? (char *)certs.data : "";
		cell[11] = h->extra;
		for (int c = 0; c < 12; c++) {
			if (c)
				buf_append_byte(out, ',');
			csv_append_cell(out, cell[c]);
		}
		buf_append_str(out, "\r\n");
	}
	buf_free(&certs);
}

static void
sig_write_json_hit(struct json *j, const struct sig_hit *h,
    const struct sig_data *d, sig_person_fn person, void *arg)
{
	struct sig_row w;

	sig_row_make(h, d, person, arg, &w);
	json_obj_begin(j);
	json_kstr(j, "rule", h->rule->def->id);
	json_kstr(j, "severity", sig_severity_name(h->rule->severity));
	if (h->org >= 0) {
		json_kstr(j, "org_code", w.code);
		json_kstr(j, "org_name", w.name);
	}
	if (h->person >= 0) {
		json_kstr(j, "person_id", w.id);
		json_kstr(j, "person_name", w.pname);
	}
	json_kstr(j, "description", h->desc);
	json_kstr(j, "from", w.from);
	json_kstr(j, "to", w.to);
	json_kint(j, "count", (int64_t)h->count);
	json_key(j, "certificates");
	json_arr_begin(j);
	for (size_t i = 0; i < h->ncerts; i++)
		json_str(j, d->no[h->certs[i]]);
	json_arr_end(j);
	if (h->extra[0])
		json_kstr(j, "details", h->extra);
	json_obj_end(j);
}

int
sig_write(const struct sig_hits *h, const struct sig_data *d, int fmt,
    sig_person_fn person, void *arg, struct buf *out)
{
	struct json j;

	if (fmt == SIG_FMT_TABLE)
		sig_write_table(h, d, person, arg, out);
	else if (fmt == SIG_FMT_CSV)
		sig_write_csv(h, d, person, arg, out);
	else {
		json_init(&j, out);
		json_obj_begin(&j);
		json_kint(&j, "certificates_read", (int64_t)d->n);
		json_kint(&j, "count", (int64_t)h->n);
		json_key(&j, "signals");
		json_arr_begin(&j);
		for (size_t i = 0; i < h->n; i++)
			sig_write_json_hit(&j, &h->v[i], d, person, arg);
		json_arr_end(&j);
		json_obj_end(&j);
		buf_append_byte(out, '\n');
	}
	return out->oom ? -1 : 0;
}
