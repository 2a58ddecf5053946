/* level.h - the five national skill levels. */
#ifndef SKILLCERT_LEVEL_H
#define SKILLCERT_LEVEL_H

#include <stdint.h>

/* Levels are national (人社鉴发〔2019〕2号), not catalog data. */
const char *level_cn(int level);     /* "三级" */
const char *level_title(int level);  /* "高级工" */
const char *level_full(int level);   /* "三级/高级工" */
/* "3", "三级", "三级/高级工", "高级工", "3级"; 0 if not a level. */
int level_parse(const char *s);
/* "5-1", "5-3", "4-1", "3" -> bit mask; 0 on error. */
uint8_t level_mask_parse(const char *s);
void level_mask_format(uint8_t mask, char out[8]);

#endif
