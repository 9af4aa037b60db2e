-- 0006_quote_expiry: quotes are deleted some time after they expire.
-- A quote no order took is of no use once it has expired and been kept a
-- while for the record (--quote-keep); the quote writer deletes such
-- quotes, oldest first, a bounded number at a time, through this index.
CREATE INDEX quotes_expiry ON quotes (expires_at);
