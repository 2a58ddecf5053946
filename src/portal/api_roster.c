/* api_roster.c - rosters through the API: submit (CSV or XLSX) and get the
 * validation report, read it again, issue it. The portal keeps the roster
 * as CSV, so the issue step issues exactly what was validated. */
#include <stdio.h>
#include <string.h>
#include "api_int.h"
#include "skillcert/base/json.h"
#include "skillcert/roster/xlsx.h"

/* A row's status as the report and the issue result name it. */
static const char *
api_row_status(int st, int dry_run)
{
	switch (st) {
	case ROW_PENDING: return dry_run ? "valid" : "pending";
	case ROW_ISSUED: return dry_run ? "valid" : "issued";
	case ROW_EXISTING: return "existing";
	case ROW_FAILED: return "failed_assessment";
	default: return "rejected";
	}
}

static void
api_put_problems(struct json *j, const struct issue_row *row)
{
	char field[64];
	const char *text;

	json_key(j, "problems");
	json_arr_begin(j);
	if (row->status == ROW_REJECTED) {
		api_split_problem(row->msg, field, sizeof(field), &text);
		json_obj_begin(j);
		if (field[0])
			json_kstr(j, "field", field);
		json_kstr(j, "message", text);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* One row of a report (dry_run) or of an issue result. */
static void
api_put_row(struct json *j, const struct issue_row *row, int dry_run)
{
	json_obj_begin(j);
	json_kint(j, "line", row->line);
	json_kstr(j, "status", api_row_status(row->status, dry_run));
	if (row->certno[0] && (row->status == ROW_EXISTING ||
	    (row->status == ROW_ISSUED && !dry_run)))
		json_kstr(j, "number", row->certno);
	api_put_problems(j, row);
	json_obj_end(j);
}

/* The validation report of a dry run. */

/* The kept roster id of the caller's organization into csv (and its
 * format), or the reply already sent: the same 404 for another
 * organization's roster as for none. */
static int
api_roster_load(struct api_call *c, const char *id, struct buf *csv,
    char *format, size_t cap)
{
	struct err e;

	if (portal_roster_get(c->p, c->who.org, id, csv, format, cap, &e) == 0)
		return 0;
	buf_free_wipe(csv);
	if (e.code == ERR_NOTFOUND)
		api_reply_notfound(c, "roster", id);
	else
		api_reply_err(c, &e);
	return -1;
}

static void
api_reply_report(struct api_call *c, int status, const char *id,
    const char *format, const struct issue_result *res)
{
	struct buf b = BUF_INIT;
	struct json j;
	size_t n[5] = { 0 };

	for (size_t i = 0; i < res->nrows; i++)
		n[res->rows[i].status < 5 ? res->rows[i].status : ROW_REJECTED]++;
	json_init(&j, &b);
	json_obj_begin(&j);
	json_kstr(&j, "roster", id);
	json_kstr(&j, "org", c->who.org);
	if (format)
		json_kstr(&j, "format", format);
	json_kint(&j, "rows", (int64_t)res->nrows);
	/* a dry run stores in a transaction it drops: issued means valid */
	json_kint(&j, "valid", (int64_t)(n[ROW_PENDING] + n[ROW_ISSUED]));
	json_kint(&j, "rejected", (int64_t)n[ROW_REJECTED]);
	json_kint(&j, "failed_assessment", (int64_t)n[ROW_FAILED]);
	json_kint(&j, "existing", (int64_t)n[ROW_EXISTING]);
	json_key(&j, "report");
	json_arr_begin(&j);
	for (size_t i = 0; i < res->nrows; i++)
		api_put_row(&j, &res->rows[i], 1);
	json_arr_end(&j);
	json_obj_end(&j);
	api_reply_json(c, status, &b);
}

/* The body as CSV: text/csv as it is, XLSX converted (first sheet). 0, or
 * replied 413/415/400 and non-zero. */
static int
api_read_roster(struct api_call *c, struct buf *csv, const char **format)
{
	const struct portal_req *rq = c->rq;
	char msg[120];
	struct err e;

	if (api_ctype_is(rq, "text/csv"))
		*format = "csv";
	else if (api_ctype_is(rq, API_XLSX_TYPE))
		*format = "xlsx";
	else {
		api_reply_error(c, 415, "unsupported_media_type", "a roster is "
		    "text/csv or " API_XLSX_TYPE, 0, NULL);
		return -1;
	}
	if (rq->body_len > c->p->cfg.max_body / API_ROSTER_SHARE) {
		snprintf(msg, sizeof(msg), "the roster is larger than the %zu "
		    "bytes the portal takes: split it", c->p->cfg.max_body /
		    API_ROSTER_SHARE);
		api_reply_error(c, 413, "too_large", msg, 0, NULL);
		return -1;
	}
	if (rq->body_len == 0) {
		api_reply_error(c, 400, "bad_request", "the body is empty: send the "
		    "roster file itself", 0, NULL);
		return -1;
	}
	if (*format[0] == 'c') {
		if (buf_append(csv, rq->body, rq->body_len) != 0) {
			err_set(&e, ERR_NOMEM, "out of memory");
			api_reply_err(c, &e);
			return -1;
		}
		return 0;
	}
	if (roster_xlsx_to_csv(rq->body, rq->body_len, csv, &e) != 0) {
		api_reply_err(c, &e);
		return -1;
	}
	return 0;
}

/* Validates csv for the caller's organization (a dry run: every row
 * checked, nothing stored); 0 with res, or replied and non-zero. */
static int
api_validate(struct api_call *c, const struct buf *csv,
    struct issue_result *res)
{
	struct err e;
	int rc;

	rc = portal_issue(c->p, &c->who, c->who.org, csv, 1, 1, NULL, NULL, res,
	    &e);
	if (rc != 0) {
		issue_result_free(res);
		api_reply_err(c, &e);
	}
	return rc;
}

void
api_roster_submit(struct api_call *c)
{
	struct buf csv = BUF_INIT;
	struct issue_result res;
	const char *format = NULL;
	char id[PORTAL_ID_HEX + 1];
	struct err e;

	memset(&res, 0, sizeof(res));
	if (api_read_roster(c, &csv, &format) != 0 ||
	    api_validate(c, &csv, &res) != 0) {
		buf_free_wipe(&csv);
		return;
	}
	if (portal_roster_put(c->p, c->who.org, c->who.name, format, &csv, id,
	    &e) != 0) {
		api_reply_err(c, &e);
	} else {
		(void)acct_audit(c->p->acct, NULL, &c->who, "roster_submit", id,
		    "ok", &e);
		api_reply_report(c, 201, id, format, &res);
	}
	issue_result_free(&res);
	buf_free_wipe(&csv);
}

void
api_roster_report(struct api_call *c, const char *id)
{
	struct buf csv = BUF_INIT;
	struct issue_result res;
	char format[128];

	memset(&res, 0, sizeof(res));
	if (api_roster_load(c, id, &csv, format, sizeof(format)) != 0)
		return;
	if (api_validate(c, &csv, &res) == 0)
		api_reply_report(c, 200, id, format[0] ? format : NULL, &res);
	issue_result_free(&res);
	buf_free_wipe(&csv);
}

/* A roster with rejected rows issued without only_valid: 409 naming the
 * first bad row and its field (the whole report is at GET rosters/ID). */
static void
api_reply_rejected(struct api_call *c, const struct issue_result *res)
{
	char field[64], msg[400];
	const char *text;

	for (size_t i = 0; i < res->nrows; i++) {
		const struct issue_row *row = &res->rows[i];
		if (row->status != ROW_REJECTED)
			continue;
		api_split_problem(row->msg, field, sizeof(field), &text);
		snprintf(msg, sizeof(msg), "%zu of %zu rows were rejected, nothing "
		    "was issued (first: line %d: %s); fix them or issue with "
		    "only_valid", res->rejected, res->nrows, row->line, row->msg);
		api_reply_error(c, 409, "conflict", msg, row->line, field);
		return;
	}
	api_reply_error(c, 409, "conflict", "rows were rejected: nothing was "
	    "issued", 0, NULL);
}

static void
api_reply_issued(struct api_call *c, const char *id,
    const struct issue_result *res)
{
	struct buf b = BUF_INIT;
	struct json j;

	json_init(&j, &b);
	json_obj_begin(&j);
	json_kstr(&j, "batch", res->batch);
	json_kstr(&j, "roster", id);
	json_kint(&j, "issued", (int64_t)res->issued);
	json_kint(&j, "existing", (int64_t)res->existing);
	json_kint(&j, "rejected", (int64_t)res->rejected);
	json_kint(&j, "assessed", (int64_t)res->assessed);
	json_kint(&j, "passed", (int64_t)res->passed);
	if (res->committed && res->issued)
		json_kint(&j, "tree_size", (int64_t)res->head.size);
	json_key(&j, "certificates");
	json_arr_begin(&j);
	for (size_t i = 0; i < res->nrows; i++)
		api_put_row(&j, &res->rows[i], 0);
	json_arr_end(&j);
	json_obj_end(&j);
	api_reply_json(c, 200, &b);
}

void
api_roster_issue(struct api_call *c, const char *id)
{
	struct buf csv = BUF_INIT;
	struct issue_result res;
	struct api_body body;
	char format[128];
	struct err e;
	int rc;

	memset(&res, 0, sizeof(res));
	if (api_parse_body(c, &body) != 0)
		return;
	if (api_roster_load(c, id, &csv, format, sizeof(format)) != 0)
		return;
	rc = portal_issue(c->p, &c->who, c->who.org, &csv, 0,
	    body.only_valid == 1, NULL, NULL, &res, &e);
	if (rc == ERR_INVALID && res.rejected > 0)
		api_reply_rejected(c, &res);
	else if (rc != 0)
		api_reply_err(c, &e);
	else
		api_reply_issued(c, id, &res);
	issue_result_free(&res);
	buf_free_wipe(&csv);
}
