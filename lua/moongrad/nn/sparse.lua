-- moongrad.nn.sparse: the gradients of embedding tables looked up with sparse = true (as
-- PyTorch's nn.Embedding(sparse=True)), kept as the rows looked up instead of a dense table:
-- each lookup records its ids and a leaf tensor holding their rows, backward fills the leaf's
-- grad, and grad(weight) adds them up per id. A step then costs the rows looked up, not the
-- table. The lookups of a weight are kept until cleared (an optimizer's step takes them, its
-- zero_grad and the module's drop them), as PyTorch keeps a graph until backward.
local mg = require 'moongrad'

local M = {}

local lookups = setmetatable({}, {__mode = 'k'}) -- weight -> {{ids =, rows =, padding_idx =}, ...}

-- Records a lookup of weight: ids (int64 {m}, 1-based) and rows (the leaf {m, dim} whose grad
-- backward fills); rows of padding_idx get no gradient.
function M.record(weight, ids, rows, padding_idx)
  local list = lookups[weight] or {}
  lookups[weight] = list
  list[#list + 1] = {ids = ids, rows = rows, padding_idx = padding_idx}
end

-- Whether weight has lookups recorded (a sparse gradient, once backward has run).
function M.has(weight) return lookups[weight] ~= nil end

function M.clear(weight) lookups[weight] = nil end

-- grad(weight) -> ids, values: the distinct ids looked up (ascending int64 {k}) and the sum
-- of their rows' gradients {k, dim}; nil when no lookup has a gradient yet.
function M.grad(weight)
  local ids, grads = {}, {}
  for _, lookup in ipairs(lookups[weight] or {}) do
    local g = lookup.rows.grad
    if g ~= nil then
      local keep = lookup.padding_idx and lookup.ids:ne(lookup.padding_idx):nonzero():select(2, 1)
      ids[#ids + 1] = keep and lookup.ids:index_select(1, keep) or lookup.ids
      grads[#grads + 1] = keep and g:index_select(1, keep) or g
    end
  end
  if #ids == 0 then return nil end
  local sorted, order = mg.cat(ids):sort()
  local n = sorted:size(1)
  if n == 0 then return sorted, mg.zeros(0, weight:size(2), {dtype = weight.dtype}) end
  -- a run of equal ids is one row: its first entry starts a new segment
  local first = mg.cat{mg.ones(1, {dtype = 'bool'}), sorted:narrow(1, 2, n - 1):ne(sorted:narrow(1, 1, n - 1))}
  local segment = first:long():cumsum(1)
  local values = mg.zeros(segment[n]:item(), weight:size(2), {dtype = weight.dtype})
  return sorted:masked_select(first), values:index_add_(1, segment, mg.cat(grads):index_select(1, order))
end

return M
