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

#endif
