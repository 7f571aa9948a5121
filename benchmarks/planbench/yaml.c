/* benchmarks/planbench/yaml.c: the YAML subset reader of yaml.h.
 *
 * Block structure is parsed line by line: every block function starts with
 * the position at the beginning of a content line and leaves it at the
 * beginning of the first line it did not consume. Values that start in the
 * middle of a line (after "key:" or "- ") go through parse_inline, which
 * also handles the forms that may continue on later lines (block scalars,
 * flow collections, quoted strings). Flow collections are parsed character
 * by character with newlines as ordinary white space. Line and column of
 * an error are computed from the byte offset when the error happens.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmarks/planbench/yaml.h"

#define YAML_MAX_DEPTH 64

typedef struct yp {
  const char *s;
  size_t n;
  size_t pos;
  const char *src;
  plan_error *err;
  int depth;
  bool failed;
} yp;

/* ======================================================================
 * Errors and small helpers
 * ====================================================================== */

/* Fills the error for byte offset at and returns NULL. Only the first
 * failure is recorded; later ones (while unwinding) are ignored. */
static json_t *fail_at(yp *p, size_t at, const char *fmt, ...)
    PLAN_PRINTF(3, 4);
static json_t *fail_at(yp *p, size_t at, const char *fmt, ...) {
  if (p->failed)
    return NULL;
  p->failed = true;
  int line = 1;
  int col = 1;
  for (size_t i = 0; i < at && i < p->n; i++) {
    if (p->s[i] == '\n') {
      line++;
      col = 1;
    } else if (((unsigned char)p->s[i] & 0xc0) != 0x80) {
      col++;
    }
  }
  char msg[120];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  plan__error_set(p->err, PLAN_EPARSE, line, col, "%s:%d:%d: %s", p->src, line,
                  col, msg);
  return NULL;
}

static json_t *nomem(yp *p) {
  if (!p->failed) {
    p->failed = true;
    plan__error_set(p->err, PLAN_ENOMEM, 0, 0, "%s: out of memory", p->src);
  }
  return NULL;
}

static bool is_eol(const yp *p, size_t i) {
  return i >= p->n || p->s[i] == '\n' ||
         (p->s[i] == '\r' && (i + 1 >= p->n || p->s[i + 1] == '\n'));
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

static size_t line_end(const yp *p, size_t i) {
  while (i < p->n && p->s[i] != '\n')
    i++;
  return i;
}

/* The start of the line after the one containing i (or n). */
static size_t next_line(const yp *p, size_t i) {
  i = line_end(p, i);
  return i < p->n ? i + 1 : i;
}

static size_t line_start(const yp *p, size_t i) {
  while (i > 0 && p->s[i - 1] != '\n')
    i--;
  return i;
}

/* Whether the rest of the line from i is white space or a comment. */
static bool rest_blank(const yp *p, size_t i) {
  while (i < p->n && (is_blank(p->s[i]) || p->s[i] == '\r') && !is_eol(p, i))
    i++;
  return is_eol(p, i) || p->s[i] == '#';
}

/* Checks that the input is UTF-8 without NUL bytes, so that every string
 * handed to jansson is valid. */
static bool check_utf8(yp *p) {
  const unsigned char *s = (const unsigned char *)p->s;
  size_t i = 0;
  while (i < p->n) {
    unsigned c = s[i];
    size_t k;
    unsigned cp;
    if (c == 0) {
      fail_at(p, i, "NUL byte in input");
      return false;
    }
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      k = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      k = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      k = 3;
      cp = c & 0x07;
    } else {
      fail_at(p, i, "invalid UTF-8");
      return false;
    }
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= p->n || (s[i + j] & 0xc0) != 0x80) {
        fail_at(p, i, "invalid UTF-8");
        return false;
      }
      cp = (cp << 6) | (s[i + j] & 0x3f);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      fail_at(p, i, "invalid UTF-8");
      return false;
    }
    i += k + 1;
  }
  return true;
}

static json_t *make_string(yp *p, const char *s, size_t n) {
  json_t *v = json_stringn(s, n);
  return v ? v : nomem(p);
}

/* Appends code point cp as UTF-8. */
static void put_utf8(plan__buf *b, unsigned long cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) {
    u[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xc0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3f));
    n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xe0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    u[2] = (char)(0x80 | (cp & 0x3f));
    n = 3;
  } else {
    u[0] = (char)(0xf0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    u[3] = (char)(0x80 | (cp & 0x3f));
    n = 4;
  }
  plan__buf_append(b, u, n);
}

