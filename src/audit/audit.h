/*
 * audit.h: checks that the stored money-related state agrees with itself,
 * on either engine: policy budgets and limits never exceeded, policy
 * totals and per-org usage equal to what the orders recorded, every order
 * equal to its quote and balanced (total = list - discount); every ledger
 * transaction balanced, no account but the issuer below zero, funds,
 * drops and wallets equal to their ledger accounts, no drop granting more
 * places than it has, one claim per org and drop, one grant per claim.
 */
#ifndef COCLOUD_AUDIT_H
#define COCLOUD_AUDIT_H

#include <stdio.h>

#include "db/db.h"

/* Runs every check inside one read snapshot and prints one line per check
 * ("ok  name" or "FAIL name: first offending row") to out. *failures gets
 * the number of checks that failed. Returns 0 unless the database could
 * not be read. */
int audit_run(db *d, FILE *out, int *failures, err_ctx *e);

#endif
