-- Documentation of moongrad's privacy area, shown by help(); format in moongrad/help.lua.
local P = 'mg.privacy.'

-- A small table of people that the examples share.
local PEOPLE = [[
local df = mg.data.Frame({email = {'ann@x.org', 'bob@x.org', 'cy@x.org', 'di@x.org'},
                          age = {34, 27, 45, 38}, zip = {'12345', '12399', '12011', '12345'}},
                         {columns = {'email', 'age', 'zip'}})
]]

return {title = 'Privacy (mg.privacy): pseudonyms, k-anonymity, differential privacy', entries = {

  {name = 'mg.privacy', sig = 'mg.privacy',
   desc = [[
Tools for working with personal data in Frames. Pseudonyms: keyed HMAC-SHA256 hashes of
identifiers (pseudonymize, new_key). Column roles: a Policy names the direct identifiers
(dropped or pseudonymised before anything else sees them) and the quasi-identifiers. Re-
identification risk: k_anonymity reports the groups of rows that share their
quasi-identifiers, and band and prefix generalise columns to make those groups larger.
Differential privacy: a Budget answers counts and sums with Laplace noise and refuses to
spend more than its epsilon. Every function returns a new Frame; none changes its input.]],
   example = PEOPLE .. [[
local policy = mg.privacy.Policy{direct = {'email'}, quasi = {'age', 'zip'}}
local safe = mg.privacy.band(policy:apply(df), 'age', 20)
print(mg.privacy.k_anonymity(safe, policy.quasi, 2))]]},

  -- ---- pseudonyms ---------------------------------------------------------------------

  {name = P .. 'new_key', sig = P .. 'new_key() -> string',
   desc = [[
32 random bytes from the operating system's secure generator (libsodium's randombytes_buf),
as a Lua string: a key for pseudonymize. Whoever holds the key can recompute the pseudonym
of any guessed value, so store it apart from the data (or throw it away when pseudonyms
need not be stable across runs).]],
   example = [[
local key = mg.privacy.new_key()
print(#key)                                   -- 32]]},

  {name = P .. 'pseudonymize', sig = P .. 'pseudonymize(df, columns, key [, {prefix = \'\', length = 16}]) -> Frame',
   desc = [[
A new Frame in which each of columns (a name or a list) is a string column of pseudonyms:
prefix followed by the first length (1 to 64) lowercase hex digits of HMAC-SHA256(key,
value's text). The same value under the same key always gives the same pseudonym, so
joins and group counts still work; without the key a pseudonym cannot be reversed or
recomputed. key is a string of at least 32 bytes (mg.privacy.new_key()). Missing values
stay missing. The text hashed is a string's bytes, an integer in decimal, true/false, a
float in the fewest digits that read back to it (as Python's repr), except that integral
floats below 1e16 are written as integers, so 30.0 and 30 share a pseudonym.
Collisions: length hex digits keep 4 * length bits; among n distinct values the chance
that two share a pseudonym is about n^2 / 2^(4 * length + 1): for the default 16 digits
(64 bits), 3e-8 for a million values, 0.03% for a hundred million and 3% for a
billion; use a longer length
for more. The hashing runs in C (libsodium), over the rows split across threads.]],
   example = PEOPLE .. [[
local key = ('k'):rep(32)                     -- use mg.privacy.new_key() for real data
print(mg.privacy.pseudonymize(df, 'email', key, {prefix = 'u_', length = 8}))]]},

  -- ---- column roles -------------------------------------------------------------------

  {name = P .. 'Policy',
   sig = P .. "Policy{direct = {names...}, quasi = {names...}, key, direct_action = 'drop'}",
   desc = [[
The roles of a table's columns. direct: identifiers on their own (email, name, phone);
quasi: values that identify in combination (age, zip code, gender), checked with
k_anonymity. direct_action 'drop' (the default) removes the direct identifiers;
'pseudonymize' replaces them with pseudonyms under key (required then, at least 32 bytes).
A column may not be both. The fields direct, quasi and direct_action can be read back.]],
   example = [[
local policy = mg.privacy.Policy{direct = {'email'}, quasi = {'age', 'zip'},
                                 key = mg.privacy.new_key(), direct_action = 'pseudonymize'}
print(policy)]]},

  {name = P .. 'Policy:apply', sig = 'policy:apply(df) -> Frame',
   desc = [[
A new Frame with the direct identifiers dropped or pseudonymised (16 hex digits). Every
column the policy names, direct or quasi, must exist in df: the error names all that do not,
so that a renamed column cannot slip through unprotected.]],
   example = PEOPLE .. [[
print(mg.privacy.Policy{direct = {'email'}, quasi = {'age'}}:apply(df))   -- no email column]]},

  {name = P .. 'Policy:k_anonymity', sig = 'policy:k_anonymity(df, k) -> report',
   desc = [[mg.privacy.k_anonymity(df, policy.quasi, k).]],
   example = PEOPLE .. [[
print(mg.privacy.Policy{quasi = {'zip'}}:k_anonymity(df, 2).k)            -- 1]]},

  -- ---- k-anonymity and generalisation -------------------------------------------------

  {name = P .. 'k_anonymity', sig = P .. 'k_anonymity(df, quasi_columns, k) -> report',
   desc = [[
Groups the rows by the quasi-identifier columns (missing values form groups of their own)
and reports how identifiable they are: report.k, the smallest group's size (the table is
k-anonymous for that k; 0 for a frame with no rows); report.groups, the number of groups;
report.groups_below_k and report.rows_below_k, the groups smaller than the target k and
their rows; report.smallest, a Frame of those groups (their quasi-identifiers and a column
size, smallest first); report.target and report.quasi, the arguments; report.rows, the
frame's rows. print(report) shows it all. The grouping is the Frame's hash groupby, in C.]],
   example = PEOPLE .. [[
local r = mg.privacy.k_anonymity(df, {'zip'}, 2)
print(r.k, r.groups, r.rows_below_k)          -- 1  3  2
print(r)]]},

  {name = P .. 'band', sig = P .. "band(df, column, width or {edges...} [, {labels = 'range'}]) -> Frame",
   desc = [[
Generalises a numeric column into bands. With a width w, the band of x starts at
floor(x / w) * w; with increasing edges e1 < e2 < ... < em, bands are [e_i, e_i+1), plus
one below e1 and one from em up. labels = 'range' (the default) makes the column strings:
'20-29' for an int64 column with integral widths or edges (the band's first and last
integers), '[2.5, 5)' otherwise, '<18' below the first edge and '65+' from the last.
labels = 'lower' makes it float64 lower bounds instead (20, 2.5; -inf below the first
edge). Missing values stay missing (a column with no values comes back as it was);
infinite values are an error with a width. x / w is rounded as floats are, so a width that
is not a binary fraction (0.1) can put a value on a band's edge into the band below. Each
distinct band is labelled once and joined back to the rows.]],
   example = PEOPLE .. [[
print(mg.privacy.band(df, 'age', 10))                       -- 30-39 20-29 40-49 30-39
print(mg.privacy.band(df, 'age', {30, 40}):values('age')[2])   -- <30]]},

  {name = P .. 'prefix', sig = P .. "prefix(df, column, n [, {mask = '*'}]) -> Frame",
   desc = [[
Generalises a string column by keeping the first n characters of each value (UTF-8
characters; bytes where a value is not UTF-8) and replacing each of the others with mask:
zip '12345' with n = 3 becomes '123**'. Values of n characters or fewer are kept whole;
missing values stay missing. Each distinct value is masked once and joined back.]],
   example = PEOPLE .. [[
print(mg.privacy.prefix(df, 'zip', 3):values('zip')[3])   -- 120**]]},

  -- ---- differential privacy -----------------------------------------------------------

  {name = P .. 'laplace', sig = P .. 'laplace(n, scale) -> float64 tensor {n}',
   desc = [[
n draws of the Laplace distribution with mean 0 and the given scale b (density
exp(-|x| / b) / 2b, mean |x| = b, variance 2b^2): the inverse CDF -b sign(u) log(1 - 2|u|)
of u uniform on (-1/2, 1/2), drawn from the generator mg.manual_seed seeds, so results
repeat for a seed.]],
   example = [[
mg.manual_seed(0)
print(mg.privacy.laplace(100000, 2):abs():mean():item())   -- close to 2]]},

  {name = P .. 'Budget', sig = P .. 'Budget(epsilon_total)',
   desc = [[
A differential-privacy budget of epsilon_total (> 0): each query answered through it
spends its epsilon (sequential composition), and a query that would take the spending past
the total is refused with an error that gives the spent, remaining and requested epsilon,
spending nothing. budget.spent, budget.remaining and budget.total can be read. Sums of
epsilons carry rounding, so a query over the total by less than 1e-9 of it is allowed.]],
   example = [[
local b = mg.privacy.Budget(1.0)
b:count(120, 0.4)
print(b.spent, b.remaining)                   -- 0.4  0.6]]},

  {name = P .. 'Budget:count', sig = 'budget:count(df or n, epsilon) -> number',
   desc = [[
The number of rows of a Frame (or the count n) plus Laplace noise of scale 1 / epsilon (a
count's sensitivity is 1: one person changes it by at most 1), spending epsilon. The
answer is a float and may be negative; round or clamp it as the use needs (that costs no
privacy).]],
   example = [[
mg.manual_seed(1)
local b = mg.privacy.Budget(1.0)
print(b:count(1000, 0.5))                     -- 1000 give or take a few]]},

  {name = P .. 'Budget:sum', sig = 'budget:sum(values, epsilon, {lower = a, upper = b}) -> number',
   desc = [[
The sum of a tensor's values, each clamped to [lower, upper] first, plus Laplace noise of
scale max(|lower|, |upper|) / epsilon (one person changes the clamped sum by at most that),
spending epsilon. The bounds may also be given as {a, b}; they must be finite with lower <
upper, and must not be chosen from the data (that would leak it). NaN values are an error.]],
   example = [[
mg.manual_seed(2)
local b = mg.privacy.Budget(1.0)
print(b:sum(mg.tensor{20, 35, 50, 1e6}, 0.5, {lower = 0, upper = 100}))   -- about 205]]},
}}
