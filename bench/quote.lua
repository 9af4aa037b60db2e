-- quote.lua: wrk script for bench/run.sh. POSTs the 10-line cart in
-- $BENCH_CART to the URL's path with the bearer token in $BENCH_TOKEN.
-- The same script drives nginx (which answers a static file) so that both
-- sides get the same requests.
local f = assert(io.open(os.getenv("BENCH_CART"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "none")
