/*
 * audit.c: the invariant checks. Each check is one query that returns the
 * offending rows (none when all is well), so a check reads like the rule
 * it enforces.
 */
#include "audit/audit.h"

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

    /* The credit fund and its ledger. */
    {"ledger transactions balance (entries sum to zero, at least two)",
     "SELECT t.id, CAST(COALESCE(SUM(e.amount), 0) AS TEXT) FROM ledger_txns t"
     " LEFT JOIN ledger_entries e ON e.txn_id = t.id GROUP BY t.id"
     " HAVING COALESCE(SUM(e.amount), 0) <> 0 OR COUNT(e.txn_id) < 2"},
    {"no ledger account but the issuer's is below zero",
     "SELECT account, CAST(SUM(amount) AS TEXT) FROM ledger_entries"
     " WHERE account NOT LIKE 'program:%' GROUP BY account HAVING SUM(amount) < 0"},
    {"funds: available equals the fund's ledger account",
     "SELECT f.id, CAST(f.available AS TEXT) FROM funds f WHERE f.available <>"
     " COALESCE((SELECT SUM(amount) FROM ledger_entries WHERE account = 'fund:' || f.id), 0)"},
    {"funds: issued = available + held by drops + granted",
     "SELECT f.id, CAST(f.amount AS TEXT) FROM funds f WHERE f.amount <> f.available"
     " + COALESCE((SELECT SUM(s.remaining * d.amount) FROM drops d"
     "   JOIN drop_shards s ON s.drop_id = d.id WHERE d.fund_id = f.id), 0)"
     " + COALESCE((SELECT SUM(g.amount) FROM grants g WHERE g.fund_id = f.id), 0)"},
    {"drops: places left + claimed + released = quantity, never over-granted",
     "SELECT d.id, CAST(d.quantity AS TEXT) FROM drops d WHERE d.quantity <> d.released"
     " + COALESCE((SELECT SUM(remaining) FROM drop_shards s WHERE s.drop_id = d.id), 0)"
     " + (SELECT COUNT(*) FROM claims c WHERE c.drop_id = d.id)"
     " OR (SELECT COUNT(*) FROM claims c WHERE c.drop_id = d.id) > d.quantity"},
    {"drops: the places left equal the drop's ledger account",
     "SELECT d.id, 'ledger differs' FROM drops d WHERE"
     " COALESCE((SELECT SUM(remaining) FROM drop_shards s WHERE s.drop_id = d.id), 0)"
     " * d.amount <>"
     " COALESCE((SELECT SUM(amount) FROM ledger_entries WHERE account = 'drop:' || d.id), 0)"},
    {"claims: one per org and drop, each with one grant of the drop's amount",
     "SELECT c.id, c.org_id FROM claims c JOIN drops d ON d.id = c.drop_id"
     " LEFT JOIN grants g ON g.source_id = c.id"
     " WHERE g.id IS NULL OR g.amount <> d.amount OR g.org_id <> c.org_id"
     " OR (SELECT COUNT(*) FROM claims c2 WHERE c2.drop_id = c.drop_id"
     "     AND c2.org_id = c.org_id) > 1"},
    {"wallets: the grants left equal the org's ledger account",
     "SELECT o.id, 'wallet differs' FROM orgs o WHERE"
     " COALESCE((SELECT SUM(remaining) FROM grants g WHERE g.org_id = o.id), 0) <>"
     " COALESCE((SELECT SUM(amount) FROM ledger_entries WHERE account = 'wallet:' || o.id), 0)"},
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
