/* libFuzzer target for the CSV reader (`make fuzz`): any bytes, under any options the first
 * byte picks, must give a frame or an error, never a crash, a leak or undefined behaviour.
 * A frame that comes back is written out and read again, and must come back cell for cell
 * (write_csv's promise); a difference aborts, which libFuzzer reports as a crash. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "moongrad.h"

static bool same_cell(const mg_cell *a, const mg_cell *b) {
  if (a->type != b->type || a->valid != b->valid) return false;
  if (!a->valid) return true;
  switch (a->type) {
  case MG_COL_FLOAT64: return memcmp(&a->f, &b->f, sizeof a->f) == 0;
  case MG_COL_INT64: return a->i == b->i;
  case MG_COL_BOOL: return a->b == b->b;
  default: return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
  }
}

static void check_round_trip(const mg_frame *f, char delimiter) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/moongrad-fuzz-%d.csv", (int)getpid());
  if (mg_write_csv(f, path, delimiter) != 0) return; /* e.g. strings that are not UTF-8 */
  mg_csv_options o;
  mg_csv_default_options(&o);
  o.delimiter = delimiter;
  mg_frame *back = mg_read_csv(path, &o, NULL);
  unlink(path);
  if (!back) {
    fprintf(stderr, "round trip: written frame unreadable: %s\n", mg_last_error());
    abort();
  }
  bool same = mg_frame_ncols(back) == mg_frame_ncols(f) && mg_frame_nrows(back) == mg_frame_nrows(f);
  mg_cell a, b;
  for (int c = 0; same && c < mg_frame_ncols(f); c++) {
    same = strcmp(mg_frame_name(f, c), mg_frame_name(back, c)) == 0;
    for (int64_t r = 0; same && r < mg_frame_nrows(f); r++) {
      mg_frame_get(f, c, r, &a);
      mg_frame_get(back, c, r, &b);
      if (!same_cell(&a, &b)) {
        fprintf(stderr, "round trip: column %d row %lld differs\n", c + 1, (long long)r + 1);
        same = false;
      }
    }
  }
  mg_frame_free(back);
  if (!same) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mg_csv_options o;
  mg_csv_default_options(&o);
  if (size > 0) {
    o.header = data[0] & 1;
    o.skip_bad_lines = data[0] & 2;
    o.delimiter = data[0] & 4 ? ';' : ',';
    o.quote = data[0] & 8 ? 0 : '"';
    data++, size--;
  }
  mg_csv_report report;
  mg_frame *f = mg_parse_csv((const char *)data, size, "fuzz.csv", &o, &report);
  if (!f) return 0;
  check_round_trip(f, o.delimiter);
  mg_frame_free(f);
  return 0;
}
