/* solvers/travel/csv.c: the RFC 4180 reader behind the TravelPlanner
 * database loader (solvers/travel/db.c). One record at a time, fields
 * unescaped into a scratch buffer that is reused for every record.
 */
#include "solvers/travel/csv.h"

#include <string.h>

void plan__csv_open(plan__csv *c, const char *name, const char *data,
                    size_t len) {
  memset(c, 0, sizeof *c);
  c->name = name ? name : "csv";
  c->data = data;
  c->len = len;
  c->line = 1;
  /* A UTF-8 byte-order mark is not part of the first header name. */
  if (len >= 3 && (unsigned char)data[0] == 0xEF &&
      (unsigned char)data[1] == 0xBB && (unsigned char)data[2] == 0xBF)
    c->pos = 3;
  plan__buf_init(&c->scratch, 0);
}

void plan__csv_close(plan__csv *c) {
  if (!c)
    return;
  plan__free(c->fields);
  plan__free(c->field_len);
  plan__free(c->offsets);
  plan__buf_free(&c->scratch);
  memset(c, 0, sizeof *c);
}

/* Column of byte position pos on the current line (1-based), for
 * messages. */
static int column_of(const plan__csv *c, size_t pos) {
  size_t start = pos;
  while (start > 0 && c->data[start - 1] != '\n' && c->data[start - 1] != '\r')
    start--;
  return (int)(pos - start) + 1;
}

static plan_status fail(plan__csv *c, plan_error *err, size_t pos,
                        const char *what) {
  int col = column_of(c, pos);
  return plan__error_set(err, PLAN_EPARSE, c->line, col, "%s:%d:%d: %s",
                         c->name, c->line, col, what);
}

/* Ends the field that started at scratch offset `start` and records it. */
static plan_status end_field(plan__csv *c, size_t start) {
  if (c->n_fields == c->cap_fields) {
    /* The three arrays always have cap_fields elements; cap_fields only
     * grows once all three have grown. */
    size_t ncap = c->cap_fields ? c->cap_fields * 2 : 16;
    size_t *off = plan__realloc(c->offsets, ncap * sizeof *off);
    if (!off)
      return PLAN_ENOMEM;
    c->offsets = off;
    size_t *fl = plan__realloc(c->field_len, ncap * sizeof *fl);
    if (!fl)
      return PLAN_ENOMEM;
    c->field_len = fl;
    char **f = plan__realloc(c->fields, ncap * sizeof *f);
    if (!f)
      return PLAN_ENOMEM;
    c->fields = f;
    c->cap_fields = ncap;
  }
  c->offsets[c->n_fields] = start;
  c->field_len[c->n_fields] = c->scratch.len - start;
  c->n_fields++;
  return plan__buf_putc(&c->scratch, '\0');
}

/* Consumes one line end (CRLF, LF or CR) at c->pos if there is one. */
static bool eat_eol(plan__csv *c) {
  if (c->pos >= c->len)
    return false;
  if (c->data[c->pos] == '\r') {
    c->pos++;
    if (c->pos < c->len && c->data[c->pos] == '\n')
      c->pos++;
    c->line++;
    return true;
  }
  if (c->data[c->pos] == '\n') {
    c->pos++;
    c->line++;
    return true;
  }
  return false;
}

plan_status plan__csv_next(plan__csv *c, bool *eof, plan_error *err) {
  *eof = false;
  c->n_fields = 0;
  plan__buf_reset(&c->scratch);
  /* Skip blank lines, as pandas does. */
  while (c->pos < c->len &&
         (c->data[c->pos] == '\n' || c->data[c->pos] == '\r'))
    eat_eol(c);
  if (c->pos >= c->len) {
    *eof = true;
    return PLAN_OK;
  }
  c->record_line = c->line;
  plan_status st = PLAN_OK;
  for (;;) {
    size_t start = c->scratch.len;
    if (c->pos < c->len && c->data[c->pos] == '"') {
      /* Quoted field: "" is a quote; commas and line ends are data. */
      size_t open = c->pos++;
      int open_line = c->line;
      for (;;) {
        if (c->pos >= c->len) {
          c->line = open_line;
          return fail(c, err, open, "unterminated quoted field");
        }
        char ch = c->data[c->pos];
        if (ch == '\0')
          return fail(c, err, c->pos, "NUL byte in a field");
        if (ch == '"') {
          if (c->pos + 1 < c->len && c->data[c->pos + 1] == '"') {
            st = plan__buf_putc(&c->scratch, '"');
            c->pos += 2;
          } else {
            c->pos++;
            break;
          }
        } else if (ch == '\r' || ch == '\n') {
          /* A line end inside quotes is kept as written. */
          st = plan__buf_putc(&c->scratch, ch);
          if (ch == '\r' && c->pos + 1 < c->len &&
              c->data[c->pos + 1] == '\n') {
            if (st == PLAN_OK)
              st = plan__buf_putc(&c->scratch, '\n');
            c->pos++;
          }
          c->pos++;
          c->line++;
        } else {
          st = plan__buf_putc(&c->scratch, ch);
          c->pos++;
        }
        if (st != PLAN_OK)
          return st;
      }
      if (c->pos < c->len && c->data[c->pos] != ',' &&
          c->data[c->pos] != '\n' && c->data[c->pos] != '\r')
        return fail(c, err, c->pos,
                    "unexpected character after a closing quote");
    } else {
      /* Unquoted field: up to the next comma or line end. */
      size_t s = c->pos;
      while (c->pos < c->len && c->data[c->pos] != ',' &&
             c->data[c->pos] != '\n' && c->data[c->pos] != '\r') {
        if (c->data[c->pos] == '\0')
          return fail(c, err, c->pos, "NUL byte in a field");
        c->pos++;
      }
      st = plan__buf_append(&c->scratch, c->data + s, c->pos - s);
      if (st != PLAN_OK)
        return st;
    }
    st = end_field(c, start);
    if (st != PLAN_OK)
      return st;
    if (c->pos < c->len && c->data[c->pos] == ',') {
      c->pos++;
      continue;
    }
    eat_eol(c);
    break;
  }
  /* The scratch buffer may have moved while growing: fix the pointers
   * only now. */
  for (size_t i = 0; i < c->n_fields; i++)
    c->fields[i] = c->scratch.data + c->offsets[i];
  return PLAN_OK;
}

bool plan__csv_is_na(const char *f) {
  static const char *const na[] = {
      "",         "NA",     "N/A",     "NaN",     "nan",     "NULL", "null",
      "None",     "#N/A",   "<NA>",    "n/a",     "-nan",    "-NaN", "#NA",
      "#N/A N/A", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"};
  if (!f)
    return true;
  for (size_t i = 0; i < PLAN_ARRAY_LEN(na); i++)
    if (strcmp(f, na[i]) == 0)
      return true;
  return false;
}
