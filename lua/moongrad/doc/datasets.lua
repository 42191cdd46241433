-- Documentation of moongrad's datasets area, shown by help(); format in moongrad/help.lua.
return {title = 'Datasets (mg.data): subsets, splits, maps, frames, images, text', entries = {

  {name = {'mg.data.map', 'mg.data.TensorDataset:map', 'mg.data.Subset:map',
           'mg.data.ImageFolder:map', 'mg.data.SequenceDataset:map', 'mg.data.CharDataset:map'},
   sig = 'mg.data.map(ds, fn)   or   ds:map(fn) -> dataset',
   desc = [[
A dataset whose sample i is fn(ds:get(i)): fn receives the values of the sample and returns
the new ones (any number). The length is #ds; nothing is computed until get(i), so fn runs
again each time a sample is read (random augmentation stays random). Every built-in dataset
has the method ds:map(fn); mg.data.map works on any dataset (#ds and ds:get(i)). A DataLoader
reads a mapped dataset sample by sample and stacks the results.]],
   example = [[
local ds = mg.data.TensorDataset(mg.tensor{{1, 2}, {3, 4}}, mg.tensor({1, 2}, {dtype = 'int64'}))
local doubled = ds:map(function(x, y) return x * 2, y end)
print(#doubled, doubled:get(2))                  -- 2   6 8   2
local plus = mg.data.map(doubled, function(x, y) return x + 1, y end)
print(plus:get(1))                               -- 3 5   1]]},

  {name = 'mg.data.Subset', sig = 'mg.data.Subset(ds, indices) -> Subset',
   desc = [[
The samples of ds at indices (a list of integers or a 1-D int64 tensor, 1-based, in that
order; repeats allowed): #subset is the number of indices, subset:get(k) is
ds:get(indices[k]). Fields: subset.dataset and subset.indices (an int64 tensor). A DataLoader
gathers whole batches of a Subset of a TensorDataset (or of anything with get_batch) in C.
Errors for indices out of range or not integers.]],
   example = [[
local ds = mg.data.TensorDataset(mg.arange(10, 0, -1))   -- 10, 9, ..., 1
local sub = mg.data.Subset(ds, {2, 4, 6})
print(sub, sub:get(3))                           -- Subset of 3 samples ...   5]]},

  {name = 'mg.data.Subset:get', sig = 'subset:get(k) -> the values of ds:get(indices[k])',
   desc = [[Sample k of the subset (an integer in 1..#subset): the underlying dataset's sample
at the k-th index. Error when k is out of range.]],
   example = [[
local sub = mg.data.Subset(mg.data.TensorDataset(mg.arange(1, 6) * 10), mg.tensor({5, 1}, {dtype = 'int64'}))
print(sub:get(1), sub:get(2))                    -- 50  10]]},

  {name = {'mg.data.Subset:get_batch', 'mg.data.TensorDataset:get_batch'},
   sig = 'ds:get_batch(index) -> the batch\'s values',
   desc = [[
A whole batch for a 1-D int64 tensor of sample indices (1-based), as the default collate
would stack it: TensorDataset returns each tensor's rows (index_select, in C), a Subset maps
the indices through its own and asks its dataset (gathering in C when that dataset has
get_batch, else reading and stacking sample by sample). Any dataset may have this method:
DataLoader then uses it for every batch unless given a custom collate.]],
   example = [[
local ds = mg.data.TensorDataset(mg.tensor{{1, 1}, {2, 2}, {3, 3}}, mg.tensor({7, 8, 9}, {dtype = 'int64'}))
local x, y = ds:get_batch(mg.tensor({3, 1}, {dtype = 'int64'}))
print(x, y)                                      -- {3,3; 1,1}  {9, 7}]]},

  {name = 'mg.data.random_split', sig = 'mg.data.random_split(ds, lengths or fractions [, {seed}]) -> subset1, subset2, ...',
   desc = [[
Shares the samples of ds out at random into Subsets (returned as several values): lengths are
integers adding up to #ds, or fractions adding up to 1 (each part gets floor(f * #ds) and
what remains goes one by one to the first parts, as in PyTorch). The permutation comes from
the global generator (mg.randperm; mg.manual_seed makes it reproducible); with seed, the
split depends on the seed alone, and the global generator moves on by one draw.]],
   example = [[
local ds = mg.data.TensorDataset(mg.randn(10, 3), mg.randint(1, 2, {10}))
local train, test = mg.data.random_split(ds, {0.8, 0.2}, {seed = 42})
print(#train, #test)                             -- 8 2
local a, b, c = mg.data.random_split(ds, {5, 3, 2})
print(#a, #b, #c)                                -- 5 3 2]]},

  {name = 'mg.data.FrameDataset',
   sig = "mg.data.FrameDataset(frame, {features = {names...}, target = name, target_dtype}) -> TensorDataset",
   desc = [[
A TensorDataset of a Frame's columns: frame:to_tensor(features) (float32 {rows, #features})
and frame:col(target), each read once; without target, the features alone. The features
default to every column but the target. A float64 target becomes the features' dtype
(float32, for regression and binary cross-entropy); int64 and bool targets are kept (class
labels); target_dtype converts it to another. The result has fields features and target,
and a DataLoader gathers its batches in C. Works with any object that has
to_tensor(columns) and col(name).]],
   example = [[
local frame = mg.data.Frame({a = {1, 2, 3}, b = {10, 20, 30}, y = {0, 1, 1}})
local ds = mg.data.FrameDataset(frame, {target = 'y'})
print(ds.features[1], ds.features[2], ds:get(2))  -- a  b   2 20   1 (int64)]]},

  {name = 'mg.data.default_collate', sig = 'mg.data.default_collate(samples) -> values...',
   desc = [[
DataLoader's default way of making a batch of samples: samples is a list of samples, each a
table {v1, v2, ..., n = count} of the values get(i) returned (table.pack); position p of
every sample is stacked: tensors with mg.stack (a new first dim), integers into an int64
tensor, other numbers into float32, booleans into bool. Useful inside a custom collate.]],
   example = [[
local x, y = mg.data.default_collate{table.pack(mg.tensor{1, 2}, 1), table.pack(mg.tensor{3, 4}, 2)}
print(x, y)                                      -- {2,2} float32   {1, 2} int64]]},

  {name = 'mg.data.read_image',
   sig = 'mg.data.read_image(path [, {channels, size = {h, w}, rescale = 1}]) -> float32 {C, H, W}',
   desc = [[
Decodes a PNG, JPEG or BMP file (stb_image) into a float32 tensor {C, H, W} of the pixel
values 0..255 times rescale (1/255 gives 0..1). channels: as stored when omitted (1 grey,
2 grey and alpha, 3 RGB, 4 RGBA), or 1..4 to convert (grey = (77 R + 150 G + 29 B) >> 8;
alpha dropped, or added as 255). size resizes bilinearly (mg.data.resize_image). 16-bit PNGs
are read at 8 bits. Errors name the file: missing, empty, not PNG/JPEG/BMP (GIF and others
are refused), truncated or corrupt, more than 2^28 pixels.]],
   example = [[
local img = mg.data.read_image('tests/data/images/cat/1.png')        -- a 2x2 RGB fixture
print(img.shape, img[1])                         -- {3,2,2}   0 40 / 80 120 (red)
local small = mg.data.read_image('tests/data/images/cat/2.bmp', {channels = 1, rescale = 1 / 255})
print(small)                                     -- {1,2,3}, values in [0, 1]
print(pcall(mg.data.read_image, 'no/such.png'))  -- false  read_image: cannot open no/such.png: ...]]},

  {name = 'mg.data.resize_image', sig = 'mg.data.resize_image(t, {h, w}) -> tensor',
   desc = [[
Resizes the last two dims (H, W) of a float32 or float64 tensor ({H, W}, {C, H, W} or
{N, C, H, W}) by bilinear interpolation with half-pixel centres, as PyTorch's interpolate
(align_corners = false) and OpenCV's INTER_LINEAR: output pixel i samples the input at
(i + 0.5) * in / out - 0.5, clamped to the edges. No antialiasing when shrinking. A new
tensor, in C; not differentiable (an error for a tensor that requires grad).]],
   example = [[
local img = mg.tensor{{0, 40}, {80, 120}}
print(mg.data.resize_image(img, {4, 4}))         -- 0 10 30 40 / 20 30 50 60 / 60 70 90 100 / 80 90 110 120
print(mg.data.resize_image(img, {1, 1}))         -- 60: the mean]]},

  {name = 'mg.data.ImageFolder',
   sig = 'mg.data.ImageFolder(root [, {size = {h, w}, channels = 3, rescale = 1, flip = false, crop = {h, w}, extensions}])',
   desc = [[
Images in one subfolder of root per class, as Keras' flow_from_directory and torchvision's
ImageFolder: ds.classes holds the subfolder names sorted (byte order), and an image's label
is its class's index in that list (1-based; ds.class_to_idx maps a name to it). Subfolders
of a class folder are searched too; names starting with '.' are skipped, and only files with
the extensions (default png, jpg, jpeg, bmp; any case) are taken. Fields: paths, labels
(int64 tensor), classes, class_to_idx. Options: size resizes every image (bilinear; without
it images keep their own size and a DataLoader can batch them only if they agree), channels
(1..4), rescale multiplies the values 0..255, and the augmentations drawn at each get from
the global generator: flip mirrors left-right with probability 1/2, crop takes a random
window of that size (after resizing). Errors: root missing or not a folder, no class
folders, no images; a damaged image fails when read, naming its file.]],
   example = [[
local ds = mg.data.ImageFolder('tests/data/images', {size = {4, 4}, rescale = 1 / 255})
print(ds, ds.classes[1], ds.classes[2])          -- ImageFolder of 5 images in 2 classes  cat dog
local loader = mg.data.DataLoader(ds, {batch_size = 2, shuffle = true})
for x, y in loader:batches() do print(x.shape, y) end   -- {2,3,4,4} and labels 1 or 2]]},

  {name = 'mg.data.ImageFolder:get', sig = 'ds:get(i) -> image float32 {C, H, W}, label',
   desc = [[
Reads image i (decoded, resized, rescaled, then randomly cropped and flipped when asked) and
returns it with its label, an integer (the class's index in ds.classes; a DataLoader stacks
labels into an int64 tensor). Errors name the file when it cannot be decoded.]],
   example = [[
local ds = mg.data.ImageFolder('tests/data/images', {channels = 1})
local img, label = ds:get(1)
print(img.shape, label, ds.classes[label])       -- {1,2,2}  1  cat]]},

  {name = 'mg.data.SequenceDataset', sig = 'mg.data.SequenceDataset(tokens, {block_size = n}) -> dataset',
   desc = [[
Language-model windows over a 1-D int64 tensor of tokens: sample i is (tokens[i .. i+n-1],
tokens[i+1 .. i+n]), the input and its next-token targets (views, no copies). #ds is
#tokens - n. A DataLoader gathers batches {B, n} of both in C (get_batch). Errors when the
tokens are not a 1-D int64 tensor or fewer than n + 1.]],
   example = [[
local ds = mg.data.SequenceDataset(mg.arange(1, 8), {block_size = 3})   -- tokens 1..7
print(#ds, ds:get(2))                            -- 4   2 3 4   3 4 5]]},

  {name = 'mg.data.SequenceDataset:get', sig = 'ds:get(i) -> input {n}, target {n} (int64)',
   desc = [[Window i: tokens i .. i+n-1 and the tokens that follow each of them, i+1 .. i+n
(n = block_size), as views of the token tensor. Also CharDataset's get.]],
   example = [[
local ds = mg.data.SequenceDataset(mg.tensor({5, 6, 7, 8}, {dtype = 'int64'}), {block_size = 2})
print(#ds, ds:get(2))                            -- 2   6 7   7 8]]},

  {name = 'mg.data.SequenceDataset:get_batch', sig = 'ds:get_batch(index) -> inputs {B, n}, targets {B, n}',
   desc = [[The windows starting at each index of an int64 tensor, gathered in one index_select
each (what a DataLoader calls). Also CharDataset's.]],
   example = [[
local ds = mg.data.SequenceDataset(mg.arange(1, 8), {block_size = 3})
print(ds:get_batch(mg.tensor({1, 4}, {dtype = 'int64'})))   -- {1,2,3; 4,5,6}  {2,3,4; 5,6,7}]]},

  {name = 'mg.data.CharDataset',
   sig = "mg.data.CharDataset(text, {block_size = n, encoding = 'utf8' or 'bytes'}) -> dataset",
   desc = [[
A character-level language-model dataset (as minGPT's and char-rnn's): the vocabulary is the
distinct characters of text, sorted by code (ds.vocab, a list of strings; ds.stoi maps a
character to its token; ds.vocab_size), tokens are 1-based indices into it, and samples are
SequenceDataset windows of block_size tokens with their next-token targets (int64). With
encoding 'utf8' (the default) a character is a UTF-8 code point, and text that is not valid
UTF-8 is an error naming the byte; 'bytes' reads any text byte by byte. The text is encoded
once, in chunks converted to tensors, with the vocabulary and the tokens computed by tensor
ops (ds.tokens holds them all).]],
   example = [[
local ds = mg.data.CharDataset('hello world', {block_size = 4})
print(ds, table.concat(ds.vocab, '|'))           -- 7 windows, vocabulary ' |d|e|h|l|o|r|w'
local x, y = ds:get(1)
print(ds:decode(x), ds:decode(y))                -- hell  ello
for xb, yb in mg.data.DataLoader(ds, {batch_size = 4}):batches() do print(xb.shape) end   -- {4,4} {3,4}]]},

  {name = 'mg.data.CharDataset:encode', sig = 'ds:encode(str) -> int64 tensor of tokens',
   desc = [[The tokens of the characters of str (with the dataset's encoding). Error naming the
first character not in the vocabulary.]],
   example = [[
local ds = mg.data.CharDataset('abcabc', {block_size = 2})
print(ds:encode('cab'))                          -- 3 1 2
print(pcall(ds.encode, ds, 'abz'))               -- false  ... character "z" ... not in the vocabulary]]},

  {name = 'mg.data.CharDataset:decode', sig = 'ds:decode(tokens) -> string',
   desc = [[The text of tokens: an int64 tensor (any shape, read in order) or a list of
integers. Error for a token outside 1..vocab_size.]],
   example = [[
local ds = mg.data.CharDataset('héllo', {block_size = 2})
print(ds.vocab[4], ds:decode(ds:encode('olé')), ds:decode{4, 1})   -- é  olé  éh]]},
}}
