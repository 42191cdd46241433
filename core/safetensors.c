/* Saving and loading named tensors in the safetensors format
 * (https://github.com/huggingface/safetensors), which PyTorch, JAX and NumPy read:
 *
 *   8 bytes   N, the header's length, a little-endian unsigned 64-bit integer
 *   N bytes   the header: UTF-8 JSON, padded with spaces to a multiple of 8 bytes
 *             {"__metadata__": {"key": "value", ...},
 *              "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 *   the rest  the data: each tensor's elements, little-endian and row-major, at [begin, end)
 *             counted from the start of the data; the tensors fill it without gaps.
 *
 * Writing goes to path.tmp, renamed over path only once everything is on disk, so a failed
 * save never leaves a half-written file at path. Reading checks the whole header (lengths,
 * JSON, dtypes, shapes, that the offsets match the shapes and tile the data exactly) before
 * it allocates a tensor, and allocates no more than the file holds. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c copies tensor bytes as they are in memory: it needs a little-endian machine"
#endif

/* The reference reader refuses longer headers; it also keeps a corrupt length from making
 * us allocate gigabytes before reading a byte of JSON. */
#define MAX_HEADER_BYTES 100000000
#define METADATA_KEY "__metadata__"
#define MAX_EXACT_INTEGER 9007199254740992.0 /* 2^53: JSON numbers are doubles in cJSON */

static const struct {
  mg_dtype dtype;
  const char *name;
} format_dtypes[] = {{MG_FLOAT32, "F32"}, {MG_FLOAT64, "F64"}, {MG_INT64, "I64"}, {MG_BOOL, "BOOL"}};
_Static_assert(MG_NUM_DTYPES == sizeof format_dtypes / sizeof format_dtypes[0],
               "every dtype needs its safetensors name");

static const char *format_dtype_name(mg_dtype dtype) {
  for (size_t i = 0; i < sizeof format_dtypes / sizeof format_dtypes[0]; i++)
    if (format_dtypes[i].dtype == dtype) return format_dtypes[i].name;
  return NULL;
}

static bool format_dtype_from_name(const char *name, mg_dtype *out) {
  for (size_t i = 0; i < sizeof format_dtypes / sizeof format_dtypes[0]; i++)
    if (strcmp(format_dtypes[i].name, name) == 0) {
      *out = format_dtypes[i].dtype;
      return true;
    }
  return false;
}

/* The header must be UTF-8 for other readers (Rust's serde) to accept it. */
static bool valid_text(const char *s) { return mg_valid_utf8(s, strlen(s)); }

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first name given twice among names[0..n), or NULL (sorts a copy of the pointers). */
static const char *find_duplicate(int n, const char *const *names, bool *out_of_memory) {
  *out_of_memory = false;
  if (n < 2) return NULL;
  const char **sorted = malloc((size_t)n * sizeof *sorted);
  if (!sorted) {
    *out_of_memory = true;
    return NULL;
  }
  memcpy(sorted, names, (size_t)n * sizeof *sorted);
  qsort(sorted, (size_t)n, sizeof *sorted, compare_strings);
  const char *dup = NULL;
  for (int i = 1; i < n && !dup; i++)
    if (strcmp(sorted[i - 1], sorted[i]) == 0) dup = sorted[i];
  free(sorted);
  return dup;
}

/* ---- writing ---------------------------------------------------------------------------- */

typedef struct {
  int index;
  size_t elsize;
} slot;

/* Largest elements first, then in the order given: with the header a multiple of 8 bytes,
 * every tensor then starts at a multiple of its element size in the file, as the reference
 * writer arranges, so that readers may map the data without copying it. */
