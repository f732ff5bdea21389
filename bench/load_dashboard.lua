-- wrk script for bench/load_dashboard.sh: each connection is one user who reloads the
-- dashboard, back to back (THINK_MS=0) or after a think time of THINK_MS..3*THINK_MS ms; a
-- summary with p50/p95/p99 and every kind of error at the end.
local think_min, think_max = 1000, 3000
local think = os.getenv("THINK_MS")
if think ~= nil then
  think_min = tonumber(think)
  think_max = tonumber(think) * 3
end

function delay()
  if think_max == 0 then
    return 0
  end
  return math.random(think_min, think_max)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "requests %d in %.1fs (%.1f req/s)\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write(string.format(
    "latency p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format(
    "errors: non-2xx/3xx %d, connect %d, read %d, write %d, timeout %d\n",
    e.status, e.connect, e.read, e.write, e.timeout))
end
