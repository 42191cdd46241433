-- Documentation of moongrad's serialize area, shown by help(); format in moongrad/help.lua.
return {title = 'Saving and loading (mg.save, mg.load, state dicts): safetensors files', entries = {

  {name = 'mg.save', sig = 'mg.save(path, value)',
   desc = [[
Writes value to path in the safetensors format (github.com/huggingface/safetensors), which
PyTorch, JAX and NumPy read. value is a tensor, or a table (nested as deep as 100 levels)
of tensors, numbers (integers and floats stay distinct), strings, booleans and tables, with
string or integer keys: a whole checkpoint {model = model:state_dict(), optimizer =
opt:state_dict(), scheduler = sched:state_dict(), epoch = 3}.
Each tensor becomes an entry named by its keys joined with '.' ('model.fc.weight'; a tensor
saved alone is 'tensor'), written row-major whatever its strides, without requires_grad.
Everything else, and where each tensor sits, goes into the file's metadata as a JSON
document under the key 'moongrad', so that mg.load rebuilds the same structure. A table of
string keys to tensors (a state dict) is written as plain named tensors with no metadata:
what torch's safetensors.torch.load_file reads as a state dict.
Tables are written in key order (integers, then strings) unless they define __pairs (a
state dict keeps its layer order), so the same value always gives the same bytes. A tensor
reached twice (or two views of one storage) is written twice and loads as two tensors.
The file is written to path .. '.tmp' and renamed to path when complete: a failed save
leaves path as it was. Errors: a function, userdata, cycle or module in value (save a
module's state_dict()), keys that are not strings or integers, strings that are not UTF-8
or hold a zero byte, two tensors whose names would be equal ({a = {['b.c'] = x, b = {c =
y}}}), and files that cannot be written.]],
   example = [[
local path = os.tmpname()
mg.save(path, {weights = {mg.ones(2, 2), mg.zeros(3)}, step = 10, lr = 0.01, name = 'run'})
local ckpt = mg.load(path)
print(ckpt.step, ckpt.lr, ckpt.name, ckpt.weights[1])   -- 10  0.01  run  {2,2} of ones
os.remove(path)]]},

  {name = 'mg.load', sig = 'mg.load(path) -> value',
   desc = [[
Reads a safetensors file. A file written by mg.save comes back with its structure: the same
tables, numbers (integers as integers, floats as floats, inf and nan included), strings
and booleans, and new tensors of the stored dtypes and shapes. A file without moongrad's
metadata (a state dict, or a file written by another framework) loads as a table
name -> tensor. float32 (F32), float64 (F64), int64 (I64) and bool (BOOL) tensors are read;
other dtypes (F16, BF16, I32, ...) are an error that names them. The whole header is checked
before anything is allocated: errors name the file and what is wrong, e.g. a missing or
truncated file, a header that is not JSON or is longer than 100 MB, or data_offsets that do
not match a tensor's dtype and shape or overlap another's.]],
   example = [[
local path = os.tmpname()
mg.save(path, {['fc.weight'] = mg.eye(2), ['fc.bias'] = mg.zeros(2)})   -- a plain state dict
local sd = mg.load(path)
print(sd['fc.weight'], sd['fc.bias'].shape[1])                      -- the 2x2 identity, 2
os.remove(path)]]},

  {name = 'mg.nn.Module:save', sig = 'm:save(path)',
   desc = [[
Writes m:state_dict() to path with mg.save: a plain safetensors file of named tensors
('1.weight', '1.bias', ...) that other frameworks read as a state dict. The names are
moongrad's: a Sequential counts its layers from 1 where PyTorch's counts from 0.]],
   example = [[
local path = os.tmpname()
local m = nn.Sequential{nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1)}
m:save(path)
for name, t in pairs(mg.load(path)) do print(name, t.shape[1]) end   -- 1.weight 3, 1.bias 3, ...
os.remove(path)]]},

  {name = 'mg.nn.Module:load', sig = 'm:load(path) -> m',
   desc = [[
Reads path (mg.load) into m's parameters and buffers with load_state_dict, which checks
every name, shape and dtype before copying anything: a file that does not fit m (other
layers or sizes) is an error naming the file and the tensors, and leaves m unchanged.
Returns m.]],
   example = [[
local path = os.tmpname()
local a = nn.Linear(2, 2)
a:save(path)
local b = nn.Linear(2, 2):load(path)
print(b.weight:eq(a.weight):sum():item())               -- 4
print(pcall(nn.Linear(3, 2).load, nn.Linear(3, 2), path)) -- false  load: ...: '...' expected ...
os.remove(path)]]},
}}
