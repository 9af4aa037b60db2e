/*
 * audit.c: the invariant checks. Each check is one query that returns the
 * offending rows (none when all is well), so a check reads like the rule
 * it enforces.
 */
#include "campaign/audit.h"

typedef struct audit_check {
    const char *name;
    const char *sql; /* returns offending rows: a key and a description */
} audit_check;

static const audit_check audit_checks[] = {
    {"policy budgets are never exceeded",
     "SELECT p.id, CAST(SUM(t.discount) AS TEXT) FROM policies p"
     " JOIN policy_totals t ON t.policy_id = p.id WHERE p.budget > 0"
     " GROUP BY p.id, p.budget HAVING SUM(t.discount) > p.budget"},
    {"policy total limits are never exceeded",
     "SELECT p.id, CAST(SUM(t.uses) AS TEXT) FROM policies p"
     " JOIN policy_totals t ON t.policy_id = p.id WHERE p.total_limit > 0"
     " GROUP BY p.id, p.total_limit HAVING SUM(t.uses) > p.total_limit"},
    {"per-org limits are never exceeded",
     "SELECT u.policy_id, u.org_id FROM policy_usage u JOIN policies p ON p.id = u.policy_id"
     " WHERE p.per_org_limit > 0 AND u.uses > p.per_org_limit"},
    {"policy totals equal what orders recorded",
     "SELECT p.id, 'totals differ' FROM policies p WHERE"
     " COALESCE((SELECT SUM(uses) FROM policy_totals t WHERE t.policy_id = p.id), 0) <>"
     " (SELECT COUNT(*) FROM order_policies o WHERE o.policy_id = p.id)"
     " OR COALESCE((SELECT SUM(discount) FROM policy_totals t WHERE t.policy_id = p.id), 0) <>"
     " COALESCE((SELECT SUM(discount) FROM order_policies o WHERE o.policy_id = p.id), 0)"},
    {"per-org usage equals what the org's orders recorded",
     "SELECT u.policy_id, u.org_id FROM policy_usage u WHERE"
     " u.uses <> (SELECT COUNT(*) FROM order_policies op JOIN orders o ON o.id = op.order_id"
     "   WHERE op.policy_id = u.policy_id AND o.org_id = u.org_id)"
     " OR u.discount <> COALESCE((SELECT SUM(op.discount) FROM order_policies op"
     "   JOIN orders o ON o.id = op.order_id"
     "   WHERE op.policy_id = u.policy_id AND o.org_id = u.org_id), 0)"},
    {"orders balance: total = list - discount, none negative",
     "SELECT id, CAST(total AS TEXT) FROM orders"
     " WHERE total <> list - discount OR total < 0 OR discount < 0 OR list < 0"},
    {"orders match their quotes",
     "SELECT o.id, o.quote_id FROM orders o LEFT JOIN quotes q ON q.id = o.quote_id"
     " WHERE q.id IS NULL OR q.org_id <> o.org_id OR q.total <> o.total"},
    {"policy discounts of an order never exceed its discount",
     "SELECT o.id, 'policies exceed the discount' FROM orders o"
     " WHERE COALESCE((SELECT SUM(discount) FROM order_policies op"
     "   WHERE op.order_id = o.id), 0) > o.discount"},
};

int audit_run(db *d, FILE *out, int *failures, err_ctx *e)
{
    db_conn *c = NULL;
    int rc = db_acquire(d, &c, e);
    *failures = 0;
    if (!rc)
        rc = db_begin_read(c, e);
    for (size_t i = 0; !rc && i < sizeof audit_checks / sizeof *audit_checks; i++) {
        db_stmt *st = NULL;
        bool row = false;
        rc = db_query_row(c, audit_checks[i].sql, DB_NOARGS, &st, &row, e);
        if (!rc && row)
            fprintf(out, "FAIL %s: %s (%s)\n", audit_checks[i].name, db_text(st, 0),
                    db_text(st, 1) ? db_text(st, 1) : "");
        else if (!rc)
            fprintf(out, "ok   %s\n", audit_checks[i].name);
        *failures += !rc && row;
        db_done(st);
    }
    db_release(c);
    return rc;
}
