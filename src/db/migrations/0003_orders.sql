-- 0003_orders: orders placed from quotes, and the policies each used.

CREATE TABLE orders (
    id          TEXT PRIMARY KEY,             -- ord_...
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    quote_id    TEXT NOT NULL UNIQUE REFERENCES quotes (id),
    currency    TEXT NOT NULL,
    list        BIGINT NOT NULL,
    discount    BIGINT NOT NULL,
    total       BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX orders_org ON orders (org_id, created_at);

CREATE TABLE order_policies (
    order_id    TEXT NOT NULL REFERENCES orders (id),
    policy_id   TEXT NOT NULL REFERENCES policies (id),
    discount    BIGINT NOT NULL,
    PRIMARY KEY (order_id, policy_id)
);
