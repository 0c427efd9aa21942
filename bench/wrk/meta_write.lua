-- wrk script: one unique create-database per request, POSTed to influxd-meta's /execute.
-- WRK_PREFIX keeps names unique across runs; the rest is in common.lua.
dofile(os.getenv("WRK_LIB") .. "/common.lua")

function request()
  counter = counter + 1
  local body = string.format('{"type":"create-database","name":"%s-%d-%d"}', prefix, tid, counter)
  return wrk.format("POST", "/execute", headers, body)
end
