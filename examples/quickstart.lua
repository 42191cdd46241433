-- moongrad quickstart: tensors, broadcasting, reductions and a matrix product.
local mg = require 'moongrad'
mg.manual_seed(42)

local x = mg.tensor{{1, 2, 3}, {4, 5, 6}}
print('x =') print(x)
print('x + 10 * row =') print(x + 10 * mg.tensor{1, 0, -1})
print('column sums:', x:sum(1))
print('x @ x^T =') print(x:matmul(x:t()))
local w = mg.randn(3, 2)
print('softmax of x @ w, by rows:')
local logits = x:matmul(w)
local e = (logits - logits:max(2, {keepdim = true})):exp()
print(e / e:sum(2, {keepdim = true}))
local cfg = mg.config()
print(string.format('moongrad %s on %s, BLAS kernel %s, %d threads', cfg.version, cfg.lua,
  cfg.blas.core or cfg.blas.error, cfg.threads))