/* ======================================================================
 * Scalars
 * ====================================================================== */

static bool all_digits(const char *s, size_t n, int base) {
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    bool ok =
        (c >= '0' && c <= '9' && c - '0' < base) ||
        (base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!ok)
      return false;
  }
  return true;
}

static bool is_float(const char *s, size_t n) {
  size_t i = 0;
  if (i < n && (s[i] == '-' || s[i] == '+'))
    i++;
  size_t d1 = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') {
    i++;
    d1++;
  }
  size_t d2 = 0;
  if (i < n && s[i] == '.') {
    i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      i++;
      d2++;
    }
  }
  if (d1 + d2 == 0)
    return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '-' || s[i] == '+'))
      i++;
    size_t d3 = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      i++;
      d3++;
    }
    if (d3 == 0)
      return false;
  }
  return i == n;
}

/* Resolves a plain scalar with the YAML 1.2 core schema. at is the offset
 * of s in the input, for messages. */
static json_t *plain_value(yp *p, const char *s, size_t n, size_t at) {
  static const char *const nulls[] = {"~", "null", "Null", "NULL"};
  static const char *const trues[] = {"true", "True", "TRUE"};
  static const char *const falses[] = {"false", "False", "FALSE"};
  if (n == 0)
    return json_null();
  for (size_t i = 0; i < PLAN_ARRAY_LEN(nulls); i++)
    if (strlen(nulls[i]) == n && !memcmp(s, nulls[i], n))
      return json_null();
  for (size_t i = 0; i < PLAN_ARRAY_LEN(trues); i++)
    if (strlen(trues[i]) == n && !memcmp(s, trues[i], n))
      return json_true();
  for (size_t i = 0; i < PLAN_ARRAY_LEN(falses); i++)
    if (strlen(falses[i]) == n && !memcmp(s, falses[i], n))
      return json_false();
  char num[64];
  if (n < sizeof num) {
    memcpy(num, s, n);
    num[n] = '\0';
    size_t sign = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    int base = 0;
    size_t skip = 0;
    if (all_digits(s + sign, n - sign, 10)) {
      base = 10;
      skip = sign;
    } else if (n > 2 && s[0] == '0' && s[1] == 'x' &&
               all_digits(s + 2, n - 2, 16)) {
      base = 16;
      skip = 2;
    } else if (n > 2 && s[0] == '0' && s[1] == 'o' &&
               all_digits(s + 2, n - 2, 8)) {
      base = 8;
      skip = 2;
    }
    if (base) {
      errno = 0;
      char *end = NULL;
      long long v = strtoll(num + skip, &end, base);
      if (errno || !end || *end)
        return fail_at(p, at, "integer out of range");
      if (sign && s[0] == '-')
        v = -v;
      json_t *j = json_integer((json_int_t)v);
      return j ? j : nomem(p);
    }
    if (is_float(s, n)) {
      double d = 0;
      if (!plan__parse_double(num, &d))
        return fail_at(p, at, "number out of range");
      json_t *j = json_real(d);
      return j ? j : nomem(p);
    }
  }
  return make_string(p, s, n);
}

/* Characters that may not start a plain scalar in this subset, with the
 * reason. */
static const char *bad_start(char c) {
  switch (c) {
  case '&': return "anchors are not supported";
  case '*': return "aliases are not supported";
  case '!': return "tags are not supported";
  case '%': return "directives are not supported";
  case '@':
  case '`': return "reserved indicator";
  case '?': return "complex keys are not supported";
  case '}':
  case ']':
  case ',': return "unexpected flow indicator";
  default: return NULL;
  }
}

/* Reads a quoted scalar starting at the quote at p->pos; it may span lines
 * (line folding as in YAML: a single break becomes a space, each further
 * empty line a newline). Leaves p->pos after the closing quote. */
