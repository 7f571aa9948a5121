/* solvers/travel/csv.h: an RFC 4180 CSV reader for the TravelPlanner
 * tables, with the few pandas.read_csv conventions the upstream tools rely
 * on (blank lines skipped, a UTF-8 byte-order mark ignored, CRLF, LF or CR
 * line ends, and pandas' default set of "not available" spellings). The
 * reader works on a buffer in memory and never allocates per field: the
 * fields of the current record point into a scratch buffer owned by the
 * reader. Errors name the source, the line and the column. Internal.
 */
#ifndef PLAN_SOLVERS_TRAVEL_CSV_H
#define PLAN_SOLVERS_TRAVEL_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

typedef struct plan__csv {
  const char *name; /* file name for messages (borrowed) */
  const char *data; /* the whole text (borrowed) */
  size_t len;
  size_t pos;
  int line;        /* 1-based line of the next unread byte */
  int record_line; /* 1-based line where the current record starts */
  /* The current record: n_fields NUL-terminated fields (field_len[i] bytes
   * each, which may contain no NUL since NUL bytes are rejected). */
  char **fields;
  size_t *field_len;
  size_t n_fields;
  size_t cap_fields;
  plan__buf scratch;
  size_t *offsets; /* field start offsets in scratch, cap_fields of them */
} plan__csv;

/* Starts reading data[0..len) (borrowed until plan__csv_close). name is
 * used in messages. */
void plan__csv_open(plan__csv *c, const char *name, const char *data,
                    size_t len);
/* Frees the reader's buffers (not the data). */
void plan__csv_close(plan__csv *c);

/* Reads the next record. Returns PLAN_OK with *eof false and the fields
 * set, PLAN_OK with *eof true at the end, PLAN_EPARSE for malformed input
 * (an unterminated quoted field, a character after a closing quote other
 * than a separator or line end, a NUL byte) with err naming
 * "name:line:column", or PLAN_ENOMEM. Empty lines are skipped. */
plan_status plan__csv_next(plan__csv *c, bool *eof, plan_error *err);

/* True when a field counts as missing for pandas.read_csv with its default
 * na_values: "", "NA", "N/A", "NaN", "nan", "NULL", "null", "None", "#N/A",
 * "<NA>", "n/a", "-nan", "-NaN", "#NA", "#N/A N/A", "1.#IND", "-1.#IND",
 * "1.#QNAN", "-1.#QNAN". */
bool plan__csv_is_na(const char *field);

#endif /* PLAN_SOLVERS_TRAVEL_CSV_H */
