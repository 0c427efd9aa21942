-- What both wrk scripts share, loaded with dofile from the folder wrk.py names in WRK_LIB:
-- a thread id per wrk thread (setup), a request counter and JSON headers per thread (init;
-- WRK_AUTHORIZATION, when set, is sent as the Authorization header), and done(), which prints
-- the figures as one JSON line for wrk.py. Each script defines request() with `prefix`, `tid`
-- and `counter`.
prefix = os.getenv("WRK_PREFIX") or "wrk"
local authorization = os.getenv("WRK_AUTHORIZATION")
local thread_id = 0

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  counter = 0
  headers = { ["Content-Type"] = "application/json" }
  if authorization and authorization ~= "" then headers["Authorization"] = authorization end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.status + errors.timeout
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"failed":%d,"non2xx":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, failed, errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
