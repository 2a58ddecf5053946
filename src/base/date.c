/* date.c - calendar dates as days since 1970-01-01, parsed and formatted. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "skillcert/base/date.h"

static int
date_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
date_mdays(int y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && date_leap(y) ? 29 : md[m - 1];
}

/* Proleptic Gregorian, years 1..9999 (H. Hinnant's days_from_civil). */
int
date_from_ymd(int y, int m, int d, int32_t *days)
{
	int yy, era, yoe, doy, doe;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > date_mdays(y, m))
		return -1;
	yy = m <= 2 ? y - 1 : y;
	era = yy / 400; /* yy >= 0 */
	yoe = yy - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = (int32_t)(era * 146097 + doe - 719468);
	return 0;
}

void
date_to_ymd(int32_t days, int *y, int *m, int *d)
{
	int64_t z = (int64_t)days + 719468, era, doe, yoe, doy, mp, yy;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

void
date_format_iso(int32_t days, char out[11])
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	/* By hand: every public page formats several dates. */
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

void
date_format_cn(int32_t days, char out[32])
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	snprintf(out, 32, "%d年%d月%d日", y, m, d);
}

/* Reads 1..max ASCII digits at *s; -1 if none or too many. */
static int
date_digits(const char **s, int min, int max, int *v)
{
	const char *p = *s;
	int n = 0, x = 0;

	while (*p >= '0' && *p <= '9') {
		if (++n > max)
			return -1;
		x = x * 10 + (*p - '0');
		p++;
	}
	if (n < min)
		return -1;
	*v = x;
	*s = p;
	return 0;
}

static int
date_lit(const char **s, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*s, lit, n) != 0)
		return -1;
	*s += n;
	return 0;
}

/* One of: YYYY-M-D, YYYY/M/D, YYYY.M.D (month and day 1 or 2 digits, the
 * same separator twice), YYYY年M月D日, YYYYMMDD. Surrounding ASCII spaces
 * and tabs are ignored (spreadsheet cells). 0 ok, -1 otherwise. */
int
date_parse(const char *s, int32_t *days)
{
	const char *p = s, *q;
	int y, m, d;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	q = p;
	while ((size_t)(q - p) < n && *q >= '0' && *q <= '9')
		q++;
	if (q - p == 8 && n == 8) {
		y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 +
		    (p[2] - '0') * 10 + (p[3] - '0');
		m = (p[4] - '0') * 10 + (p[5] - '0');
		d = (p[6] - '0') * 10 + (p[7] - '0');
		return date_from_ymd(y, m, d, days);
	}
	if (q - p != 4 || date_digits(&p, 4, 4, &y) != 0)
		return -1;
	if (*p == '-' || *p == '/' || *p == '.') {
		char sep = *p++;

		if (date_digits(&p, 1, 2, &m) != 0 || *p++ != sep ||
		    date_digits(&p, 1, 2, &d) != 0)
			return -1;
	} else {
		if (date_lit(&p, "年") != 0 || date_digits(&p, 1, 2, &m) != 0 ||
		    date_lit(&p, "月") != 0 || date_digits(&p, 1, 2, &d) != 0 ||
		    date_lit(&p, "日") != 0)
			return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return -1;
	return date_from_ymd(y, m, d, days);
}

/* Today in China Standard Time (UTC+8, no daylight saving): the calendar
 * every assessment and issue date in this system is written in, so a
 * roster dated today is not "in the future" before 08:00. */
int32_t
date_today(void)
{
	time_t t = time(NULL);

	if (t == (time_t)-1)
		return 0;
	return (int32_t)(((int64_t)t + 8 * 3600) / 86400);
}
