-- POST pre-signed bodies, each once, in file order: three lines per request (signature
-- header, body, blank). wrk -s posts.lua URL -- FILE HEADER ; prints one JSON line at the end.
local requests = {}
local i = 0

function init(args)
  local header = args[2]
  local lines = io.lines(args[1])
  for signature in lines do
    local body = lines()
    lines()
    requests[#requests + 1] = wrk.format("POST", nil, {
      [header] = signature,
      ["Content-Type"] = "application/json",
    }, body)
  end
  if #requests == 0 then
    error("no requests in " .. args[1])
  end
end

function request()
  i = i % #requests + 1
  return requests[i]
end

done = dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "report.lua")
