-- wrk script: one unique create-database per request, POSTed to influxd-meta's /execute.
-- WRK_PREFIX keeps names unique across runs; WRK_AUTHORIZATION, when set, is sent as the
-- Authorization header (Basic or Bearer). done() prints the figures as one JSON line.
local prefix = os.getenv("WRK_PREFIX") or "wrk"
local authorization = os.getenv("WRK_AUTHORIZATION")
local threads = {}
local thread_id = 0

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  headers = { ["Content-Type"] = "application/json" }
  if authorization and authorization ~= "" then headers["Authorization"] = authorization end
end

function request()
  counter = counter + 1
  local body = string.format('{"type":"create-database","name":"%s-%d-%d"}', prefix, tid, counter)
  return wrk.format("POST", "/execute", headers, body)
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
