-- wrk script of scripts/bench-load.sh: one of four requests, chosen by LOAD_MODE, and a JSON line at the end.
--
--   list     GET …/users?q=vorname<10..99>&sort=name&desc=false&limit=200  (the app's page; each filter
--            matches 1,111 of the 100,000 imported users; the number varies per request)
--   summary  GET …/accounts/{id}/summary                                    (the dashboard)
--   catalog  GET …/accounts/{id}/installers                                 (the installer catalog)
--   health   GET /api/health                                               (no database: the floor of the
--            machine, the balancer and the HTTP stack)
--   signin   POST /api/v1/auth/login, each request the next of LOAD_USERS' users (lines "address<TAB>body"),
--            sent with that user's own X-Forwarded-For address, so the portal (started with --trusted-proxy
--            127.0.0.1/32) sees many clients, not one address flooding the sign-in limit
--
-- Environment: LOAD_MODE, LOAD_ACCOUNT, LOAD_TOKEN (a bearer token for the GETs), LOAD_USERS (signin),
-- LOAD_THREADS (wrk's -t), LOAD_LABEL (copied into the result), LOAD_THINK_MS (each connection waits this
-- long after an answer before its next request; 0, the default, is a closed loop at full speed), LOAD_THINK_EXP. done() prints one line: RESULT {json} with requests, duration,
-- requests/s, latency percentiles (ms, over every answer), the answers by status and wrk's socket errors.

local mode = os.getenv("LOAD_MODE") or "summary"
local account = os.getenv("LOAD_ACCOUNT") or ""
local token = os.getenv("LOAD_TOKEN") or ""
local users_file = os.getenv("LOAD_USERS")
local label = os.getenv("LOAD_LABEL") or ""
local nthreads = tonumber(os.getenv("LOAD_THREADS") or "2") or 2
local think = tonumber(os.getenv("LOAD_THINK_MS") or "0") or 0
-- LOAD_THINK_EXP=1: each wait is drawn from an exponential distribution with mean LOAD_THINK_MS (independent
-- users: requests arrive as a Poisson stream); otherwise every wait is exactly LOAD_THINK_MS, which keeps the
-- connections in step: all of them answer, wait and send again at about the same moment (bursts of 64).
local think_exp = os.getenv("LOAD_THINK_EXP") == "1"

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

-- Per thread (each has its own Lua state).
local creds = {}
local counter = 0
statuses = {}

function init(args)
  local t = tonumber(tid) or 0
  math.randomseed(os.time() + 7919 * t)
  if mode == "signin" then
    for line in io.lines(users_file) do
      local ip, body = line:match("^([^\t]+)\t(.+)$")
      if ip then
        table.insert(creds, { ip = ip, body = body })
      end
    end
    if #creds == 0 then
      error("no sign-in users in " .. tostring(users_file))
    end
  end
end

local auth = { ["Authorization"] = "Bearer " .. token }
local base = "/api/v1/accounts/" .. account

function request()
  counter = counter + 1
  if mode == "list" then
    local q = "vorname" .. math.random(10, 99)
    return wrk.format("GET", base .. "/users?q=" .. q .. "&sort=name&desc=false&limit=200", auth)
  elseif mode == "summary" then
    return wrk.format("GET", base .. "/summary", auth)
  elseif mode == "catalog" then
    return wrk.format("GET", base .. "/installers", auth)
  elseif mode == "health" then
    return wrk.format("GET", "/api/health")
  elseif mode == "signin" then
    -- Threads take interleaved users, so no two requests in flight are the same user.
    local n = #creds
    local i = ((counter - 1) * nthreads + (tonumber(tid) or 0)) % n + 1
    local c = creds[i]
    return wrk.format("POST", "/api/v1/auth/login",
      { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = c.ip }, c.body)
  end
  error("LOAD_MODE must be list, summary, catalog, health or signin, not " .. tostring(mode))
end

if think > 0 and think_exp then
  function delay()
    return math.floor(-think * math.log(1 - math.random()) + 0.5)
  end
elseif think > 0 then
  function delay()
    return think
  end
end

function response(status, headers, body)
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
end

function done(summary, latency, requests)
  local by_status = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for k, v in pairs(s or {}) do
      by_status[k] = (by_status[k] or 0) + v
    end
  end
  local parts = {}
  for k, v in pairs(by_status) do
    table.insert(parts, string.format('"%s":%d', k, v))
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"label":"%s","mode":"%s","think_ms":%d,"think_exp":%s,"requests":%d,"seconds":%.3f,"rps":%.1f,' ..
    '"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"statuses":{%s},' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}}\n',
    label, mode, think, tostring(think_exp), summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, table.concat(parts, ","),
    e.connect, e.read, e.write, e.timeout))
end
