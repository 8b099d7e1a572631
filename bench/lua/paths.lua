-- GET each path of a file in turn (one path a line): /go walks the real personal tokens.
-- wrk -s paths.lua URL -- FILE ; prints one JSON line at the end (see bench/loadgen.py).
local paths = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  if #paths == 0 then
    error("no paths in " .. args[1])
  end
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

done = dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "report.lua")
