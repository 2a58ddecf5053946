/* date.h - calendar dates as days since 1970-01-01, parsed and formatted. */
#ifndef SKILLCERT_DATE_H
#define SKILLCERT_DATE_H

#include <stdint.h>

/* Dates are days since 1970-01-01 (UTC calendar, no time zone). */
int date_from_ymd(int y, int m, int d, int32_t *days); /* -1 if invalid */
void date_to_ymd(int32_t days, int *y, int *m, int *d);
void date_format_iso(int32_t days, char out[11]);       /* 2021-03-15 */
void date_format_cn(int32_t days, char out[32]);        /* 2021年3月15日 */
/* Parses 2021-03-15, 2021/3/15, 2021.3.15, 2021年3月15日, 20210315. */
int date_parse(const char *s, int32_t *days);
int32_t date_today(void);

#endif
