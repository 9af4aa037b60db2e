-- 0005_quote_terms: a quote keeps its terms, not its whole answer.
-- quotes.body now holds the compact terms (src/campaign/quote_terms.h):
-- per line what was priced, its prices and the discounts applied by policy
-- id, about a tenth of the answer. GET /quotes/{id} renders the answer
-- again from them. Quotes not ordered yet are dropped (they are valid for
-- half an hour, and one in flight across the upgrade is simply asked for
-- again); the ordered ones keep their whole answer, which GET returns as
-- it is.
DELETE FROM quotes WHERE id NOT IN (SELECT quote_id FROM orders);
