-- 0008_quotes_unindexed_org: quotes_org is dropped. No query reads quotes
-- by org (a quote is read by its id, and expired ones are found through
-- quotes_expiry), and orgs are never deleted, so the index only cost
-- every quote one more B-tree insert; with many orgs quoting at once, one
-- more page written for each.
DROP INDEX quotes_org;
