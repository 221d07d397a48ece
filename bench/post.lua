-- wrk script: POST JSON bodies, then print one machine-readable line (latencies in microseconds).
-- $BENCH_BODIES names a file listing body files, one per line; requests cycle through them.
-- $BENCH_ONCE=1 (first-sight cells): each body is sent exactly once; after the last answer the
-- script prints BENCH_DONE (the caller then ends wrk with SIGINT instead of waiting out -d), and
-- done() also prints every latency (BENCH_LATENCIES value:count,...), so rounds can be pooled.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local bodies = {}
local list = assert(io.open(os.getenv("BENCH_BODIES"), "r"))
for path in list:lines() do
  local file = assert(io.open(path, "rb"))
  bodies[#bodies + 1] = file:read("*a")
  file:close()
end
list:close()
wrk.body = bodies[1]
local once = os.getenv("BENCH_ONCE") == "1"

if #bodies > 1 or once then
  local next_body = 0
  request = function()
    next_body = next_body % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[next_body])
  end
end

if once then
  local answered = 0
  response = function(status, headers, body)
    answered = answered + 1
    if answered == #bodies then
      wrk.thread:stop()  -- no further request: the next one would repeat the first body
      io.write("BENCH_DONE\n")
      io.flush()
    end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status,
    e.timeout))
  if once then
    local parts = {}
    for i = 1, #latency do
      local value, count = latency(i)
      parts[#parts + 1] = string.format("%d:%d", value, count)
    end
    io.write("BENCH_LATENCIES " .. table.concat(parts, ",") .. "\n")
  end
end
