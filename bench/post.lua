-- wrk script: POST JSON bodies, then print one machine-readable line (latencies in microseconds).
-- $BENCH_BODIES names a file listing body files, one per line; requests cycle through them.
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

if #bodies > 1 then
  local next_body = 0
  request = function()
    next_body = next_body % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[next_body])
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
end
