/* tests/fuzz/fuzz_travel_csv.c: libFuzzer harness for the CSV reader of
 * the TravelPlanner database (solvers/travel/csv.c) and the text helpers
 * that read its fields (durations, dates, and the Python string semantics
 * of pystr.c). Every record's fields must lie within the scratch buffer, be
 * NUL-terminated at their length, and the record lines must not go
 * backwards; the reader must always end (EOF or an error with a message).
 * The checked-in corpus (tests/fuzz/corpus/travel_csv/) is replayed as a
 * ctest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "solvers/travel/csv.h"
#include "solvers/travel/db.h"
#include "solvers/travel/pystr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok) {
  if (!ok)
    abort();
}

static void helpers(const char *s, size_t n) {
  plan__span sp = {s, n};
  plan__span a, b;
  if (plan__py_from_to(sp, &a, &b)) {
    check(a.p >= s && a.p + a.n <= s + n && a.n > 0);
    check(b.p >= s && b.p + b.n <= s + n && b.n > 0);
  }
  if (plan__py_name_city(sp, &a, &b)) {
    check(a.p >= s && a.p + a.n <= s + n);
    check(b.p >= s && b.p + b.n <= s + n);
  }
  plan__span t = plan__py_strip(sp);
  check(t.p >= s && t.p + t.n <= s + n);
  t = plan__py_before_paren(sp);
  check(t.p == s && t.n <= n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  plan__csv c;
  plan__csv_open(&c, "fuzz.csv", (const char *)data, size);
  int last_line = 0;
  for (size_t records = 0;; records++) {
    bool eof = false;
    plan_error err;
    memset(&err, 0, sizeof err);
    plan_status st = plan__csv_next(&c, &eof, &err);
    if (st != PLAN_OK) {
      check(st == PLAN_EPARSE || st == PLAN_ENOMEM);
      check(err.text[0] != '\0');
      break;
    }
    if (eof)
      break;
    check(records <= size);
    check(c.record_line >= last_line && c.record_line >= 1);
    last_line = c.record_line;
    check(c.n_fields >= 1);
    for (size_t i = 0; i < c.n_fields; i++) {
      const char *f = c.fields[i];
      check(f >= c.scratch.data &&
            f + c.field_len[i] < c.scratch.data + c.scratch.len + 1);
      check(f[c.field_len[i]] == '\0');
      check(strlen(f) == c.field_len[i]);
      (void)plan__csv_is_na(f);
      int d = plan__travel_parse_duration(f);
      check(d >= -1);
      int dn = plan__travel_date_number(f);
      check(dn >= -1);
      helpers(f, c.field_len[i]);
    }
  }
  plan__csv_close(&c);
  helpers((const char *)data, size);
  return 0;
}
