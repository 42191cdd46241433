-- Printing tensors: values laid out as rows (summarised past 1000 elements, as PyTorch
-- does), then a footer with the dtype and shape.
local format = {}

local THRESHOLD, EDGE = 1000, 3

-- The tensor cut down to its first and last EDGE entries along every long dim, with the
-- set of dims that were cut (a "..." goes after position EDGE in those).
local function summarise(t, core)
  local cut = {}
  if t:numel() <= THRESHOLD then return t, cut end
  for d = 1, t:dim() do
    local n = t:size(d)
    if n > 2 * EDGE then
      t = core.cat({ t:narrow(d, 1, EDGE), t:narrow(d, n - EDGE + 1, EDGE) }, d)
      cut[d] = true
    end
  end
  return t, cut
end

local function flatten_values(v, out)
  if type(v) == 'table' then
    for _, x in ipairs(v) do flatten_values(x, out) end
  else
    out[#out + 1] = v
  end
  return out
end

-- One formatter for every value shown, so that columns line up.
local function number_format(values, dtype)
  if dtype == 'bool' then return function(x) return tostring(x) end end
  if dtype == 'int64' then return function(x) return string.format('%d', x) end end
  local integral, maxabs, minabs = true, 0, math.huge
  for _, x in ipairs(values) do
    if x == x and x ~= math.huge and x ~= -math.huge then
      if x ~= math.floor(x) then integral = false end
      local a = math.abs(x)
      if a > maxabs then maxabs = a end
      if a > 0 and a < minabs then minabs = a end
    end
  end
  local fmt
  if integral and maxabs < 1e8 then
    fmt = '%.0f'
  elseif maxabs >= 1e5 or minabs < 1e-4 or maxabs / minabs > 1e3 then
    fmt = '%.4e'
  else
    fmt = '%.4f'
  end
  return function(x)
    if x ~= x then return 'nan' end
    if x == math.huge then return 'inf' end
    if x == -math.huge then return '-inf' end
    return string.format(fmt, x)
  end
end

local function row(values, cut, fmt, width)
  local parts = {}
  for i, x in ipairs(values) do
    parts[#parts + 1] = string.format('%' .. width .. 's', fmt(x))
    if cut and i == EDGE then parts[#parts + 1] = string.format('%' .. width .. 's', '...') end
  end
  return table.concat(parts, ' ')
end

local function matrix_lines(m, cut_rows, cut_cols, fmt, width, lines)
  for i, r in ipairs(m) do
    lines[#lines + 1] = row(r, cut_cols, fmt, width)
    if cut_rows and i == EDGE then lines[#lines + 1] = string.format('%' .. width .. 's', '...') end
  end
end

-- Walks the leading dims of an N-D table, printing each trailing matrix under a header
-- "(i,j,.,.) =" as Torch7 does; shape gives the original indices of summarised dims.
local function blocks(v, depth, shape, prefix, cut, fmt, width, lines)
  local ndim = #shape
  if depth == ndim - 1 then
    lines[#lines + 1] = '(' .. table.concat(prefix, ',') .. ',.,.) ='
    matrix_lines(v, cut[ndim - 1], cut[ndim], fmt, width, lines)
    lines[#lines + 1] = ''
    return
  end
  for i, sub in ipairs(v) do
    if cut[depth] and i == EDGE + 1 then lines[#lines + 1] = '...'; lines[#lines + 1] = '' end
    prefix[depth] = (cut[depth] and i > EDGE) and shape[depth] - 2 * EDGE + i or i
    blocks(sub, depth + 1, shape, prefix, cut, fmt, width, lines)
  end
  prefix[depth] = nil
end

function format.shape_string(shape)
  return '{' .. table.concat(shape, ',') .. '}'
end

function format.tensor(t, core)
  local shown, cut = summarise(t, core)
  local v = shown:totable()
  local values = flatten_values(v, {})
  local fmt = number_format(values, t.dtype)
  local width = 1
  for _, x in ipairs(values) do width = math.max(width, #fmt(x)) end
  local lines, ndim = {}, t:dim()
  if t:numel() == 0 then
    lines[1] = '[]'
  elseif ndim == 0 then
    lines[1] = fmt(v)
  elseif ndim == 1 then
    lines[1] = row(v, cut[1], fmt, width)
  elseif ndim == 2 then
    matrix_lines(v, cut[1], cut[2], fmt, width, lines)
  else
    blocks(v, 1, t.shape, {}, cut, fmt, width, lines)
  end
  lines[#lines + 1] = string.format('[%s tensor of shape %s]', t.dtype, format.shape_string(t.shape))
  return table.concat(lines, '\n')
end

return format
