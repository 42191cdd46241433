-- Documentation of moongrad's data area, shown by help(); format in moongrad/help.lua.
return {title = 'Data (mg.data): datasets, loaders, MNIST, IDX files', entries = {

  {name = 'mg.data', sig = 'mg.data',
   desc = [[
Datasets and loaders, as torch.utils.data. A dataset is any table with a length (#ds) and
ds:get(i) returning the values of sample i (1-based); TensorDataset holds samples as the
rows of tensors. DataLoader cuts a dataset into batches (shuffled if asked), one epoch per
call of loader:batches(). mg.data.mnist loads MNIST as a TensorDataset, mg.data.read_idx
reads IDX files.]],
   example = [[
local ds = mg.data.TensorDataset(mg.randn(10, 3), mg.randint(1, 3, {10}))
local loader = mg.data.DataLoader(ds, {batch_size = 4, shuffle = true})
for x, y in loader:batches() do print(x, y) end   -- {4,3} and {4} twice, then {2,3} and {2}]]},

  {name = 'mg.data.TensorDataset', sig = 'mg.data.TensorDataset(t1, t2, ...)',
   desc = [[
A dataset whose sample i is t1[i], t2[i], ...: every tensor must have the same size of
dimension 1 (the number of samples, #ds). The tensors are kept, not copied (ds.tensors).
A DataLoader gathers its batches a whole batch at a time in C. Errors for no tensors, a
non-tensor or a 0-d tensor, or different sizes.]],
   example = [[
local ds = mg.data.TensorDataset(mg.randn(100, 784), mg.randint(1, 10, {100}))
print(ds, #ds)        -- TensorDataset of 100 samples: {100,784} float32, {100} int64  100]]},

  {name = 'mg.data.TensorDataset:get', sig = 'ds:get(i) -> t1[i], t2[i], ...',
   desc = [[
Sample i (an integer in 1..#ds): the i-th row of each tensor, as views. Error when i is out
of range. This is the method any dataset must have for DataLoader.]],
   example = [[
local ds = mg.data.TensorDataset(mg.tensor{{1, 2}, {3, 4}}, mg.tensor({7, 8}, {dtype = 'int64'}))
local x, y = ds:get(2)
print(x, y)           -- 3 4  and  8]]},

  {name = 'mg.data.DataLoader',
   sig = 'mg.data.DataLoader(dataset [, {batch_size = 1, shuffle = false, drop_last = false, collate}])',
   desc = [[
Batches of a dataset (a TensorDataset or any table with #ds and ds:get(i)). #loader is the
number of batches per epoch; the last one is smaller unless drop_last. shuffle draws a new
order each epoch from the global generator (mg.manual_seed makes it reproducible).
collate(samples) gets a list of samples, each a table {v1, v2, ...} of what get(i) returned,
and returns the batch's values; the default (mg.data.default_collate) stacks each position
(tensors with mg.stack, integers into int64, other numbers into float32, booleans into bool).
Without a collate, a dataset that has get_batch(index) (TensorDataset, a Subset of one,
SequenceDataset, CharDataset) gives each batch whole, gathered in C by index, instead of
sample by sample. Errors name DataLoader for a bad dataset or an unknown or bad option.]],
   example = [[
local squares = setmetatable({}, {__len = function() return 5 end})   -- any #ds and ds:get(i)
function squares:get(i) return i, i * i end
local loader = mg.data.DataLoader(squares, {batch_size = 2})
print(loader, #loader)                           -- DataLoader of 3 batches (batch_size 2)  3
for i, sq in loader:batches() do print(i, sq) end   -- {1,2} {1,4}, {3,4} {9,16}, {5} {25}]]},

  {name = 'mg.data.DataLoader:batches', sig = 'for v1, v2, ... in loader:batches() do ... end',
   desc = [[
An iterator over one epoch: each step returns the values of one batch, in the order of the
dataset's values (for a TensorDataset(x, y): x_batch {B, ...} and y_batch {B}, new tensors).
Each call starts a new epoch, reshuffled when shuffle is set.]],
   example = [[
mg.manual_seed(0)
local ds = mg.data.TensorDataset(mg.arange(1, 11))
local loader = mg.data.DataLoader(ds, {batch_size = 4, shuffle = true, drop_last = true})
for epoch = 1, 2 do
  for b in loader:batches() do print(epoch, b) end   -- 2 batches of 4 per epoch, reshuffled
end]]},

  {name = 'mg.data.mnist', sig = "mg.data.mnist(split [, {dir = path}])",
   desc = [[
MNIST as a TensorDataset: split 'train' (60000 samples) or 'test' (10000); images float32
{N, 28, 28} scaled to [0, 1], labels int64 {N} where digit d is class d + 1 (1..10). The
IDX files (train-images-idx3-ubyte and so on, gzipped or not) are looked for in dir, else
$MOONGRAD_DATA/mnist, else data/mnist; when missing, the error says which files and how to
download them (scripts/fetch-mnist.sh DIR).]],
   example = [[
local ok, err = pcall(mg.data.mnist, 'train', {dir = '/no/such/dir'})
print(ok, err)        -- false  mnist: no MNIST files in /no/such/dir (expected ...)
-- with the files: local train = mg.data.mnist('train')   -- {60000,28,28} float32, {60000} int64]]},

  {name = {'mg.data.read_idx', 'mg.read_idx'}, sig = 'mg.data.read_idx(path [, {dtype, scale = 1, requires_grad = false}])   -- or mg.read_idx',
   desc = [[
Reads an IDX file (MNIST's format; plain or gzip-compressed) into a tensor of the shape it
declares. Without dtype: float32/float64 for float data, int64 for integer data, or float32
when a scale is given; every value is multiplied by scale. Errors name the file: missing,
not IDX, truncated, or too large.]],
   example = [[
local path = os.tmpname()
local f = io.open(path, 'wb'); f:write('\0\0\8\1', string.pack('>I4', 3), '\0\1\255'); f:close()
print(mg.read_idx(path))                         -- 0 1 255 (int64)
print(mg.data.read_idx(path, {dtype = 'float32', scale = 1 / 255}))   -- 0 0.0039 1
os.remove(path)]]},
}}
