/*
 * demo_credit.h: the demo's cloud-credit fund (the seeds' 130 million CNY
 * 上云津贴) and a few credit drops around the moment of seeding: one open
 * to every enterprise, one for small and medium gaming companies, and one
 * for e-commerce that opens in two days.
 */
#ifndef COCLOUD_DEMO_CREDIT_H
#define COCLOUD_DEMO_CREDIT_H

#include <stdint.h>

#include "db/db.h"

/* Creates the fund and drops under fixed Idempotency-Keys, so a second
 * start replays them and changes nothing. now (Unix ms) places the drops. */
int demo_credit_seed(db *d, int64_t now, err_ctx *e);

#endif
