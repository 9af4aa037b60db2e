/*
 * demo.h: the demo program behind `cocloud demo`: on first start, one user
 * of each role (and their orgs) modelled on the seeds; on every start, the
 * logins printed for a person to try.
 */
#ifndef COCLOUD_DEMO_H
#define COCLOUD_DEMO_H

#include <stdio.h>

#include "db/db.h"

#define DEMO_PASSWORD "cocloud-demo"

/* Seeds what is missing (idempotent) and prints the logins to out. */
int demo_seed(db *d, FILE *out, err_ctx *e);

#endif
