-- mg.privacy: pseudonyms, policies, k-anonymity, generalisation and differential privacy.
-- Pseudonyms were recorded with Python's hmac module:
--   hmac.new(key, text, hashlib.sha256).hexdigest()   key = b'0123456789abcdef' * 2
-- on each value's canonical text; group sizes are counted by hand in the comments; the
-- Laplace checks compare with the distribution's closed forms (E|X| = b, E[X^2] = 2b^2).
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'
local pv = mg.privacy
local Frame = mg.data.Frame

local SPEC = 'privacy_spec.lua:' -- errors point at the caller's line in this file
local function err(f) return h.error_in(SPEC, f) end

local KEY = ('0123456789abcdef'):rep(2)

local function people()
  return Frame({email = {'alice@example.com', 'bob@example.com', nil, 'alice@example.com', n = 4},
                id = {42, 7, 42, 9}, score = {3.25, 1.5, 0 / 0, 42.0}, ok = {false, true, false, true},
                name = {'Ann', 'Bob', 'Cy', 'Di'}},
               {columns = {'email', 'id', 'score', 'ok', 'name'}})
end

local function values(df, name)
  local v = df:values(name)
  local out = {}
  for i = 1, v.n do out[i] = v[i] == nil and 'NA' or v[i] end
  return out
end

describe('pseudonymize', function()
  it('replaces values by truncated HMAC-SHA256 hex digests, as Python computes them', function()
    local df = people()
    local p = pv.pseudonymize(df, {'email', 'id', 'score', 'ok'}, KEY)
    assert.are.same({'email', 'id', 'score', 'ok', 'name'}, p.columns)
    assert.are.same({email = 'string', id = 'string', score = 'string', ok = 'string', name = 'string'}, p:dtypes())
    -- alice@example.com, bob@example.com; missing stays missing
    assert.are.same({'841240d2a5b6654b', '0f03a80a5bb45cb6', 'NA', '841240d2a5b6654b'}, values(p, 'email'))
    -- '42', '7', '9'
    assert.are.same({'3b12d0412db185c9', '9657f4db0378a439', '3b12d0412db185c9', '7dfba0bee2b3f330'}, values(p, 'id'))
    -- '3.25', '1.5'; 42.0 hashes as the integer 42; NaN is missing
    assert.are.same({'512def91c80809b7', 'bb2dbd3a92bc6f39', 'NA', '3b12d0412db185c9'}, values(p, 'score'))
    -- 'false', 'true'
    assert.are.same({'4014fdf3752c6ee1', '2ebc4929adf1d9e0', '4014fdf3752c6ee1', '2ebc4929adf1d9e0'}, values(p, 'ok'))
    assert.are.same({'Ann', 'Bob', 'Cy', 'Di'}, values(p, 'name')) -- not listed: unchanged
    assert.are.same({'alice@example.com', 'bob@example.com', 'NA', 'alice@example.com'}, values(df, 'email'))
  end)

  it('takes a prefix and a length, and one column name alone', function()
    local p = pv.pseudonymize(people(), 'name', KEY, {prefix = 'u_', length = 64})
    -- 'Ann': the whole digest
    assert.are.equal('u_61bfb7a5d2485cfedfd183a7bb5c7ae2985b593a098c6119ffc25bf0800766b6', p:get(1, 'name'))
    assert.are.equal('u_841', pv.pseudonymize(people(), 'email', KEY, {prefix = 'u_', length = 3}):get(1, 'email'))
  end)

  it('depends on the key', function()
    local other = pv.pseudonymize(people(), 'email', ('x'):rep(32))
    assert.are_not.equal('841240d2a5b6654b', other:get(1, 'email'))
    assert.are.equal(other:get(1, 'email'), other:get(4, 'email'))
  end)

  it('rejects bad input, naming the function, from the caller\'s line', function()
    local df = people()
    assert.are.equal('pseudonymize: expected a key of at least 32 bytes (mg.privacy.new_key() makes one), got a string of 31 bytes',
                     err(function() pv.pseudonymize(df, 'email', KEY:sub(2)) end))
    assert.is_truthy(err(function() pv.pseudonymize(df, 'email', 12) end):find('got 12', 1, true))
    assert.are.equal("pseudonymize: no columns 'mail', 'x' (the frame has email, id, score, ok, name)",
                     err(function() pv.pseudonymize(df, {'mail', 'id', 'x'}, KEY) end))
    assert.are.equal("pseudonymize: columns: column 'id' repeats",
                     err(function() pv.pseudonymize(df, {'id', 'id'}, KEY) end))
    assert.are.equal('pseudonymize: expected a Frame, got a table',
                     err(function() pv.pseudonymize({}, 'id', KEY) end))
    for _, bad in ipairs{0, 65, 1.5, 'long'} do
      assert.is_truthy(err(function() pv.pseudonymize(df, 'id', KEY, {length = bad}) end)
                       :find('pseudonymize: option length must be an integer from 1 to 64', 1, true))
    end
    assert.is_truthy(err(function() pv.pseudonymize(df, 'id', KEY, {prefix = 'a\0b'}) end):find('option prefix', 1, true))
    assert.are.equal("pseudonymize: unknown option 'size'", err(function() pv.pseudonymize(df, 'id', KEY, {size = 8}) end))
  end)
end)

