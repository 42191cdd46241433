-- Documentation of moongrad's recommend area, shown by help(); format in moongrad/help.lua.
local P = 'mg.recommend.'

-- The small interaction log the examples share: users 1 and 2 like items 1-2, user 3 items 3-4.
local LOG = [[
local R = mg.recommend
local I64 = {dtype = 'int64'}
local users = mg.tensor({1, 1, 2, 2, 3, 3}, I64)
local items = mg.tensor({1, 2, 1, 2, 3, 4}, I64)
]]

return {title = 'Recommendation (mg.recommend): implicit feedback, matrix factorisation, top-k, recall/NDCG', entries = {

  {name = 'mg.recommend', sig = 'mg.recommend',
   desc = [[
Recommendation from implicit feedback: interactions (views, clicks, purchases) are (user,
item) pairs with no rating, and an item a user did not touch is not a known dislike.
  Index(df, column)       a key column's values (int64 or strings) as ids 1..size
  MF(n_users, n_items)    matrix factorisation: score = <user vector, item vector> + item bias
  fit(model, users, items, {...})   BPR training with uniformly sampled negative items
  most_popular(items, n)  the baseline: each item's interaction count
  top_k, recommend        the k best items per user, leaving out the items a user has
  evaluate(scorer, train, test)     recall@k and NDCG@k on each user's new later items
Users and items are 1-based int64 ids; a pair {users, items} of equal-length tensors holds
interactions. For a leave-later-out split by time, train on the events before a cutoff and
test on the items each user meets after it. Lists come from matrix products and k passes
of max, metrics from Frame joins: no Lua loop per user or item.]],
   example = [[
local R, I64 = mg.recommend, {dtype = 'int64'}
-- users 1 and 2 share item 1, and user 1 also has item 2; user 3 has items 3 and 4
local users, items = mg.tensor({1, 1, 2, 3, 3}, I64), mg.tensor({1, 2, 1, 3, 4}, I64)
local model = R.MF(3, 4, {dim = 4})
R.fit(model, users, items, {epochs = 100, batch_size = 5, lr = 0.05, seed = 1})
print(R.recommend(model, mg.tensor({2}, I64), 1, {exclude = {users, items}}))   -- item 2, as user 1]]},

  {name = P .. 'Index', sig = P .. 'Index(df, column) -> idx     idx.size, idx.column, idx.dtype, idx.table',
   desc = [[
Numbers the distinct non-missing values of a Frame's key column (int64 or string) 1..size in
sorted order, for nn.Embedding and MF. idx.table is a Frame {column, id} of the values and
their ids (idx.table:take(ids) turns ids back into values). Build it on every user or item
that may need an id (an id is a slot: no interaction is read), then map frames with
idx:ids. Errors: not a Frame, no such column, a column of another type, no values.]],
   example = [[
local events = mg.data.Frame({user = {'bo', 'al', 'bo'}, item = {30, 10, 20}}, {columns = {'user', 'item'}})
local users = mg.recommend.Index(events, 'user')
print(users.size, users:ids(events))          -- 2;  2 1 2 (al is 1, bo is 2)]]},

  {name = P .. 'Index:ids', sig = 'idx:ids(df [, column = idx.column]) -> int64 tensor {#df}',
   desc = [[
The id of each row's value of column (by default the one the index was built on), by
df:match in C; 0 for a value the index does not hold or a missing one, so that filtering on
ids:gt(0) keeps the known ones (the other functions refuse id 0). The column must have the
index's type.]],
   example = [[
local idx = mg.recommend.Index(mg.data.Frame{item = {10, 20}}, 'item')
print(idx:ids(mg.data.Frame{item = {20, 99, 10}}))   -- 2 0 1]]},

  {name = P .. 'MF', sig = P .. "MF(n_users, n_items [, {dim = 32, std = 0.1, dtype = 'float32', sparse = false}])",
   desc = [[
Matrix factorisation, an nn.Module: the score of user u for item i is the dot product of
their vectors (nn.Embedding users {n_users, dim} and items {n_items, dim}, drawn from
N(0, std^2)) plus the item's bias (nn.Embedding item_bias {n_items, 1}, zeros), which
learns popularity. model(users, items) scores pairs (int64 ids of one shape, with autograd);
model:scores(users) all items. sparse = true makes the embeddings' gradients sparse (the rows
looked up only; see nn.Embedding): a training step then costs the batch, not the tables, and
fit steps SparseAdam. Train it with mg.recommend.fit or a loop of your own with
mg.recommend.bpr_loss; model:parameters(), state_dict and save work as for any module.]],
   example = LOG .. [[
local model = R.MF(3, 4, {dim = 2})
print(model)                                   -- users, items, item_bias: 6 + 8 + 4 parameters
print(model(users, items))                     -- one score per pair]]},

  {name = P .. 'MF:scores', sig = 'model:scores(users) -> {#users, n_items}',
   desc = [[
Every item's score for each user (int64 ids 1..n_users): one matrix product of the users'
vectors with all item vectors, plus the item biases. Records autograd unless called inside
mg.no_grad.]],
   example = [[
local model = mg.recommend.MF(3, 5, {dim = 2})
print(mg.no_grad(function() return model:scores(mg.tensor({1, 3}, {dtype = 'int64'})) end).shape[2])   -- 5]]},

  {name = P .. 'bpr_loss', sig = P .. 'bpr_loss(model, users, items, negatives) -> scalar tensor',
   desc = [[
Bayesian personalised ranking (Rendle et al., 2009): the mean over each interaction (u, i)
and each of its negative items j of -log sigmoid(score(u, i) - score(u, j)), which falls as
the model ranks a user's items above others. negatives: int64 {n} (one per interaction) or
{n, m}. Computed as binary_cross_entropy_with_logits(score(u, i) - score(u, j), 1), which is
stable for large margins. Agrees with the same formula in PyTorch 1.13 (loss and gradients).
Errors: ids out of range, lengths that differ, no interactions.]],
   example = LOG .. [[
local model = R.MF(3, 4, {dim = 2})
local loss = R.bpr_loss(model, users, items, mg.tensor({3, 4, 3, 4, 1, 2}, I64))
loss:backward()                                -- gradients in model.users.weight.grad ...
print(loss:item())                             -- near log 2 = 0.693 at the start]]},

  {name = P .. 'fit', sig = P .. 'fit(model, users, items [, {epochs = 10, batch_size = 1024, lr = 0.01, negatives = 1,\n'
                          .. '                            seed, optimizer}]) -> {loss of each epoch}',
   desc = [[
Trains model (an MF, or any module with n_users, n_items, scores and a forward scoring
pairs) on the interactions (users[k], items[k]) with BPR: each epoch shuffles them, and for
each batch draws negatives items per interaction uniformly from 1..n_items (a drawn item may
be one the user has: rare with many items, and usual in BPR), then steps Adam(lr) on
bpr_loss (SparseAdam(lr) for an MF with sparse = true). Pass the distinct pairs to give each interaction one weight, or every event to
weigh repeats. seed seeds mg's generator first (mg.manual_seed), for a reproducible run.
optimizer (instead of lr) continues with an optimizer of your own, such as the one of an
earlier call, to fine-tune on new interactions. Returns the mean loss of each epoch.]],
   example = LOG .. [[
local model = R.MF(3, 4, {dim = 4})
local losses = R.fit(model, users, items, {epochs = 30, batch_size = 6, lr = 0.05, seed = 1})
print(losses[1], losses[30])                   -- falling]]},

  {name = P .. 'most_popular', sig = P .. 'most_popular(items, n_items) -> float64 {n_items}',
   desc = [[
The baseline every recommender has to beat: each item's number of interactions among items
(int64 ids 1..n_items; give every event, or distinct pairs to count users). The result is a
scorer for top_k, recommend and evaluate, the same for every user.]],
   example = LOG .. [[
print(R.most_popular(items, 4))                -- 2 2 1 1]]},

  {name = P .. 'top_k', sig = P .. 'top_k(scores, k [, {exclude = {rows, items}}]) -> int64 {rows, k}',
   desc = [[
The items of the k highest scores in each row of scores {rows, items} (a 1-D scores gives
one list {k}), best first; equal scores list the lower item first. exclude: a pair of int64
tensors, row r and item i for each item to leave out of row r (the user's seen items). A row
with fewer than k items left ends in 0s. k passes of max in C (a whole-row sort is several
times slower for k much smaller than the items). Errors: NaN scores, k < 1, exclude ids out
of range or of different lengths.]],
   example = [[
local scores = mg.tensor{{0.1, 0.9, 0.5, 0.3}, {0.8, 0.2, 0.4, 0.6}}
local I64 = {dtype = 'int64'}
print(mg.recommend.top_k(scores, 2))           -- {{2, 3}, {1, 4}}
print(mg.recommend.top_k(scores, 2, {exclude = {mg.tensor({1, 2}, I64), mg.tensor({2, 1}, I64)}}))
-- {{3, 4}, {4, 3}}]]},

  {name = P .. 'recommend', sig = P .. 'recommend(scorer, users, k [, {exclude = {users, items}, batch_size = 256}]) -> int64 {#users, k}',
   desc = [[
top_k for many users: the k best items for each of users (int64 ids), scored by scorer (a
model with :scores(users), such as MF, or a 1-D tensor of item scores shared by every user,
such as most_popular's) batch_size users at a time, without grad; exclude: interactions
{users, items} whose items are left out of their user's list (the training interactions).]],
   example = LOG .. [[
print(R.recommend(R.most_popular(items, 4), mg.tensor({1, 3}, I64), 2, {exclude = {users, items}}))
-- user 1 has items 1 and 2: {3, 4}; user 3 has 3 and 4: {1, 2}]]},

  {name = P .. 'evaluate', sig = P .. 'evaluate(scorer, train, test [, {k = 10, sample, seed = 1, batch_size = 256}])\n'
                               .. '  -> {recall =, ndcg =, users =}',
   desc = [[
Scores a recommender on later interactions (leave-later-out): train and test are pairs
{users, items} (train: the interactions before a cutoff, test: those after it). A user's
relevant items are their distinct test items that are not among their train items (those
are left out of the lists, so they could never be hit); the users scored are those with a
train interaction and a relevant item (others are skipped: no history or nothing new). Each
gets a list of k items (recommend, train items excluded), and
  recall@k = relevant items listed / relevant items
  NDCG@k   = sum over listed relevant items of 1 / log2(1 + rank), divided by that of the
             best list, min(k, relevant) hits ranked first
as mg.metrics.recall_at_k and ndcg_at_k (binary relevance, no ties) on those users, which
need the whole {users, items} score matrix: evaluate keeps only the lists. The means over
the users scored are returned with their number. sample = n scores n of them drawn with seed
(the same users for every scorer with the same seed). Errors as recommend's, and when no
user is left to score.]],
   example = LOG .. [[
local test = {mg.tensor({1, 2, 3}, I64), mg.tensor({3, 4, 1}, I64)}
local r = R.evaluate(R.most_popular(items, 4), {users, items}, test, {k = 1})
print(r.recall, r.ndcg, r.users)               -- users 1, 2 get item 3, user 3 item 1: 2/3  2/3  3]]},
}}
