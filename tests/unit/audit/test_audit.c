/*
 * test_audit.c: cocloud audit passes on consistent data and names each
 * broken invariant when the data is made inconsistent behind its back.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../support.h"

static char *dir;
static db *d;

static void setup(void)
{
    dir = tmp_dir_new();
    d = tmp_db_migrated(dir, 1);
    /* One org, one policy (budget 100.00, 2 uses in all, 1 per org), one
     * order of 1,000.00 with 50.00 off through that policy. */
    tmp_db_script(d, "INSERT INTO orgs VALUES ('org_a','enterprise','A','gaming','small',"
                  " 'cn-north-4','',1,1);"
                  "INSERT INTO users (id,email,name,role,org_id,is_admin,password_hash,"
                  " created_at,updated_at) VALUES ('usr_a','a@x.io','A','enterprise',"
                  " 'org_a',1,'x',1,1);"
                  "INSERT INTO campaigns (id,name_zh,name_en,starts_at,ends_at,time_zone,"
                  " created_at,updated_at) VALUES ('cmp_a','a','a',1,2,'UTC',1,1);"
                  "INSERT INTO policies (id,campaign_id,name_zh,name_en,effect,"
                  " effect_value,per_org_limit,total_limit,budget,created_at,updated_at)"
                  " VALUES ('pol_a','cmp_a','a','a','amount_off',5000,1,2,10000,1,1);"
                  "INSERT INTO quotes VALUES ('quo_a','org_a',1,2,'CNY',95000,'{}',1);"
                  "INSERT INTO orders VALUES ('ord_a','org_a','usr_a','quo_a','CNY',"
                  " 100000,5000,95000,1);"
                  "INSERT INTO order_policies VALUES ('ord_a','pol_a',5000);"
                  "INSERT INTO policy_totals VALUES ('pol_a',0,1,5000);"
                  "INSERT INTO policy_usage VALUES ('pol_a','org_a',1,5000,1);");
}

static void teardown(void)
{
    db_free(d);
    tmp_dir_free(dir);
}

TestSuite(audit, .init = setup, .fini = teardown);


Test(audit, consistent_data_passes_every_check)
{
    char out[4096] = "";
    cr_assert_eq(tmp_audit(d, out, sizeof out), 0, "%s", out);
    cr_assert_null(strstr(out, "FAIL"));
}

Test(audit, an_overspent_budget_is_named)
{
    char out[4096] = "";
    tmp_db_script(d, "UPDATE policy_totals SET discount = 10001");
    cr_assert_geq(tmp_audit(d, out, sizeof out), 1);
    cr_assert_not_null(strstr(out, "FAIL policy budgets are never exceeded: pol_a"), "%s", out);
    cr_assert_not_null(strstr(out, "FAIL policy totals equal what orders recorded"), "%s", out);
}

Test(audit, a_passed_per_org_limit_is_named)
{
    char out[4096] = "";
    tmp_db_script(d, "UPDATE policy_usage SET uses = 2");
    cr_assert_geq(tmp_audit(d, out, sizeof out), 1);
    cr_assert_not_null(strstr(out, "FAIL per-org limits are never exceeded: pol_a"), "%s", out);
}

Test(audit, an_unbalanced_order_is_named)
{
    char out[4096] = "";
    tmp_db_script(d, "UPDATE orders SET total = 94999");
    cr_assert_geq(tmp_audit(d, out, sizeof out), 1);
    cr_assert_not_null(strstr(out, "FAIL orders balance"), "%s", out);
    cr_assert_not_null(strstr(out, "FAIL orders match their quotes"), "%s", out);
}
