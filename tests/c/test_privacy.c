/* Tests of keyed pseudonyms: HMAC-SHA256 against the test cases of RFC 4231 (section 4),
 * and mg_frame_pseudonymize against digests recorded with Python's hmac module
 * (hmac.new(key, text, hashlib.sha256).hexdigest()) on each value's canonical text. */
#include "frame_helpers.h"

/* The hex text of a digest (a static buffer). */
static const char *hex_of(const uint8_t *d) {
  static char buf[2 * MG_HMAC_SHA256_BYTES + 1];
  for (int k = 0; k < MG_HMAC_SHA256_BYTES; k++) snprintf(buf + 2 * k, 3, "%02x", d[k]);
  return buf;
}

static const char *hmac_hex(const uint8_t *key, size_t keylen, const void *msg, size_t len) {
  uint8_t d[MG_HMAC_SHA256_BYTES];
  mg_hmac_sha256(key, keylen, msg, len, d);
  return hex_of(d);
}

static void test_rfc4231(void **state) {
  uint8_t key[131], data[50];
  memset(key, 0x0b, 20); /* test case 1 */
  assert_string_equal(hmac_hex(key, 20, "Hi There", 8),
                      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  const char *jefe = "what do ya want for nothing?"; /* test case 2: a key shorter than the block */
  assert_string_equal(hmac_hex((const uint8_t *)"Jefe", 4, jefe, strlen(jefe)),
                      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  memset(key, 0xaa, 20); /* test case 3 */
  memset(data, 0xdd, 50);
  assert_string_equal(hmac_hex(key, 20, data, 50),
                      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  for (int k = 0; k < 25; k++) key[k] = (uint8_t)(k + 1); /* test case 4 */
  memset(data, 0xcd, 50);
  assert_string_equal(hmac_hex(key, 25, data, 50),
                      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  memset(key, 0xaa, 131); /* test cases 6 and 7: a key longer than the block is hashed first */
  const char *tc6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  assert_string_equal(hmac_hex(key, 131, tc6, strlen(tc6)),
                      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  const char *tc7 = "This is a test using a larger than block-size key and a larger than block-size "
                    "data. The key needs to be hashed before being used by the HMAC algorithm.";
  assert_string_equal(hmac_hex(key, 131, tc7, strlen(tc7)),
                      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void test_pseudonymize_values(void **state) {
  uint8_t key[131];
  memset(key, 0xaa, sizeof key); /* RFC 4231's long key */
  mg_frame *f = mg_frame_new();
  const char *s[] = {"Test Using Larger Than Block-Size Key - Hash Key First", NULL, "", "alice@example.com"};
  const size_t len[] = {54, 0, 0, 17};
  assert_int_equal(mg_frame_set_string(f, "s", 4, s, len), 0);
  const int64_t i[] = {30, 0, 30, 7};
  const bool ivalid[] = {true, true, true, false};
  assert_int_equal(mg_frame_set_int64(f, "i", 4, i, ivalid), 0);
  /* canonical texts "30", "0.1", "0", "1e+16"; NaN is missing */
  const double x[] = {30.0, 0.1, -0.0, 1e16};
  assert_int_equal(mg_frame_set_float64(f, "x", 4, x, NULL), 0);
  const double y[] = {-2.5, NAN, 0, 0};
  assert_int_equal(mg_frame_set_float64(f, "y", 4, y, NULL), 0);
  const bool b[] = {true, true, false, true};
  assert_int_equal(mg_frame_set_bool(f, "b", 4, b, NULL), 0);

  mg_frame *p = mg_frame_pseudonymize(f, 4, (const int[]){0, 1, 2, 4}, key, sizeof key, "u_", 16);
  if (!p) fail_msg("pseudonymize: %s", mg_last_error());
  assert_string_equal(names_text(p), "s i x y b");
  assert_string_equal(types_text(p), "string string string float64 string");
  /* Python: 60e431591ee0b67f (RFC 4231 case 6), 44b545def5b97eb7 (""), faf6abc6a12fc7ef */
  assert_string_equal(column_text(p, "s"), "u_60e431591ee0b67f|NA|u_44b545def5b97eb7|u_faf6abc6a12fc7ef");
  /* "30" -> 8030901431c93450, "0" -> 9294d9983da690b4 */
  assert_string_equal(column_text(p, "i"), "u_8030901431c93450|u_9294d9983da690b4|u_8030901431c93450|NA");
  /* 30.0 hashes as the integer 30; "0.1" -> 60584cdaf56161fa, "1e+16" -> 10b223dc94fe0daf */
  assert_string_equal(column_text(p, "x"),
                      "u_8030901431c93450|u_60584cdaf56161fa|u_9294d9983da690b4|u_10b223dc94fe0daf");
  assert_string_equal(column_text(p, "y"), "-2.5|NA|0|0"); /* not listed: unchanged */
  /* "true" -> b212b22e79e53f5d, "false" -> 76cce8de5783c039 */
  assert_string_equal(column_text(p, "b"),
                      "u_b212b22e79e53f5d|u_b212b22e79e53f5d|u_76cce8de5783c039|u_b212b22e79e53f5d");
  mg_frame_free(p);

  /* the whole digest, no prefix; "-2.5" -> dba2e261... */
  p = mg_frame_pseudonymize(f, 1, (const int[]){3}, key, sizeof key, NULL, 64);
  if (!p) fail_msg("pseudonymize: %s", mg_last_error());
  assert_string_equal(column_text(p, "y"),
                      "dba2e2612bb2a6555c8012339f3cdd9e1bfb4cb0e2a8a09c6b8b309b2186c4f2|NA|"
                      "9294d9983da690b4af26b6d269f7bfb8962603e324ea73b6fb7b1e9c83b9f2ce|"
                      "9294d9983da690b4af26b6d269f7bfb8962603e324ea73b6fb7b1e9c83b9f2ce");
  mg_frame_free(p);
  mg_frame_free(f);
}

static void test_pseudonymize_errors(void **state) {
  uint8_t key[32] = {0};
  mg_frame *f = csv("a,b\n1,x\n2,y\n");
  assert_null(mg_frame_pseudonymize(f, 1, (const int[]){0}, key, 31, NULL, 16));
  expect_error("pseudonymize: the key must have at least 32 bytes, got 31");
  assert_null(mg_frame_pseudonymize(f, 1, (const int[]){0}, key, 32, NULL, 0));
  expect_error("pseudonymize: the length must be 1 to 64 hex digits, got 0");
  assert_null(mg_frame_pseudonymize(f, 1, (const int[]){0}, key, 32, NULL, 65));
  expect_error("pseudonymize: the length must be 1 to 64 hex digits, got 65");
  assert_null(mg_frame_pseudonymize(f, 1, (const int[]){2}, key, 32, NULL, 16));
  expect_error("pseudonymize: column 3 out of range (the frame has 2)");
  assert_string_equal(column_text(f, "a"), "1|2"); /* unchanged */
  mg_frame_free(f);
}

static void test_random_bytes(void **state) {
  uint8_t a[32] = {0}, b[32] = {0};
  assert_int_equal(mg_random_bytes(a, sizeof a), 0);
  assert_int_equal(mg_random_bytes(b, sizeof b), 0);
  /* two 256-bit draws are equal with probability 2^-256 */
  assert_memory_not_equal(a, b, sizeof a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc4231), cmocka_unit_test(test_pseudonymize_values),
      cmocka_unit_test(test_pseudonymize_errors), cmocka_unit_test(test_random_bytes)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
