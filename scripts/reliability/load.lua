-- wrk script for scripts/reliability/load.sh: a mix of what patients do, on seeded data.
-- Each request comes "from" a random client address (X-Forwarded-For; the server trusts the
-- loopback proxy), so per-client throttles share the load out as they would in real life.
local patients = tonumber(os.getenv("RELINK_LOAD_PATIENTS") or "2000")
local numbers = {}
for line in io.lines(os.getenv("RELINK_LOAD_NUMBERS")) do numbers[#numbers + 1] = line end

local pages = { "/", "/reset-passphrase", "/sign-in", "/cannot-sign-in", "/replace-account",
  "/cannot-sign-in/pin-document", "/replace-account/status", "/healthz" }

local threads = {}
function setup(thread) threads[#threads + 1] = thread end

function init()
  counts = { ["2xx"] = 0, ["3xx"] = 0, ["4xx"] = 0, ["5xx"] = 0 }
  math.randomseed(os.time() + math.random(1, 100000))
end

local function form(path, body)
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254),
  }, body)
end

function request()
  local r = math.random()
  if r < 0.80 then
    -- Reading pages.
    return wrk.format("GET", pages[math.random(#pages)])
  elseif r < 0.90 then
    -- A form with a mistake in it: a clear error page, no database work.
    return form("/reset-passphrase", "account_id=12ab&ods_code=&pin_passphrase=x&date_of_birth_day=31&date_of_birth_month=2&date_of_birth_year=1980")
  elseif r < 0.998 then
    -- Replacement: a real NHS number with the wrong postcode (throttle and audit writes).
    return form("/replace-account", "nhs_number=" .. numbers[math.random(#numbers)] ..
      "&date_of_birth_day=1&date_of_birth_month=2&date_of_birth_year=1980&postcode=ZZ9+9ZZ")
  else
    -- A real Account ID with a wrong PIN passphrase: one Argon2 verification.
    return form("/reset-passphrase", "account_id=" .. (4000000000 + math.random(0, patients - 1)) ..
      "&ods_code=T00001&pin_passphrase=wrong-pin&date_of_birth_day=1&date_of_birth_month=2&date_of_birth_year=1980")
  end
end

function response(status, headers, body)
  local class = math.floor(status / 100) .. "xx"
  counts[class] = (counts[class] or 0) + 1
end

function done(summary, latency, requests)
  local total = { ["2xx"] = 0, ["3xx"] = 0, ["4xx"] = 0, ["5xx"] = 0 }
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "s2xx=%d s3xx=%d s4xx=%d s5xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, total["2xx"], total["3xx"], total["4xx"], total["5xx"],
    e.connect, e.read, e.write, e.timeout))
end
