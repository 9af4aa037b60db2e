-- claim.lua: the wrk script of the claims benchmark (bench/claims.sh).
-- Every request claims the drop $BENCH_DROP for the next org of this
-- thread's share of $BENCH_FIRST..$BENCH_LAST, with the session token the
-- seed gave that org (cct_bench<number>) and a fresh Idempotency-Key, so
-- each request is an org's first claim. When a thread runs out of orgs it
-- repeats its last one, which is answered 409 and not counted as a claim.
local drop = os.getenv("BENCH_DROP")
local first = tonumber(os.getenv("BENCH_FIRST"))
local last = tonumber(os.getenv("BENCH_LAST"))
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  step = tonumber(os.getenv("BENCH_THREADS"))
  nextorg = first + tid
  path = "/api/v1/drops/" .. drop .. "/claims"
end

function request()
  local org = nextorg
  if org + step <= last then nextorg = org + step end
  return wrk.format("POST", path, {
    ["Authorization"] = string.format("Bearer cct_bench%038d", org),
    ["Idempotency-Key"] = string.format("bench-%s-%d", drop, org),
  })
end
