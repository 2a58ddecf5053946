/* gen.h - synthetic rosters for tests and benchmarks: valid, distinct
 * resident ID numbers (GB 11643 check characters) and plausible names. */
#ifndef SKILLCERT_TEST_GEN_H
#define SKILLCERT_TEST_GEN_H

#include <stdio.h>
#include <string.h>
#include "skillcert/buf.h"
#include "skillcert/text.h"

/* Person n (0 .. 15,000,000) gets a unique ID number. */
static void
gen_id(unsigned n, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int32_t base, day;
	int y, m, d, sum = 0;

	date_from_ymd(1960, 1, 1, &base);
	day = base + (int32_t)(n % 15000);
	date_to_ymd(day, &y, &m, &d);
	snprintf(out, 19, "360102%04d%02d%02d%03u", y, m, d, (n / 15000) % 1000);
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static void
gen_name(unsigned n, char *out, size_t cap)
{
	static const char *sur[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵",
		"吴", "周", "徐", "孙", "马", "朱", "胡", "郭" };
	static const char *given[] = { "秀英", "桂英", "秀兰", "玉兰", "丽", "敏",
		"静", "建华", "建国", "晓燕", "春梅", "海燕", "淑珍", "红", "芳", "霞" };
	snprintf(out, cap, "%s%s", sur[n % 16], given[(n / 16) % 16]);
}

/* Appends a roster of rows [first, first+count) for 养老护理员, levels
 * cycling 5..1, into b (cleared first). */
static void
gen_roster(struct buf *b, unsigned first, unsigned count)
{
	char id[19], name[32];

	buf_reset(b);
	buf_append_str(b, "姓名,证件类型,证件号码,职业,工种,等级,评价方式,考核日期\r\n");
	for (unsigned i = first; i < first + count; i++) {
		gen_id(i, id);
		gen_name(i, name, sizeof(name));
		buf_printf(b, "%s,居民身份证,%s,养老护理员,,%u,过程化考核,2024-03-15\r\n",
		    name, id, 5 - i % 5);
	}
}

#endif