static int by_element_size(const void *a, const void *b) {
  const slot *x = a, *y = b;
  if (x->elsize != y->elsize) return x->elsize > y->elsize ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

/* Adds item (which may be NULL: a failed allocation) to an object or array; false when it
 * could not, having freed item. */
static bool add_member(cJSON *object, const char *key, cJSON *item) {
  if (item && cJSON_AddItemToObject(object, key, item)) return true;
  cJSON_Delete(item);
  return false;
}

static bool add_element(cJSON *array, cJSON *item) {
  if (item && cJSON_AddItemToArray(array, item)) return true;
  cJSON_Delete(item);
  return false;
}

/* {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}, or NULL (out of memory). */
static cJSON *tensor_entry(const mg_tensor *t, uint64_t begin, uint64_t end) {
  cJSON *entry = cJSON_CreateObject(), *shape = NULL, *offsets = NULL;
  bool ok = entry && cJSON_AddStringToObject(entry, "dtype", format_dtype_name(t->dtype)) &&
            (shape = cJSON_AddArrayToObject(entry, "shape")) &&
            (offsets = cJSON_AddArrayToObject(entry, "data_offsets"));
  for (int d = 0; ok && d < t->ndim; d++) ok = add_element(shape, cJSON_CreateNumber((double)t->size[d]));
  ok = ok && add_element(offsets, cJSON_CreateNumber((double)begin)) &&
       add_element(offsets, cJSON_CreateNumber((double)end));
  if (ok) return entry;
  cJSON_Delete(entry);
  return NULL;
}

/* The header JSON, unpadded (malloc'd), for the tensors in the order of slots. */
static char *header_json(int n, const char *const *names, const mg_tensor *const *tensors,
                         const slot *slots, int nmeta, const char *const *meta_keys,
                         const char *const *meta_values) {
  cJSON *root = cJSON_CreateObject(), *meta = NULL;
  bool ok = root && (nmeta == 0 || (meta = cJSON_AddObjectToObject(root, METADATA_KEY)));
  for (int i = 0; ok && i < nmeta; i++) ok = cJSON_AddStringToObject(meta, meta_keys[i], meta_values[i]);
  uint64_t begin = 0;
  for (int k = 0; ok && k < n; k++) {
    const mg_tensor *t = tensors[slots[k].index];
    uint64_t end = begin + (uint64_t)mg_numel(t) * slots[k].elsize;
    ok = add_member(root, names[slots[k].index], tensor_entry(t, begin, end));
    begin = end;
  }
  char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
  cJSON_Delete(root);
  return text;
}

static void put_u64_le(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* Writes one tensor's elements in row-major order (a non-contiguous tensor through a
 * contiguous copy). */
static int write_tensor(FILE *f, const mg_tensor *t) {
  size_t nbytes = (size_t)mg_numel(t) * mg_dtype_size(t->dtype);
  if (nbytes == 0) return 0;
  mg_tensor *copy = NULL;
  if (!mg_is_contiguous(t)) {
    copy = mg_copy_as("save", t, t->dtype);
    if (!copy) return -1;
    t = copy;
  }
  int rc = fwrite(mg_data(t), 1, nbytes, f) == nbytes ? 0 : -1;
  if (rc) mg_fail("%s", strerror(errno));
  mg_release(copy);
  return rc;
}

/* Writes the file to tmp; on failure the message (without prefix) is in mg_last_error(). */
static int write_file(const char *tmp, const char *header, size_t header_len, size_t padded_len,
                      int n, const mg_tensor *const *tensors, const slot *slots) {
  FILE *f = fopen(tmp, "wb");
  if (!f) return mg_fail("cannot create %s (%s)", tmp, strerror(errno));
  unsigned char length[8];
  put_u64_le(length, padded_len);
  int rc = 0;
  if (fwrite(length, 1, 8, f) != 8 || fwrite(header, 1, header_len, f) != header_len) rc = -1;
  for (size_t i = header_len; rc == 0 && i < padded_len; i++)
    if (fputc(' ', f) == EOF) rc = -1;
  if (rc) mg_fail("%s", strerror(errno));
  for (int k = 0; rc == 0 && k < n; k++) rc = write_tensor(f, tensors[slots[k].index]);
  /* The data must be on disk before the rename makes it the file at path. */
  if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0)) rc = mg_fail("%s", strerror(errno));
  if (fclose(f) != 0 && rc == 0) rc = mg_fail("%s", strerror(errno));
  return rc;
}

