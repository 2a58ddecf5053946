/* level.c - the five national skill levels (人社鉴发〔2019〕2号): names,
 * parsing as rosters write them, and level sets as scopes write them. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "skillcert/model/level.h"

static const char *lv_cn[6] = { "", "一级", "二级", "三级", "四级", "五级" };
static const char *lv_title[6] = { "", "高级技师", "技师", "高级工", "中级工", "初级工" };
static const char *lv_full[6] = { "", "一级/高级技师", "二级/技师", "三级/高级工",
	"四级/中级工", "五级/初级工" };

const char *level_cn(int l) { return l >= 1 && l <= 5 ? lv_cn[l] : "?"; }
const char *level_title(int l) { return l >= 1 && l <= 5 ? lv_title[l] : "?"; }
const char *level_full(int l) { return l >= 1 && l <= 5 ? lv_full[l] : "?"; }

int
level_parse(const char *s)
{
	for (int l = 1; l <= 5; l++) {
		char d[4] = { (char)('0' + l), 0 }, d2[8];
		snprintf(d2, sizeof(d2), "%d级", l);
		if (strcmp(s, d) == 0 || strcmp(s, d2) == 0 || strcmp(s, lv_cn[l]) == 0 ||
		    strcmp(s, lv_title[l]) == 0 || strcmp(s, lv_full[l]) == 0)
			return l;
		/* 三级（高级工） and 三级(高级工) as some forms print it */
		size_t cl = strlen(lv_cn[l]);
		if (strncmp(s, lv_cn[l], cl) == 0 &&
		    (strncmp(s + cl, "（", 3) == 0 || s[cl] == '(' || s[cl] == '/')) {
			const char *t = s + cl + (s[cl] == '(' || s[cl] == '/' ? 1 : 3);
			size_t tl = strlen(lv_title[l]);
			if (strncmp(t, lv_title[l], tl) == 0 &&
			    (strcmp(t + tl, "）") == 0 || strcmp(t + tl, ")") == 0 ||
			    (s[cl] == '/' && t[tl] == '\0')))
				return l;
		}
	}
	return 0;
}

uint8_t
level_mask_parse(const char *s)
{
	int a, b, n = 0;
	uint8_t m = 0;

	if (sscanf(s, "%d-%d%n", &a, &b, &n) == 2 && s[n] == '\0') {
		if (a < 1 || a > 5 || b < 1 || b > 5)
			return 0;
		if (a < b) { int t = a; a = b; b = t; }
		for (int l = b; l <= a; l++)
			m |= (uint8_t)(1u << l);
		return m;
	}
	if (sscanf(s, "%d%n", &a, &n) == 1 && s[n] == '\0' && a >= 1 && a <= 5)
		return (uint8_t)(1u << a);
	return 0;
}

void
level_mask_format(uint8_t mask, char out[8])
{
	int hi = 0, lo = 0, contiguous = 1;

	for (int l = 5; l >= 1; l--)
		if (mask & (1u << l)) {
			if (!hi)
				hi = l;
			else if (lo != l + 1)
				contiguous = 0;
			lo = l;
		}
	if (!hi)
		snprintf(out, 8, "-");
	else if (hi == lo)
		snprintf(out, 8, "%d", hi);
	else if (contiguous)
		snprintf(out, 8, "%d-%d", hi, lo);
	else {
		int k = 0;
		for (int l = 5; l >= 1 && k < 7; l--)
			if (mask & (1u << l))
				out[k++] = (char)('0' + l);
		out[k] = '\0';
	}
}