static json_t *parse_quoted(yp *p) {
  char q = p->s[p->pos];
  size_t start = p->pos;
  plan__buf b;
  plan__buf_init(&b, 0);
  size_t i = p->pos + 1;
  for (;;) {
    if (i >= p->n) {
      plan__buf_free(&b);
      return fail_at(p, start, "unterminated quoted string");
    }
    char c = p->s[i];
    if (c == q) {
      if (q == '\'' && i + 1 < p->n && p->s[i + 1] == '\'') {
        plan__buf_putc(&b, '\'');
        i += 2;
        continue;
      }
      i++;
      break;
    }
    if (c == '\n' || c == '\r') {
      /* Fold: drop trailing blanks of this line, count empty lines. */
      while (b.len > 0 && is_blank(b.data[b.len - 1]))
        b.len--;
      if (b.data)
        b.data[b.len] = '\0';
      size_t breaks = 0;
      while (i < p->n &&
             (p->s[i] == '\n' || p->s[i] == '\r' || is_blank(p->s[i]))) {
        if (p->s[i] == '\n')
          breaks++;
        i++;
      }
      if (breaks <= 1)
        plan__buf_putc(&b, ' ');
      else
        for (size_t k = 1; k < breaks; k++)
          plan__buf_putc(&b, '\n');
      continue;
    }
    if (q == '"' && c == '\\') {
      size_t esc_at = i;
      if (i + 1 >= p->n) {
        plan__buf_free(&b);
        return fail_at(p, start, "unterminated quoted string");
      }
      char e = p->s[i + 1];
      i += 2;
      unsigned long cp = 0;
      size_t hex = 0;
      switch (e) {
      case 'a': plan__buf_putc(&b, '\a'); break;
      case 'b': plan__buf_putc(&b, '\b'); break;
      case 't':
      case '\t': plan__buf_putc(&b, '\t'); break;
      case 'n': plan__buf_putc(&b, '\n'); break;
      case 'v': plan__buf_putc(&b, '\v'); break;
      case 'f': plan__buf_putc(&b, '\f'); break;
      case 'r': plan__buf_putc(&b, '\r'); break;
      case 'e': plan__buf_putc(&b, '\x1b'); break;
      case ' ': plan__buf_putc(&b, ' '); break;
      case '"': plan__buf_putc(&b, '"'); break;
      case '/': plan__buf_putc(&b, '/'); break;
      case '\\': plan__buf_putc(&b, '\\'); break;
      case 'N': put_utf8(&b, 0x85); break;
      case '_': put_utf8(&b, 0xa0); break;
      case 'L': put_utf8(&b, 0x2028); break;
      case 'P': put_utf8(&b, 0x2029); break;
      case 'x': hex = 2; break;
      case 'u': hex = 4; break;
      case 'U': hex = 8; break;
      case '\r':
      case '\n':
        /* An escaped line break joins the lines without a space. */
        while (i < p->n &&
               (p->s[i] == '\n' || p->s[i] == '\r' || is_blank(p->s[i])))
          i++;
        break;
      case '0':
        plan__buf_free(&b);
        return fail_at(p, esc_at, "NUL character not supported");
      default:
        plan__buf_free(&b);
        return fail_at(p, esc_at, "unknown escape sequence");
      }
      if (hex) {
        for (size_t k = 0; k < hex; k++, i++) {
          char h = i < p->n ? p->s[i] : '\0';
          int d = h >= '0' && h <= '9'   ? h - '0'
                  : h >= 'a' && h <= 'f' ? h - 'a' + 10
                  : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                         : -1;
          if (d < 0) {
            plan__buf_free(&b);
            return fail_at(p, esc_at, "bad hexadecimal escape");
          }
          cp = cp * 16 + (unsigned long)d;
        }
        if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          plan__buf_free(&b);
          return fail_at(p, esc_at, "escape is not a valid character");
        }
        put_utf8(&b, cp);
      }
      continue;
    }
    plan__buf_putc(&b, c);
    i++;
  }
  if (b.status != PLAN_OK) {
    plan__buf_free(&b);
    return nomem(p);
  }
  p->pos = i;
  json_t *v = make_string(p, b.data ? b.data : "", b.len);
  plan__buf_free(&b);
  return v;
}

/* ======================================================================
 * Flow collections
 * ====================================================================== */

/* Skips white space, line breaks and comments inside a flow collection. */
static void flow_ws(yp *p) {
  while (p->pos < p->n) {
    char c = p->s[p->pos];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      p->pos++;
    } else if (c == '#' &&
               (p->pos == 0 || p->s[p->pos - 1] == ' ' ||
                p->s[p->pos - 1] == '\t' || p->s[p->pos - 1] == '\n')) {
      p->pos = line_end(p, p->pos);
    } else {
      break;
    }
  }
}