/* Checks the arguments of mg_safetensors_save; the message names path. */
static int check_save_arguments(const char *path, int n, const char *const *names,
                                const mg_tensor *const *tensors, int nmeta,
                                const char *const *meta_keys, const char *const *meta_values) {
  if (n < 0 || nmeta < 0) return mg_fail("save: %s: negative count of tensors or metadata", path);
  for (int k = 0; k < n; k++) {
    if (!names[k] || !tensors[k]) return mg_fail("save: %s: tensor %d or its name is missing", path, k + 1);
    if (!valid_text(names[k]))
      return mg_fail("save: %s: the tensor name '%s' is not valid UTF-8", path, names[k]);
    if (strcmp(names[k], METADATA_KEY) == 0)
      return mg_fail("save: %s: a tensor cannot be named '%s' (the format reserves that name)",
                     path, METADATA_KEY);
  }
  for (int i = 0; i < nmeta; i++) {
    if (!meta_keys[i] || !meta_values[i])
      return mg_fail("save: %s: metadata entry %d or its key is missing", path, i + 1);
    if (!valid_text(meta_keys[i]) || !valid_text(meta_values[i]))
      return mg_fail("save: %s: the metadata entry '%s' is not valid UTF-8", path, meta_keys[i]);
  }
  bool out_of_memory;
  const char *dup = find_duplicate(n, names, &out_of_memory);
  if (!dup && !out_of_memory) dup = find_duplicate(nmeta, meta_keys, &out_of_memory);
  if (out_of_memory) return mg_fail("save: %s: out of memory", path);
  if (dup) return mg_fail("save: %s: the name '%s' is given twice", path, dup);
  return 0;
}

int mg_safetensors_save(const char *path, int n, const char *const *names,
                        const mg_tensor *const *tensors, int nmeta, const char *const *meta_keys,
                        const char *const *meta_values) {
  if (check_save_arguments(path, n, names, tensors, nmeta, meta_keys, meta_values)) return -1;
  slot *slots = malloc((size_t)(n > 0 ? n : 1) * sizeof *slots);
  char *tmp = malloc(strlen(path) + sizeof ".tmp");
  char *header = NULL;
  int rc = -1;
  if (!slots || !tmp) {
    mg_fail("save: %s: out of memory", path);
    goto done;
  }
  strcat(strcpy(tmp, path), ".tmp");
  for (int k = 0; k < n; k++) slots[k] = (slot){k, mg_dtype_size(tensors[k]->dtype)};
  qsort(slots, (size_t)n, sizeof *slots, by_element_size);
  header = header_json(n, names, tensors, slots, nmeta, meta_keys, meta_values);
  if (!header) {
    mg_fail("save: %s: out of memory", path);
    goto done;
  }
  size_t header_len = strlen(header), padded_len = (header_len + 7) / 8 * 8;
  if (write_file(tmp, header, header_len, padded_len, n, tensors, slots) == 0) {
    if (rename(tmp, path) == 0)
      rc = 0;
    else
      mg_fail("cannot rename %s to %s (%s)", tmp, path, strerror(errno));
  }
  if (rc) {
    char why[400];
    snprintf(why, sizeof why, "%s", mg_last_error());
    unlink(tmp);
    mg_fail("save: %s: %s", path, why);
  }
done:
  free(header);
  free(tmp);
  free(slots);
  return rc;
}

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct {
  const char *name; /* borrowed from the parsed header */
  mg_dtype dtype;
  int ndim;
  int64_t size[MG_MAX_DIMS];
  uint64_t begin, end;
} entry;