describe('new_key', function()
  it('returns 32 random bytes', function()
    local a, b = pv.new_key(), pv.new_key()
    assert.are.equal(32, #a)
    assert.are_not.equal(a, b) -- equal with probability 2^-256
  end)
end)

describe('Policy', function()
  it('drops or pseudonymises the direct identifiers', function()
    local df = people()
    local dropped = pv.Policy{direct = {'email', 'name'}, quasi = {'id'}}:apply(df)
    assert.are.same({'id', 'score', 'ok'}, dropped.columns)
    local policy = pv.Policy{direct = {'email'}, quasi = {'id', 'ok'}, key = KEY, direct_action = 'pseudonymize'}
    local p = policy:apply(df)
    assert.are.same(df.columns, p.columns)
    assert.are.same({'841240d2a5b6654b', '0f03a80a5bb45cb6', 'NA', '841240d2a5b6654b'}, values(p, 'email'))
    assert.are.same({42, 7, 42, 9}, values(p, 'id'))
    assert.are.equal('Policy: direct identifiers email (pseudonymised), quasi-identifiers id, ok', tostring(policy))
    -- id, ok: (42, false) twice, (7, true), (9, true) -> k = 1
    assert.are.equal(1, policy:k_anonymity(p, 2).k)
  end)

  it('names every unknown column, and checks its own fields', function()
    local df = people()
    assert.are.equal("Policy:apply: no columns 'phone', 'zip' (the frame has email, id, score, ok, name)",
                     err(function() pv.Policy{direct = {'email', 'phone'}, quasi = {'zip'}}:apply(df) end))
    assert.are.equal("Policy: column 'id' is both direct and quasi",
                     err(function() pv.Policy{direct = {'id'}, quasi = {'id'}} end))
    assert.are.equal("Policy: direct_action must be 'drop' or 'pseudonymize', got \"hash\"",
                     err(function() pv.Policy{direct = {'id'}, direct_action = 'hash'} end))
    assert.is_truthy(err(function() pv.Policy{direct = {'id'}, direct_action = 'pseudonymize'} end)
                     :find('Policy: expected a key of at least 32 bytes', 1, true))
    assert.are.equal("Policy: unknown option 'keys'", err(function() pv.Policy{keys = KEY} end))
    assert.are.equal('Policy:apply: expected a Frame, got a table', err(function() pv.Policy{}:apply({}) end))
  end)
end)

-- 8 people; by hand: (age, zip, gender) are all distinct except rows 1 and 4.
local function census()
  return Frame({age = {34, 37, 45, 34, 41, 23, 28, 49},
                zip = {'12345', '12399', '12011', '12345', '12018', '12340', '12377', '12099'},
                gender = {'F', 'F', 'M', 'F', 'M', 'F', 'F', 'M'}},
               {columns = {'age', 'zip', 'gender'}})
end

describe('k_anonymity', function()
  it('reports the smallest group and the groups below k', function()
    local r = pv.k_anonymity(census(), {'age', 'zip', 'gender'}, 2)
    assert.are.equal(1, r.k)
    assert.are.equal(7, r.groups)         -- rows 1 and 4 share a group
    assert.are.equal(6, r.groups_below_k)
    assert.are.equal(6, r.rows_below_k)
    assert.are.same({'age', 'zip', 'gender', 'size'}, r.smallest.columns)
    assert.are.same({1, 1, 1, 1, 1, 1}, values(r.smallest, 'size'))
    local text = tostring(r)
    assert.is_truthy(text:find('k-anonymity over age, zip, gender: k = 1 (target 2), 7 groups of 8 rows', 1, true))
    assert.is_truthy(text:find('6 groups (6 rows) below 2, smallest first:', 1, true))
  end)

  it('groups missing values together and counts groups by gender', function()
    local df = Frame({g = {'F', nil, 'M', nil, 'F', 'F', n = 6}})
    local r = pv.k_anonymity(df, 'g', 3)
    -- F: 3, missing: 2, M: 1
    assert.are.same({1, 3, 2, 3}, {r.k, r.groups, r.groups_below_k, r.rows_below_k})
    assert.are.same({1, 2}, values(r.smallest, 'size')) -- smallest first
    assert.are.same({'M', 'NA'}, values(r.smallest, 'g'))
    local ok = pv.k_anonymity(df, 'g', 1)
    assert.are.equal(0, ok.groups_below_k)
    assert.is_truthy(tostring(ok):find('every group has at least 1 row', 1, true))
  end)

  it('gives k = 0 for a frame with no rows', function()
    local r = pv.k_anonymity(census():head(0), {'age'}, 2)
    assert.are.same({0, 0, 0, 0}, {r.k, r.groups, r.groups_below_k, r.rows_below_k})
  end)

  it('names the count column so that it cannot clash with a quasi-identifier', function()
    local r = pv.k_anonymity(Frame{size = {1, 1, 2}}, {'size'}, 2)
    assert.are.same({'size', '_size'}, r.smallest.columns)
    assert.are.same({2}, values(r.smallest, 'size'))
  end)

  it('rejects bad input', function()
    local df = census()
    assert.are.equal("k_anonymity: no column 'town' (the frame has age, zip, gender)",
                     err(function() pv.k_anonymity(df, {'age', 'town'}, 2) end))
    assert.are.equal('k_anonymity: expected at least one quasi-identifier column', err(function() pv.k_anonymity(df, {}, 2) end))
    for _, bad in ipairs{0, 2.5, '2'} do
      assert.is_truthy(err(function() pv.k_anonymity(df, 'age', bad) end):find('k_anonymity: expected k, an integer >= 1', 1, true))
    end
  end)
end)

describe('generalisation', function()
  it('band labels integer bands 20-29 and lower bounds', function()
    local df = census()
    assert.are.same({'30-39', '30-39', '40-49', '30-39', '40-49', '20-29', '20-29', '40-49'},
                    values(pv.band(df, 'age', 10), 'age'))
    assert.are.same({'30+', '30+', '30+', '30+', '30+', '<25', '25-29', '30+'},
                    values(pv.band(df, 'age', {25, 30}), 'age'))
    local lower = pv.band(df, 'age', {25, 30}, {labels = 'lower'})
    assert.are.equal('float64', lower:dtypes().age)
    assert.are.same({30, 30, 30, 30, 30, -math.huge, 25, 30}, values(lower, 'age'))
    assert.are.same({'zip', 'gender'}, {df.columns[2], df.columns[3]}) -- the input is unchanged
    assert.are.equal(34, df:get(1, 'age'))
  end)

  it('band labels float bands [a, b) and keeps missing values', function()
    local df = Frame{x = {0.5, 2.5, 0 / 0, -1, 7.25}}
    assert.are.same({'[0, 2.5)', '[2.5, 5)', 'NA', '[-2.5, 0)', '[5, 7.5)'}, values(pv.band(df, 'x', 2.5), 'x'))
    assert.are.same({0, 2.5, 'NA', -2.5, 5}, values(pv.band(df, 'x', 2.5, {labels = 'lower'}), 'x'))
    assert.are.same({'[0, 2.5)', '2.5+', 'NA', '<0', '2.5+'}, values(pv.band(df, 'x', {0, 2.5}), 'x'))
  end)

  it('prefix masks all but the first n characters', function()
    local df = Frame{zip = {'12345', '1234', nil, 'ü2345', '12', n = 5}}
    assert.are.same({'123**', '123*', 'NA', 'ü23**', '12'}, values(pv.prefix(df, 'zip', 3), 'zip'))
    assert.are.same({'12###', '12##', 'NA', 'ü2###', '12'}, values(pv.prefix(df, 'zip', 2, {mask = '#'}), 'zip'))
    assert.are.same({'*****', '****', 'NA', '*****', '**'}, values(pv.prefix(df, 'zip', 0), 'zip'))
  end)

  it('raises k in a worked example', function()
    local df = census()
    local quasi = {'age', 'zip', 'gender'}
    assert.are.equal(1, pv.k_anonymity(df, quasi, 2).k)
    -- age bands of 20: 20-39 (rows 1, 2, 4, 6, 7), 40-59 (3, 5, 8); zips to '12***';
    -- groups: (20-39, F) 5 rows, (40-59, M) 3 rows -> k = 3
    local general = pv.prefix(pv.band(df, 'age', 20), 'zip', 2)
    local r = pv.k_anonymity(general, quasi, 3)
    assert.are.same({3, 2, 0}, {r.k, r.groups, r.groups_below_k})
  end)

  it('rejects bad input', function()
    local df = census()
    assert.are.equal("band: column 'zip' is string, expected numbers (int64 or float64)", err(function() pv.band(df, 'zip', 10) end))
    assert.are.equal('band: expected a band width > 0 (a finite number), got 0', err(function() pv.band(df, 'age', 0) end))
    assert.are.equal('band: edges must increase, but edge 2 (20) <= edge 1 (30)', err(function() pv.band(df, 'age', {30, 20}) end))
    assert.are.equal('band: expected a band width > 0 or a list of edges, got a table', err(function() pv.band(df, 'age', {}) end))
    assert.are.equal("band: column 'x' holds an infinite value", err(function() pv.band(Frame{x = {1, math.huge}}, 'x', 1) end))
    assert.are.equal("band: option labels must be 'range' or 'lower', got \"upper\"",
                     err(function() pv.band(df, 'age', 10, {labels = 'upper'}) end))
    assert.are.equal("band: no column 'ages' (the frame has age, zip, gender)", err(function() pv.band(df, 'ages', 10) end))
    assert.are.equal("prefix: column 'age' is int64, expected strings", err(function() pv.prefix(df, 'age', 2) end))
    assert.are.equal('prefix: expected a number of characters to keep >= 0, got -1', err(function() pv.prefix(df, 'zip', -1) end))
  end)
end)

describe('differential privacy', function()
  it('laplace draws by the inverse CDF from the seeded generator', function()
    mg.manual_seed(7)
    local p = mg.rand(3, {dtype = 'float64'}):totable()
    mg.manual_seed(7)
    local x = pv.laplace(3, 2):totable()
    for i = 1, 3 do
      local u = p[i] + 2 ^ -54 - 0.5 -- F^-1(p) = -b sign(p - 1/2) log(1 - 2|p - 1/2|)
      local expected = -2 * (u > 0 and 1 or u < 0 and -1 or 0) * math.log(1 - 2 * math.abs(u))
      assert.are.near(expected, x[i], 1e-12 * (1 + math.abs(expected)))
    end
  end)

  it('laplace has the Laplace distribution\'s scale: E|X| = b and E[X^2] = 2b^2', function()
    mg.manual_seed(11)
    local b, n = 3, 200000
    local x = pv.laplace(n, b)
    -- standard errors: E|X| b / sqrt(n) = 0.0067, E[X^2] sqrt(20) b^2 / sqrt(n) = 0.09
    assert.are.near(b, x:abs():mean():item(), 0.05 * b)
    assert.are.near(2 * b * b, (x * x):mean():item(), 0.05 * 2 * b * b)
    assert.are.near(0, x:mean():item(), 0.05 * b)
  end)

  it('keeps exact accounting and refuses to overspend', function()
    mg.manual_seed(3)
    local budget = pv.Budget(1)
    assert.are.same({1, 0, 1}, {budget.total, budget.spent, budget.remaining})
    assert.are.equal('number', type(budget:count(people(), 0.25)))
    budget:sum(mg.tensor{1, 2}, 0.5, {lower = 0, upper = 10})
    assert.are.same({0.75, 0.25}, {budget.spent, budget.remaining})
    local msg = err(function() budget:count(10, 0.5) end)
    assert.are.equal('Budget:count: the privacy budget would be exceeded (spent 0.75 of 1, remaining 0.25, requested 0.5)', msg)
    assert.are.same({0.75, 0.25}, {budget.spent, budget.remaining}) -- nothing spent
    budget:count(10, 0.25)                                           -- exactly the rest
    assert.are.same({1, 0}, {budget.spent, budget.remaining})
    assert.is_truthy(err(function() budget:sum(mg.tensor{1}, 1e-6, {0, 1}) end):find('Budget:sum: the privacy budget would be exceeded', 1, true))
    -- 0.1 + 0.2 exceeds 0.3 by rounding only
    local small = pv.Budget(0.3)
    small:count(1, 0.1)
    small:count(1, 0.2)
    assert.are.equal('Budget: epsilon 0.3 spent of 0.3 (0 remaining)', tostring(small))
  end)

  it('adds count noise of scale 1 / epsilon', function()
    mg.manual_seed(5)
    local budget, eps, n = pv.Budget(1e9), 0.5, 20000
    local total = 0
    for _ = 1, n do total = total + math.abs(budget:count(100, eps) - 100) end
    -- E|noise| = 1 / eps = 2, standard error 2 / sqrt(n) = 0.014
    assert.are.near(2, total / n, 0.1)
    assert.are.near(n * eps, budget.spent, 1e-6)
  end)

  it('clamps sums and adds noise of scale max(|lower|, |upper|) / epsilon', function()
    local values = mg.tensor{-50, 5, 20, 1e6}
    -- clamped to [-10, 100]: -10 + 5 + 20 + 100 = 115; sensitivity 100
    mg.manual_seed(9)
    local noise = pv.laplace(1, 100 / 0.5):item()
    mg.manual_seed(9)
    local budget = pv.Budget(10)
    assert.are.near(115 + noise, budget:sum(values, 0.5, {lower = -10, upper = 100}), 1e-9)
    mg.manual_seed(9)
    noise = pv.laplace(1, 40 / 2):item()
    mg.manual_seed(9)
    assert.are.near(-40 + 5 + 20 + 20 + noise, budget:sum(values:to('int64'), 2, {-40, 20}), 1e-9)
    -- many draws: E|noise| = sensitivity / epsilon = 100 / 0.5
    mg.manual_seed(13)
    local total, n = 0, 4000
    local big = pv.Budget(1e9)
    for _ = 1, n do total = total + math.abs(big:sum(values, 0.5, {-10, 100}) - 115) end
    assert.are.near(200, total / n, 0.1 * 200) -- standard error 200 / sqrt(n) = 3.2
  end)

  it('rejects bad input', function()
    local budget = pv.Budget(1)
    for _, bad in ipairs{0, -1, 0 / 0, math.huge, 'one'} do
      assert.is_truthy(err(function() pv.Budget(bad) end):find('Budget: expected a total epsilon > 0', 1, true))
      assert.is_truthy(err(function() budget:count(3, bad) end):find('Budget:count: expected epsilon > 0', 1, true))
    end
    assert.are.equal('Budget:count: expected a Frame or a count >= 0, got -1', err(function() budget:count(-1, 0.1) end))
    assert.are.equal('Budget:count: expected a Frame or a count >= 0, got 1.5', err(function() budget:count(1.5, 0.1) end))
    assert.are.equal('Budget:count: expected a Budget (call it as budget:count(...))', err(function() budget.count(5, 0.1) end))
    assert.are.equal('Budget:sum: expected a tensor of numbers, got a table', err(function() budget:sum({1, 2}, 0.1, {0, 1}) end))
    assert.are.equal('Budget:sum: expected a tensor of numbers, got a bool tensor of shape {1}',
                     err(function() budget:sum(mg.tensor({true}, {dtype = 'bool'}), 0.1, {0, 1}) end))
    assert.are.equal('Budget:sum: expected lower < upper, got 5 and 5', err(function() budget:sum(mg.tensor{1}, 0.1, {5, 5}) end))
    assert.are.equal('Budget:sum: expected finite bounds {lower = a, upper = b}, got 0 and nil',
                     err(function() budget:sum(mg.tensor{1}, 0.1, {lower = 0}) end))
    assert.are.equal('Budget:sum: the values hold NaN', err(function() budget:sum(mg.tensor{1, 0 / 0}, 0.1, {0, 1}) end))
    assert.are.equal('laplace: expected a number of draws >= 0, got -3', err(function() pv.laplace(-3, 1) end))
    assert.are.same({0, 1}, {budget.spent, budget.remaining}) -- nothing was spent
  end)
end)
