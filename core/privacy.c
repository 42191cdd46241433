/* Privacy: keyed pseudonyms (HMAC-SHA256 from libsodium) for the columns of a frame, and
 * random keys. The hashing runs over the rows split across the thread pool; the hex
 * pseudonyms are then interned into the new column's string dictionary in row order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "frame.h"

/* libsodium must be initialised once before randombytes_buf; sodium_init is safe to call
 * again and from several threads. */
static int ready(const char *what) {
  if (sodium_init() < 0) return mg_fail("%s: libsodium could not be initialised", what);
  return 0;
}

void mg_hmac_sha256(const uint8_t *key, size_t keylen, const void *msg, size_t len,
                    uint8_t out[MG_HMAC_SHA256_BYTES]) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key, keylen);
  crypto_auth_hmacsha256_update(&st, msg, len);
  crypto_auth_hmacsha256_final(&st, out);
}

int mg_random_bytes(uint8_t *out, size_t n) {
  if (ready("new_key")) return -1;
  randombytes_buf(out, n);
  return 0;
}

/* The canonical text of a present cell into buf (at least 32 bytes); returns its bytes,
 * which are buf's or the string's own. Integral floats below 1e16 print as integers, so
 * that 30.0 and 30 give one pseudonym; other floats print in the fewest digits that read
 * back to the same double (as Python's repr). */
static const char *canonical_text(const mg_cell *c, char *buf, size_t *len) {
  int n = 0;
  switch (c->type) {
  case MG_COL_STRING: *len = c->len; return c->s;
  case MG_COL_INT64: n = snprintf(buf, 32, "%lld", (long long)c->i); break;
  case MG_COL_BOOL: n = snprintf(buf, 32, "%s", c->b ? "true" : "false"); break;
  default:
    if (c->f == 0) n = snprintf(buf, 32, "0"); /* -0.0 as 0.0 */
    else if (isinf(c->f)) n = snprintf(buf, 32, "%s", c->f > 0 ? "inf" : "-inf");
    else if (fabs(c->f) < 1e16 && c->f == trunc(c->f)) n = snprintf(buf, 32, "%.0f", c->f);
    else
      for (int digits = 1; digits <= 17; digits++) {
        n = snprintf(buf, 32, "%.*g", digits, c->f);
        if (strtod(buf, NULL) == c->f) break;
      }
  }
  *len = (size_t)n;
  return buf;
}

typedef struct {
  const mg_frame *f;
  int col;
  const crypto_auth_hmacsha256_state *keyed; /* the key already absorbed */
  uint8_t *digests;                          /* 32 bytes per row */
} hash_job;

static void hash_rows(void *ctx, int64_t begin, int64_t end) {
  const hash_job *job = ctx;
  char buf[32];
  mg_cell cell;
  for (int64_t r = begin; r < end; r++) {
    mg_frame_get(job->f, job->col, r, &cell);
    if (!cell.valid) continue;
    size_t len;
    const char *text = canonical_text(&cell, buf, &len);
    crypto_auth_hmacsha256_state st = *job->keyed;
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, len);
    crypto_auth_hmacsha256_final(&st, job->digests + 32 * r);
  }
}

/* Column col of f as pseudonyms: prefix then hexlen hex digits of each value's HMAC. */
static mg_column *pseudonym_column(const mg_frame *f, int col, const crypto_auth_hmacsha256_state *keyed,
                                   const char *prefix, int hexlen) {
  static const char hex[] = "0123456789abcdef";
  int64_t n = mg_frame_nrows(f);
  size_t plen = strlen(prefix);
  uint8_t *digests = mg_big_malloc((size_t)n * 32 + 1);
  int32_t *codes = mg_big_malloc((size_t)n * sizeof *codes + 1);
  uint8_t *valid = malloc((size_t)n + 1);
  char *text = malloc(plen + MG_HMAC_SHA256_BYTES * 2 + 1);
  mg_dict *dict = mg_dict_new();
  if (!digests || !codes || !valid || !text || !dict) {
    free(digests), free(codes), free(valid), free(text), mg_dict_release(dict);
    return mg_fail_null("pseudonymize: out of memory");
  }
  hash_job job = {f, col, keyed, digests};
  mg_parallel_for(n, 2048, hash_rows, &job);
  memcpy(text, prefix, plen);
  mg_cell cell;
  for (int64_t r = 0; r < n; r++) {
    mg_frame_get(f, col, r, &cell);
    valid[r] = cell.valid;
    codes[r] = -1;
    if (!cell.valid) continue;
    for (int k = 0; k < hexlen; k++) {
      uint8_t byte = digests[32 * r + k / 2];
      text[plen + k] = hex[k % 2 ? byte & 15 : byte >> 4];
    }
    if ((codes[r] = mg_dict_intern(dict, text, plen + (size_t)hexlen)) < 0) {
      free(digests), free(codes), free(valid), free(text), mg_dict_release(dict);
      return NULL;
    }
  }
  free(digests);
  free(text);
  return mg_column_adopt(MG_COL_STRING, n, codes, valid, dict);
}

mg_frame *mg_frame_pseudonymize(const mg_frame *f, int n, const int *cols, const uint8_t *key,
                                size_t keylen, const char *prefix, int hexlen) {
  if (keylen < MG_PSEUDONYM_MIN_KEY)
    return mg_fail_null("pseudonymize: the key must have at least %d bytes, got %zu",
                        MG_PSEUDONYM_MIN_KEY, keylen);
  if (hexlen < 1 || hexlen > 2 * MG_HMAC_SHA256_BYTES)
    return mg_fail_null("pseudonymize: the length must be 1 to %d hex digits, got %d",
                        2 * MG_HMAC_SHA256_BYTES, hexlen);
  for (int k = 0; k < n; k++)
    if (cols[k] < 0 || cols[k] >= mg_frame_ncols(f))
      return mg_fail_null("pseudonymize: column %d out of range (the frame has %d)", cols[k] + 1,
                          mg_frame_ncols(f));
  if (ready("pseudonymize")) return NULL;
  crypto_auth_hmacsha256_state keyed;
  crypto_auth_hmacsha256_init(&keyed, key, keylen);
  mg_frame *out = mg_frame_copy(f);
  for (int k = 0; out && k < n; k++) {
    mg_column *c = pseudonym_column(f, cols[k], &keyed, prefix ? prefix : "", hexlen);
    if (mg_frame_put(out, "pseudonymize", mg_frame_name(f, cols[k]), c)) {
      mg_frame_free(out);
      out = NULL;
    }
  }
  sodium_memzero(&keyed, sizeof keyed);
  return out;
}