static uint64_t get_u64_le(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* A JSON number that is an integer in [0, 2^53], into *out. */
static bool json_count(const cJSON *item, uint64_t *out) {
  if (!cJSON_IsNumber(item)) return false;
  double d = item->valuedouble;
  if (!(d >= 0 && d <= MAX_EXACT_INTEGER) || d != (double)(uint64_t)d) return false;
  *out = (uint64_t)d;
  return true;
}

/* a * b, or UINT64_MAX when that overflows. */
static uint64_t saturating_mul(uint64_t a, uint64_t b) {
  return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* Reads and checks one tensor's entry of the header, for data of data_len bytes. */
static int read_entry(const char *path, const cJSON *item, uint64_t data_len, entry *e) {
  const char *name = item->string;
  e->name = name;
  if (!cJSON_IsObject(item))
    return mg_fail("load: %s: tensor '%s' is not an object {dtype, shape, data_offsets}", path, name);
  const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(item, "dtype");
  const cJSON *shape = cJSON_GetObjectItemCaseSensitive(item, "shape");
  const cJSON *offsets = cJSON_GetObjectItemCaseSensitive(item, "data_offsets");
  if (!cJSON_IsString(dtype))
    return mg_fail("load: %s: tensor '%s' has no dtype (a string such as \"F32\")", path, name);
  if (!format_dtype_from_name(dtype->valuestring, &e->dtype))
    return mg_fail("load: %s: tensor '%s' has dtype %s, which moongrad does not support (it reads "
                   "F32, F64, I64 and BOOL)", path, name, dtype->valuestring);
  int ndim = cJSON_IsArray(shape) ? cJSON_GetArraySize(shape) : -1;
  if (ndim < 0 || ndim > MG_MAX_DIMS)
    return mg_fail("load: %s: tensor '%s': shape must be a list of at most %d sizes", path, name,
                   MG_MAX_DIMS);
  e->ndim = ndim;
  uint64_t numel = 1;
  int d = 0;
  for (const cJSON *s = shape->child; s; s = s->next, d++) {
    uint64_t size;
    if (!json_count(s, &size))
      return mg_fail("load: %s: tensor '%s': shape must hold non-negative integers", path, name);
    e->size[d] = (int64_t)size;
    numel = saturating_mul(numel, size);
  }
  if (!cJSON_IsArray(offsets) || cJSON_GetArraySize(offsets) != 2 ||
      !json_count(offsets->child, &e->begin) || !json_count(offsets->child->next, &e->end))
    return mg_fail("load: %s: tensor '%s': data_offsets must be [begin, end], two non-negative "
                   "integers", path, name);
  uint64_t nbytes = saturating_mul(numel, mg_dtype_size(e->dtype));
  if (e->end < e->begin || e->end - e->begin != nbytes) {
    char shape_text[MG_SHAPE_STR], needs[32] = "over 2^64";
    if (nbytes != UINT64_MAX) snprintf(needs, sizeof needs, "%llu", (unsigned long long)nbytes);
    return mg_fail("load: %s: tensor '%s' has data_offsets [%llu, %llu] but %s %s needs %s bytes",
                   path, name, (unsigned long long)e->begin, (unsigned long long)e->end,
                   dtype->valuestring, mg_shape_str(ndim, e->size, shape_text), needs);
  }
  if (e->end > data_len)
    return mg_fail("load: %s: tensor '%s' has data_offsets [%llu, %llu] past the end of the data "
                   "(%llu bytes): the file is truncated", path, name, (unsigned long long)e->begin,
                   (unsigned long long)e->end, (unsigned long long)data_len);
  return 0;
}

static int by_offsets(const void *a, const void *b) {
  const entry *x = a, *y = b;
  if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
  return (x->end > y->end) - (x->end < y->end);
}

/* Checks that the entries, sorted by offsets, fill the data_len bytes of data exactly. */
static int check_tiling(const char *path, int n, const entry *e, uint64_t data_len) {
  uint64_t at = 0;
  for (int k = 0; k < n; k++) {
    if (e[k].begin < at)
      return mg_fail("load: %s: the data of tensors '%s' [%llu, %llu] and '%s' [%llu, %llu] overlap",
                     path, e[k - 1].name, (unsigned long long)e[k - 1].begin,
                     (unsigned long long)e[k - 1].end, e[k].name, (unsigned long long)e[k].begin,
                     (unsigned long long)e[k].end);
    if (e[k].begin > at)
      return mg_fail("load: %s: bytes [%llu, %llu) of the data, before tensor '%s', belong to no "
                     "tensor", path, (unsigned long long)at, (unsigned long long)e[k].begin, e[k].name);
    at = e[k].end;
  }
  if (at != data_len)
    return mg_fail("load: %s: bytes [%llu, %llu) at the end of the data belong to no tensor", path,
                   (unsigned long long)at, (unsigned long long)data_len);
  return 0;
}

/* Reads the header (8 + its length bytes) of f, a file of file_len bytes, into a
 * NUL-terminated malloc'd buffer; *len is its length. */
static char *read_header(const char *path, FILE *f, uint64_t file_len, uint64_t *len) {
  unsigned char length[8];
  if (file_len < 8 || fread(length, 1, 8, f) != 8)
    return mg_fail_null("load: %s: the file is %llu bytes, too short for a safetensors header",
                        path, (unsigned long long)file_len);
  *len = get_u64_le(length);
  if (*len > MAX_HEADER_BYTES)
    return mg_fail_null("load: %s: header length %llu is over the limit of %d bytes (not a "
                        "safetensors file?)", path, (unsigned long long)*len, MAX_HEADER_BYTES);
  if (*len > file_len - 8)
    return mg_fail_null("load: %s: header length %llu runs past the end of the file (%llu bytes): "
                        "the file is truncated", path, (unsigned long long)*len,
                        (unsigned long long)file_len);
  char *header = malloc((size_t)*len + 1);
  if (!header) return mg_fail_null("load: %s: out of memory", path);
  if (fread(header, 1, (size_t)*len, f) != *len) {
    free(header);
    return mg_fail_null("load: %s: the file ended inside the header", path);
  }
  header[*len] = '\0';
  return header;
}

/* Parses the header: the root object, or NULL. */
static cJSON *parse_header(const char *path, const char *header, uint64_t len) {
  if (!mg_valid_utf8(header, (size_t)len))
    return mg_fail_null("load: %s: the header is not valid UTF-8", path);
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(header, (size_t)len, &end, false);
  if (!root)
    return mg_fail_null("load: %s: the header is not valid JSON (error at byte %zu of it)", path,
                        end ? (size_t)(end - header) : (size_t)0);
  const char *p = end;
  while (p < header + len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
  if (!cJSON_IsObject(root) || p != header + len) {
    cJSON_Delete(root);
    return mg_fail_null("load: %s: the header is not one JSON object", path);
  }
  return root;
}

static char *copy_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  return c ? memcpy(c, s, n) : NULL;
}

/* Copies the metadata object's entries into out; checks that they are strings. */
static int read_metadata(const char *path, const cJSON *meta, mg_safetensors *out) {
  if (!cJSON_IsObject(meta)) return mg_fail("load: %s: %s is not a JSON object", path, METADATA_KEY);
  int n = cJSON_GetArraySize(meta);
  out->metadata_keys = calloc((size_t)n + 1, sizeof(char *));
  out->metadata_values = calloc((size_t)n + 1, sizeof(char *));
  if (!out->metadata_keys || !out->metadata_values) return mg_fail("load: %s: out of memory", path);
  for (const cJSON *item = meta->child; item; item = item->next) {
    if (!cJSON_IsString(item))
      return mg_fail("load: %s: %s must map keys to strings ('%s' is not a string)", path,
                     METADATA_KEY, item->string);
    int i = out->nmetadata++;
    out->metadata_keys[i] = copy_string(item->string);
    out->metadata_values[i] = copy_string(item->valuestring);
    if (!out->metadata_keys[i] || !out->metadata_values[i]) return mg_fail("load: %s: out of memory", path);
  }
  return 0;
}

/* Makes out's tensors from the entries (sorted by offset) and reads their data from f,
 * which is at the start of the data. */
static int read_tensors(const char *path, FILE *f, int n, const entry *e, mg_safetensors *out) {
  out->names = calloc((size_t)n + 1, sizeof(char *));
  out->tensors = calloc((size_t)n + 1, sizeof(mg_tensor *));
  if (!out->names || !out->tensors) return mg_fail("load: %s: out of memory", path);
  for (int k = 0; k < n; k++) {
    mg_tensor *t = mg_allocate("load", e[k].dtype, e[k].ndim, e[k].size);
    out->names[k] = copy_string(e[k].name);
    if (!t || !out->names[k]) {
      mg_release(t);
      return mg_fail("load: %s: out of memory for tensor '%s'", path, e[k].name);
    }
    out->tensors[k] = t;
    out->ntensors = k + 1;
    size_t nbytes = (size_t)(e[k].end - e[k].begin);
    if (nbytes && fread(mg_data(t), 1, nbytes, f) != nbytes)
      return mg_fail("load: %s: the file ended inside the data of tensor '%s' (did it change while "
                     "being read?)", path, e[k].name);
    /* Any nonzero byte is true, as NumPy reads it: a C bool must hold 0 or 1. */
    if (t->dtype == MG_BOOL) {
      unsigned char *b = mg_data(t);
      for (size_t i = 0; i < nbytes; i++) b[i] = b[i] != 0;
    }
  }
  return 0;
}

mg_safetensors *mg_safetensors_load(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return mg_fail_null("load: %s: cannot open (%s)", path, strerror(errno));
  char *header = NULL;
  cJSON *root = NULL;
  entry *entries = NULL;
  const char **names = NULL;
  mg_safetensors *out = NULL;
  bool ok = false;
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    mg_fail("load: %s: not a regular file", path);
    goto done;
  }
  uint64_t file_len = (uint64_t)st.st_size, header_len = 0;
  if (!(header = read_header(path, f, file_len, &header_len))) goto done;
  if (!(root = parse_header(path, header, header_len))) goto done;
  uint64_t data_len = file_len - 8 - header_len;
  int nkeys = cJSON_GetArraySize(root), ntensors = 0;
  entries = malloc((size_t)(nkeys > 0 ? nkeys : 1) * sizeof *entries);
  names = malloc((size_t)(nkeys > 0 ? nkeys : 1) * sizeof *names);
  out = calloc(1, sizeof *out);
  if (!entries || !names || !out) {
    mg_fail("load: %s: out of memory", path);
    goto done;
  }
  const cJSON *meta = NULL;
  int k = 0;
  for (const cJSON *item = root->child; item; item = item->next) {
    names[k++] = item->string;
    if (strcmp(item->string, METADATA_KEY) == 0)
      meta = item;
    else if (read_entry(path, item, data_len, &entries[ntensors++]))
      goto done;
  }
  bool out_of_memory;
  const char *dup = find_duplicate(nkeys, names, &out_of_memory);
  if (out_of_memory) {
    mg_fail("load: %s: out of memory", path);
    goto done;
  }
  if (dup) {
    mg_fail("load: %s: '%s' appears twice in the header", path, dup);
    goto done;
  }
  qsort(entries, (size_t)ntensors, sizeof *entries, by_offsets);
  if (check_tiling(path, ntensors, entries, data_len)) goto done;
  if (meta && read_metadata(path, meta, out)) goto done;
  ok = read_tensors(path, f, ntensors, entries, out) == 0;
done:
  fclose(f);
  free(header);
  cJSON_Delete(root);
  free(entries);
  free(names);
  if (ok) return out;
  mg_safetensors_free(out);
  return NULL;
}

void mg_safetensors_free(mg_safetensors *st) {
  if (!st) return;
  for (int k = 0; k < st->ntensors; k++) mg_release(st->tensors[k]);
  if (st->names)
    for (int k = 0; st->names[k]; k++) free(st->names[k]);
  for (int i = 0; i < st->nmetadata; i++) {
    free(st->metadata_keys[i]);
    free(st->metadata_values[i]);
  }
  free(st->names);
  free(st->tensors);
  free(st->metadata_keys);
  free(st->metadata_values);
  free(st);
}
