/*
 * handlers.h: every HTTP handler, declared for the route table. Handlers
 * are thin: decode, call the feature, encode. Each returns 0 with the
 * response set on r, or an error code with r->err filled.
 */
#ifndef COCLOUD_HANDLERS_H
#define COCLOUD_HANDLERS_H

struct req;

/* ops.c */
int h_healthz(struct req *r);
int h_metrics(struct req *r);
int h_openapi(struct req *r);
int h_meta(struct req *r);
int h_static(struct req *r);

/* h_account.c */
int h_org_signup(struct req *r);
int h_org_list(struct req *r);
int h_org_get(struct req *r);
int h_org_update(struct req *r);
int h_org_users(struct req *r);
int h_org_user_add(struct req *r);
int h_user_list(struct req *r);
int h_user_add(struct req *r);
int h_user_get(struct req *r);
int h_session_create(struct req *r);
int h_session_delete(struct req *r);
int h_me(struct req *r);
int h_me_password(struct req *r);

/* h_catalog.c */
int h_region_list(struct req *r);
int h_region_create(struct req *r);
int h_region_update(struct req *r);
int h_product_list(struct req *r);
int h_product_create(struct req *r);
int h_product_get(struct req *r);
int h_product_update(struct req *r);
int h_pack_list(struct req *r);
int h_pack_create(struct req *r);
int h_pack_get(struct req *r);
int h_pack_update(struct req *r);

/* h_campaign.c */
int h_campaign_list(struct req *r);
int h_campaign_create(struct req *r);
int h_campaign_get(struct req *r);
int h_campaign_update(struct req *r);
int h_policy_list(struct req *r);
int h_policy_create(struct req *r);
int h_policy_get(struct req *r);
int h_policy_update(struct req *r);

/* h_quote.c */
int h_offers(struct req *r);
int h_quote_create(struct req *r);
int h_quote_get(struct req *r);

/* h_order.c */
int h_order_create(struct req *r);
int h_order_get(struct req *r);
int h_order_list(struct req *r);

/* h_credit.c */
int h_fund_create(struct req *r);
int h_fund_list(struct req *r);
int h_fund_get(struct req *r);
int h_fund_drops(struct req *r);
int h_drop_create(struct req *r);
int h_drop_list(struct req *r);
int h_drop_get(struct req *r);
int h_drop_close(struct req *r);
int h_claim_create(struct req *r);
int h_claim_list(struct req *r);
int h_wallet(struct req *r);
int h_grant_list(struct req *r);
int h_ledger(struct req *r);

#endif
