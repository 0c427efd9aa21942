-- wrk script: one unique key per request, PUT into etcd through its gRPC gateway (/v3/kv/put).
-- WRK_PREFIX keeps keys unique across runs; the rest is in common.lua.
dofile(os.getenv("WRK_LIB") .. "/common.lua")

function request()
  counter = counter + 1
  local key = string.format("%s-%d-%d", prefix, tid, counter)
  local body = string.format('{"key":"%s","value":"dmFsdWUtMjU2"}', base64(key))
  return wrk.format("POST", "/v3/kv/put", headers, body)
end

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

-- Standard base64 (etcd's JSON gateway takes keys as bytes).
function base64(text)
  return ((text:gsub(".", function(c)
    local bits, byte = "", c:byte()
    for i = 8, 1, -1 do bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(six)
    if #six < 6 then return "" end
    local n = 0
    for i = 1, 6 do n = n + (six:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#text % 3 + 1])
end
