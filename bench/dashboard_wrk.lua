-- wrk script for bench/dashboard_load.py: sends the session cookie or API token and prints the percentiles the
-- benchmark reports (wrk's own --latency output has no p95).
local header = os.getenv("DASHBOARD_HEADER") or "Cookie"
local credentials = os.getenv("DASHBOARD_CREDENTIALS") or ""

request = function()
  return wrk.format("GET", nil, { [header] = credentials, ["Accept-Language"] = "vi" })
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d seconds=%.2f rps=%.2f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
