/* Territories (domain.md, "Territories"): a region is a dotted path of
 * words [a-z0-9-]+, most general first ("yunnan.yuxi"). One vocabulary for
 * the wire's region= (proto/), a principal's and a pool's or program's
 * region (ledger/), and vouchctl. */
#ifndef VD_REGION_H
#define VD_REGION_H

#include <stddef.h>

#define REGION_MAX 127 /* bytes of a region, at most */

/* 1 if the len bytes at s are a region: 1 to REGION_MAX bytes, words of
 * [a-z0-9-] (none empty) joined by single dots; else 0. */
int region_valid(const char *s, size_t len);

/* 1 if region a is within region b: a equals b, or a starts with b
 * followed by '.'. A NULL or empty region is within none, and none is
 * within it. */
int region_within(const char *a, const char *b);

#endif
