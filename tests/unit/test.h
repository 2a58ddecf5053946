/* test.h - the smallest test harness: CHECK records a failure and goes on;
 * TEST_END prints "N passed, N failed" and sets the exit code. */
#ifndef SKILLCERT_TEST_H
#define SKILLCERT_TEST_H

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int t_pass, t_fail;

#define CHECK(cond) do { if (cond) t_pass++; else { t_fail++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ_INT(a, b) do { long long _a = (long long)(a), _b = (long long)(b); \
	if (_a == _b) t_pass++; else { t_fail++; fprintf(stderr, \
	"%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, _a, #b, _b); } } while (0)
#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); \
	if (_a && _b && strcmp(_a, _b) == 0) t_pass++; else { t_fail++; fprintf(stderr, \
	"%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, _a ? _a : "(null)", \
	_b ? _b : "(null)"); } } while (0)
#define TEST_END() do { printf("%d passed, %d failed\n", t_pass, t_fail); \
	return t_fail ? 1 : 0; } while (0)

#endif
