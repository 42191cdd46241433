/* Frames inside core, shared by frame.c and csv.c: string dictionaries and columns. */
#ifndef MG_FRAME_H
#define MG_FRAME_H

#include "internal.h"

/* The distinct strings of a column: code k (0-based) is the k-th string interned. Only
 * appended to; shared by every column made from one, so a dictionary that is shared
 * (refcount > 1) must be cloned before it grows. */
typedef struct mg_dict {
  int refcount;
  int32_t count, cap;
  size_t *start;  /* cap + 1 entries: string k is bytes[start[k], start[k + 1]) */
  uint64_t *hash; /* of each string (mg_hash_bytes) */
  char *bytes;
  size_t bytes_cap;
  int32_t *slots; /* open addressing: a code, or -1 */
  size_t nslots;  /* a power of two, more than twice count */
} mg_dict;

mg_dict *mg_dict_new(void);
mg_dict *mg_dict_clone(const mg_dict *d);
void mg_dict_release(mg_dict *d);
/* The code of len bytes at s, added when new; -1 when out of memory (error set). */
int32_t mg_dict_intern(mg_dict *d, const char *s, size_t len);
uint64_t mg_hash_bytes(const char *s, size_t len);

static inline const char *mg_dict_str(const mg_dict *d, int32_t code, size_t *len) {
  *len = d->start[code + 1] - d->start[code];
  return d->bytes + d->start[code];
}

/* malloc for large arrays: where the kernel has transparent huge pages on request, asks
 * for them, so that first writing the array costs far fewer page faults. */
void *mg_big_malloc(size_t n);

/* An immutable column of n values: double, int64_t, uint8_t (bool) or int32_t codes into
 * dict (strings). valid is NULL when no value is missing, else one byte per row (1:
 * present); a missing row holds NaN, 0, 0 or the code -1. */
typedef struct mg_column {
  int refcount;
  mg_coltype type;
  int64_t n;
  void *data;
  uint8_t *valid;
  mg_dict *dict;
} mg_column;

/* A column over arrays the caller allocated with malloc (dict: a reference); it owns them
 * from then on, also when it fails (NULL, error set). Missing rows get their canonical
 * value, and a mask without a missing row is dropped. */
mg_column *mg_column_adopt(mg_coltype type, int64_t n, void *data, uint8_t *valid, mg_dict *dict);
void mg_column_release(mg_column *c);
/* Puts c (the frame takes the caller's reference, also on failure) under name: replaces
 * a column of that name or appends one. what names the operation in errors. */
int mg_frame_put(mg_frame *f, const char *what, const char *name, mg_column *c);

#endif