static bool flow_indicator(char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

/* A plain scalar inside a flow collection: it ends at a flow indicator,
 * at ": " (or ':' before an indicator or the line end), at " #" or at the
 * end of the line. */
static json_t *flow_plain(yp *p, bool as_key) {
  size_t start = p->pos;
  size_t i = start;
  const char *why = bad_start(p->s[i]);
  if (why)
    return fail_at(p, i, "%s", why);
  while (i < p->n && !is_eol(p, i) && !flow_indicator(p->s[i])) {
    char c = p->s[i];
    if (c == ':' && (i + 1 >= p->n || is_blank(p->s[i + 1]) ||
                     is_eol(p, i + 1) || flow_indicator(p->s[i + 1])))
      break;
    if (c == '#' && i > start && is_blank(p->s[i - 1]))
      break;
    i++;
  }
  size_t end = i;
  while (end > start && (is_blank(p->s[end - 1]) || p->s[end - 1] == '\r'))
    end--;
  if (end == start)
    return fail_at(p, start, "expected a value");
  p->pos = i;
  if (as_key)
    return make_string(p, p->s + start, end - start);
  return plain_value(p, p->s + start, end - start, start);
}

static json_t *parse_flow(yp *p);

static json_t *flow_key(yp *p) {
  char c = p->s[p->pos];
  if (c == '"' || c == '\'')
    return parse_quoted(p);
  if (c == '{' || c == '[')
    return fail_at(p, p->pos, "complex keys are not supported");
  return flow_plain(p, true);
}

static json_t *parse_flow_map(yp *p) {
  size_t open = p->pos;
  p->pos++;
  json_t *obj = json_object();
  if (!obj)
    return nomem(p);
  for (;;) {
    flow_ws(p);
    if (p->pos >= p->n) {
      json_decref(obj);
      return fail_at(p, open, "unterminated flow mapping");
    }
    if (p->s[p->pos] == '}') {
      p->pos++;
      return obj;
    }
    size_t key_at = p->pos;
    json_t *key = flow_key(p);
    if (!key) {
      json_decref(obj);
      return NULL;
    }
    flow_ws(p);
    json_t *val = NULL;
    if (p->pos < p->n && p->s[p->pos] == ':') {
      p->pos++;
      flow_ws(p);
      if (p->pos < p->n && (p->s[p->pos] == ',' || p->s[p->pos] == '}'))
        val = json_null();
      else
        val = parse_flow(p);
    } else {
      val = json_null();
    }
    if (!val) {
      json_decref(key);
      json_decref(obj);
      return NULL;
    }
    const char *k = json_string_value(key);
    if (json_object_get(obj, k)) {
      json_decref(key);
      json_decref(val);
      json_decref(obj);
      return fail_at(p, key_at, "duplicate key");
    }
    int rc = json_object_set_new(obj, k, val);
    json_decref(key);
    if (rc) {
      json_decref(obj);
      return nomem(p);
    }
    flow_ws(p);
    if (p->pos < p->n && p->s[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->pos < p->n && p->s[p->pos] == '}')
      continue;
    json_decref(obj);
    if (p->pos >= p->n)
      return fail_at(p, open, "unterminated flow mapping");
    return fail_at(p, p->pos, "expected ',' or '}' in flow mapping");
  }
}

static json_t *parse_flow_seq(yp *p) {
  size_t open = p->pos;
  p->pos++;
  json_t *arr = json_array();
  if (!arr)
    return nomem(p);
  for (;;) {
    flow_ws(p);
    if (p->pos >= p->n) {
      json_decref(arr);
      return fail_at(p, open, "unterminated flow sequence");
    }
    if (p->s[p->pos] == ']') {
      p->pos++;
      return arr;
    }
    json_t *v = parse_flow(p);
    if (!v) {
      json_decref(arr);
      return NULL;
    }
    if (json_array_append_new(arr, v)) {
      json_decref(arr);
      return nomem(p);
    }
    flow_ws(p);
    if (p->pos < p->n && p->s[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->pos < p->n && p->s[p->pos] == ']')
      continue;
    json_decref(arr);
    if (p->pos >= p->n)
      return fail_at(p, open, "unterminated flow sequence");
    if (p->s[p->pos] == ':')
      return fail_at(p, p->pos,
                     "mappings inside flow sequences are not "
                     "supported");
    return fail_at(p, p->pos, "expected ',' or ']' in flow sequence");
  }
}

/* One value inside a flow collection (or a flow collection itself). */
static json_t *parse_flow(yp *p) {
  if (++p->depth > YAML_MAX_DEPTH) {
    p->depth--;
    return fail_at(p, p->pos, "nesting deeper than %d", YAML_MAX_DEPTH);
  }
  flow_ws(p);
  json_t *v;
  if (p->pos >= p->n)
    v = fail_at(p, p->pos, "expected a value");
  else if (p->s[p->pos] == '{')
    v = parse_flow_map(p);
  else if (p->s[p->pos] == '[')
    v = parse_flow_seq(p);
  else if (p->s[p->pos] == '"' || p->s[p->pos] == '\'')
    v = parse_quoted(p);
  else
    v = flow_plain(p, false);
  p->depth--;
  return v;
}

/* ======================================================================
 * Block scalars
 * ====================================================================== */

/* A literal ('|') or folded ('>') block scalar whose indicator is at
 * p->pos; parent is the indentation of the enclosing node. Leaves p->pos at
 * the start of the first line after the scalar. */
static json_t *parse_block_scalar(yp *p, int parent) {
  size_t at = p->pos;
  bool folded = p->s[p->pos] == '>';
  char chomp = 'c';
  int explicit_indent = 0;
  size_t i = p->pos + 1;
  for (int k = 0; k < 2 && i < p->n; k++, i++) {
    char c = p->s[i];
    if ((c == '-' || c == '+') && chomp == 'c')
      chomp = c;
    else if (c >= '1' && c <= '9' && !explicit_indent)
      explicit_indent = c - '0';
    else
      break;
  }
  if (i < p->n && !is_blank(p->s[i]) && !is_eol(p, i))
    return fail_at(p, i, "bad block scalar header");
  if (!rest_blank(p, i))
    return fail_at(p, i, "text after block scalar header");
  size_t pos = next_line(p, i);
  int base = parent < 0 ? 0 : parent;
  int bi = explicit_indent ? base + explicit_indent : -1;

  /* Collect the lines: (start, length) of content, or empty lines. */
  plan__buf body;
  plan__buf_init(&body, 0);
  size_t empties = 0;     /* empty lines since the last content line */
  bool any = false;       /* a content line was seen */
  bool prev_more = false; /* the last content line was more indented */
  while (pos < p->n) {
    size_t sp = 0;
    while (pos + sp < p->n && p->s[pos + sp] == ' ')
      sp++;
    size_t le = line_end(p, pos);
    size_t ce = le;
    if (ce > pos && p->s[ce - 1] == '\r')
      ce--;
    bool blank = pos + sp >= ce;
    if (blank && (bi < 0 || (int)sp <= bi)) {
      empties++;
      pos = le < p->n ? le + 1 : le;
      continue;
    }
    if (bi < 0) {
      if ((int)sp <= parent)
        break;
      bi = (int)sp;
    }
    if ((int)sp < bi)
      break;
    if (!blank && p->s[pos + sp] == '\t' && (int)sp == bi && !any &&
        !explicit_indent) {
      plan__buf_free(&body);
      return fail_at(p, pos + sp, "tab in indentation");
    }
    const char *text = p->s + pos + bi;
    size_t tlen = ce - (pos + (size_t)bi);
    bool more = tlen > 0 && is_blank(text[0]);
    if (!any) {
      for (size_t k = 0; k < empties; k++)
        plan__buf_putc(&body, '\n');
    } else if (!folded) {
      for (size_t k = 0; k <= empties; k++)
        plan__buf_putc(&body, '\n');
    } else if (empties == 0) {
      plan__buf_putc(&body, (more || prev_more) ? '\n' : ' ');
    } else {
      size_t nl = (more || prev_more) ? empties + 1 : empties;
      for (size_t k = 0; k < nl; k++)
        plan__buf_putc(&body, '\n');
    }
    plan__buf_append(&body, text, tlen);
    any = true;
    prev_more = more;
    empties = 0;
    pos = le < p->n ? le + 1 : le;
  }
  if (chomp == 'c' && any)
    plan__buf_putc(&body, '\n');
  else if (chomp == '+') {
    if (any)
      plan__buf_putc(&body, '\n');
    for (size_t k = 0; k < empties; k++)
      plan__buf_putc(&body, '\n');
  }
  if (body.status != PLAN_OK) {
    plan__buf_free(&body);
    return nomem(p);
  }
  (void)at;
  p->pos = pos;
  json_t *v = make_string(p, body.data ? body.data : "", body.len);
  plan__buf_free(&body);
  return v;
}

/* ======================================================================
 * Block structure
 * ====================================================================== */

/* Moves p->pos (at a line start) past empty and comment-only lines and
 * returns the indentation of the content line found, or -1 at the end of
 * the input. A tab before the first content character is an error
 * (returns -2). */
static int next_content(yp *p) {
  while (p->pos < p->n) {
    size_t i = p->pos;
    while (i < p->n && p->s[i] == ' ')
      i++;
    size_t j = i;
    while (j < p->n && (is_blank(p->s[j]) || p->s[j] == '\r') && !is_eol(p, j))
      j++;
    if (is_eol(p, j) || p->s[j] == '#') {
      p->pos = next_line(p, j);
      continue;
    }
    if (j != i) {
      fail_at(p, i, "tab in indentation");
      return -2;
    }
    return (int)(i - p->pos);
  }
  return -1;
}

static bool marker_at(const yp *p, size_t i, const char *m) {
  return i + 3 <= p->n && !memcmp(p->s + i, m, 3) &&
         (i + 3 == p->n || is_blank(p->s[i + 3]) || is_eol(p, i + 3));
}

/* Whether a document marker ("---" or "...") starts the line at i. */
static bool doc_marker(const yp *p, size_t i) {
  return marker_at(p, i, "---") || marker_at(p, i, "...");
}

static bool seq_entry_at(const yp *p, size_t i) {
  return i < p->n && p->s[i] == '-' &&
         (i + 1 >= p->n || is_blank(p->s[i + 1]) || is_eol(p, i + 1));
}

/* If a "key:" starts at i, stores the offset just after the ':' in
 * *after and returns true. Quoted keys must fit on the line. */
static bool key_at(const yp *p, size_t i, size_t *after) {
  size_t le = line_end(p, i);
  if (i >= le)
    return false;
  char c = p->s[i];
  size_t j;
  if (c == '"' || c == '\'') {
    j = i + 1;
    while (j < le) {
      if (p->s[j] == '\\' && c == '"') {
        j += 2;
        continue;
      }
      if (p->s[j] == c) {
        if (c == '\'' && j + 1 < le && p->s[j + 1] == '\'') {
          j += 2;
          continue;
        }
        break;
      }
      j++;
    }
    if (j >= le)
      return false;
    j++;
    while (j < le && is_blank(p->s[j]))
      j++;
    if (j < le && p->s[j] == ':' &&
        (j + 1 >= le || is_blank(p->s[j + 1]) || is_eol(p, j + 1))) {
      *after = j + 1;
      return true;
    }
    return false;
  }
  if (c == '{' || c == '[' || c == '#' || seq_entry_at(p, i))
    return false;
  for (j = i; j < le; j++) {
    if (p->s[j] == '#' && j > i && is_blank(p->s[j - 1]))
      return false;
    if (p->s[j] == ':' &&
        (j + 1 >= le || is_blank(p->s[j + 1]) || is_eol(p, j + 1))) {
      if (j == i)
        return false;
      *after = j + 1;
      return true;
    }
  }
  return false;
}

/* Consumes the rest of the current line, which must be blank or a
 * comment, and moves to the next line. */
static bool finish_line(yp *p) {
  if (!rest_blank(p, p->pos)) {
    size_t i = p->pos;
    while (i < p->n && is_blank(p->s[i]))
      i++;
    fail_at(p, i, "unexpected text after value");
    return false;
  }
  p->pos = next_line(p, p->pos);
  return true;
}

static json_t *parse_block_node(yp *p, int parent, bool seq_same);
static json_t *parse_block_map(yp *p, int ind, size_t first);
static json_t *parse_block_seq(yp *p, int ind);

/* A value that starts in the middle of a line at p->pos. parent is the
 * indentation of the node that owns it. For single-line forms the rest of
 * the line is consumed as well. */
static json_t *parse_inline(yp *p, int parent) {
  if (++p->depth > YAML_MAX_DEPTH) {
    p->depth--;
    return fail_at(p, p->pos, "nesting deeper than %d", YAML_MAX_DEPTH);
  }
  json_t *v = NULL;
  size_t at = p->pos;
  char c = p->s[at];
  if (c == '|' || c == '>') {
    v = parse_block_scalar(p, parent);
    p->depth--;
    return v;
  }
  if (c == '{' || c == '[' || c == '"' || c == '\'') {
    v = c == '{' || c == '[' ? parse_flow(p) : parse_quoted(p);
  } else if (seq_entry_at(p, at)) {
    v = fail_at(p, at, "a sequence cannot start here");
  } else {
    const char *why = bad_start(c);
    if (why) {
      v = fail_at(p, at, "%s", why);
    } else {
      size_t le = line_end(p, at);
      size_t e = at;
      while (e < le && !(p->s[e] == '#' && e > at && is_blank(p->s[e - 1])))
        e++;
      size_t end = e;
      while (end > at && (is_blank(p->s[end - 1]) || p->s[end - 1] == '\r'))
        end--;
      for (size_t k = at; k < end; k++) {
        if (p->s[k] == ':' && (k + 1 >= end || is_blank(p->s[k + 1]))) {
          v = fail_at(p, k, "nested mapping on one line is not supported");
          break;
        }
      }
      if (!p->failed) {
        v = plain_value(p, p->s + at, end - at, at);
        p->pos = e;
      }
    }
  }
  p->depth--;
  if (!v)
    return NULL;
  if (!finish_line(p)) {
    json_decref(v);
    return NULL;
  }
  /* A more indented line right after a one-line value would be a
   * multi-line plain scalar or a mistake; both are rejected. */
  size_t save = p->pos;
  int ind = next_content(p);
  if (ind == -2) {
    json_decref(v);
    return NULL;
  }
  if (ind > parent && parent >= 0) {
    size_t bad = p->pos + (size_t)ind;
    json_decref(v);
    return fail_at(p, bad,
                   "unexpected indentation (multi-line plain "
                   "scalars are not supported)");
  }
  p->pos = save;
  return v;
}

/* The value of a key or sequence entry whose line ended after the ':' or
 * '-': a nested block on the following lines, or null. With seq_same a
 * sequence at the parent's own indentation is accepted ("key:\n- a"). */
static json_t *parse_block_node(yp *p, int parent, bool seq_same) {
  int ind = next_content(p);
  if (ind == -2)
    return NULL;
  if (ind < 0)
    return json_null();
  size_t at = p->pos + (size_t)ind;
  bool seq = seq_entry_at(p, at);
  if (ind < parent || (ind == parent && !(seq_same && seq)))
    return json_null();
  if (++p->depth > YAML_MAX_DEPTH) {
    p->depth--;
    return fail_at(p, at, "nesting deeper than %d", YAML_MAX_DEPTH);
  }
  json_t *v;
  size_t after;
  if (seq) {
    v = parse_block_seq(p, ind);
  } else if (key_at(p, at, &after)) {
    v = parse_block_map(p, ind, at);
  } else {
    p->pos = at;
    v = parse_inline(p, parent);
  }
  p->depth--;
  return v;
}

/* A block mapping whose keys are at column ind. first is the offset of the
 * first key (which may be mid-line, after "- "); p->pos is on that line. */
static json_t *parse_block_map(yp *p, int ind, size_t first) {
  json_t *obj = json_object();
  if (!obj)
    return nomem(p);
  size_t at = first;
  for (;;) {
    size_t after = 0;
    if (!key_at(p, at, &after)) {
      json_decref(obj);
      if (seq_entry_at(p, at))
        return fail_at(p, at,
                       "expected 'key: value', found a sequence "
                       "entry");
      return fail_at(p, at, "expected 'key: value'");
    }
    json_t *key;
    if (p->s[at] == '"' || p->s[at] == '\'') {
      p->pos = at;
      key = parse_quoted(p);
    } else {
      size_t ke = after - 1;
      while (ke > at && is_blank(p->s[ke - 1]))
        ke--;
      const char *why = bad_start(p->s[at]);
      key =
          why ? fail_at(p, at, "%s", why) : make_string(p, p->s + at, ke - at);
    }
    if (!key) {
      json_decref(obj);
      return NULL;
    }
    const char *k = json_string_value(key);
    if (json_object_get(obj, k)) {
      json_decref(key);
      json_decref(obj);
      return fail_at(p, at, "duplicate key");
    }
    p->pos = after;
    while (p->pos < p->n && is_blank(p->s[p->pos]))
      p->pos++;
    json_t *val;
    if (rest_blank(p, p->pos)) {
      p->pos = next_line(p, p->pos);
      val = parse_block_node(p, ind, true);
    } else {
      val = parse_inline(p, ind);
    }
    if (!val) {
      json_decref(key);
      json_decref(obj);
      return NULL;
    }
    int rc = json_object_set_new(obj, k, val);
    json_decref(key);
    if (rc) {
      json_decref(obj);
      return nomem(p);
    }
    int next = next_content(p);
    if (next == -2) {
      json_decref(obj);
      return NULL;
    }
    if (next < 0 || next < ind || (next == 0 && doc_marker(p, p->pos)))
      return obj;
    at = p->pos + (size_t)next;
    if (next > ind) {
      json_decref(obj);
      return fail_at(p, at, "unexpected indentation");
    }
  }
}

/* A block sequence whose '-' entries are at column ind; p->pos is at the
 * start of the first entry's line. */
static json_t *parse_block_seq(yp *p, int ind) {
  json_t *arr = json_array();
  if (!arr)
    return nomem(p);
  for (;;) {
    size_t dash = p->pos + (size_t)ind;
    size_t i = dash + 1;
    while (i < p->n && is_blank(p->s[i]))
      i++;
    json_t *v;
    size_t after;
    if (rest_blank(p, i)) {
      p->pos = next_line(p, i);
      v = parse_block_node(p, ind, false);
    } else if (seq_entry_at(p, i)) {
      v = fail_at(p, i, "nested sequences on one line are not supported");
    } else if (key_at(p, i, &after)) {
      p->pos = i;
      if (++p->depth > YAML_MAX_DEPTH)
        v = fail_at(p, i, "nesting deeper than %d", YAML_MAX_DEPTH);
      else
        v = parse_block_map(p, (int)(i - line_start(p, i)), i);
      p->depth--;
    } else {
      p->pos = i;
      v = parse_inline(p, ind);
    }
    if (!v) {
      json_decref(arr);
      return NULL;
    }
    if (json_array_append_new(arr, v)) {
      json_decref(arr);
      return nomem(p);
    }
    int next = next_content(p);
    if (next == -2) {
      json_decref(arr);
      return NULL;
    }
    if (next < 0 || next < ind || (next == 0 && doc_marker(p, p->pos)))
      return arr;
    size_t at = p->pos + (size_t)next;
    if (next > ind) {
      json_decref(arr);
      return fail_at(p, at, "unexpected indentation");
    }
    if (!seq_entry_at(p, at))
      return arr; /* a key of the enclosing mapping at the same column */
  }
}

/* ======================================================================
 * Documents
 * ====================================================================== */

json_t *plan__yaml_parse(const char *text, size_t len, const char *source,
                         plan_error *err) {
  yp p = {text ? text : "",
          text ? len : 0,
          0,
          source ? source : "yaml",
          err,
          0,
          false};
  if (!check_utf8(&p))
    return NULL;
  /* A UTF-8 byte order mark is allowed at the very start. */
  if (p.n >= 3 && !memcmp(p.s, "\xef\xbb\xbf", 3))
    p.pos = 3;
  int ind = next_content(&p);
  if (ind == -2)
    return NULL;
  if (ind == 0 && p.s[p.pos] == '%')
    return fail_at(&p, p.pos, "directives are not supported");
  json_t *v;
  if (ind == 0 && marker_at(&p, p.pos, "---")) {
    size_t i = p.pos + 3;
    while (i < p.n && is_blank(p.s[i]))
      i++;
    if (rest_blank(&p, i)) {
      p.pos = next_line(&p, i);
      v = parse_block_node(&p, -1, false);
    } else {
      p.pos = i;
      v = parse_inline(&p, -1);
    }
  } else {
    v = parse_block_node(&p, -1, false);
  }
  if (!v)
    return NULL;
  ind = next_content(&p);
  if (ind == -2) {
    json_decref(v);
    return NULL;
  }
  if (ind >= 0) {
    size_t at = p.pos + (size_t)ind;
    if (ind == 0 && marker_at(&p, at, "...")) {
      p.pos = next_line(&p, at);
      if (next_content(&p) < 0)
        return v;
      at = p.pos;
    }
    json_decref(v);
    if (marker_at(&p, at, "---"))
      return fail_at(&p, at, "several documents are not supported");
    return fail_at(&p, at, "unexpected content (check the indentation)");
  }
  return v;
}

json_t *plan__yaml_load(const char *path, plan_error *err) {
  char *text = NULL;
  size_t len = 0;
  if (plan__read_file(path, (size_t)16 << 20, &text, &len, err) != PLAN_OK)
    return NULL;
  json_t *v = plan__yaml_parse(text, len, path, err);
  plan__free(text);
  return v;
}
