/* worldmodel/pddl/sexp.c: the lexical layer of the PDDL parser. Turns text
 * into one S-expression tree with a position on every node, so that the
 * interpreters in parse.c can name file:line:column in every message. It
 * also holds the byte-key hash map the other files of worldmodel/pddl use.
 * The reader is iterative with a depth cap, so no input can exhaust the
 * stack.
 */
#include <string.h>

#include "worldmodel/pddl/pddl_int.h"

/* ======================================================================
 * Source labels
 * ====================================================================== */

const char *plan__pddl_src_label(const char *src) {
  if (!src)
    return "input";
  if (strlen(src) <= 48)
    return src;
  const char *slash = strrchr(src, '/');
  return slash ? slash + 1 : src;
}

/* ======================================================================
 * The reader
 * ====================================================================== */

#define MAX_SYMBOL 1024

typedef struct reader {
  const char *text;
  size_t len;
  size_t pos;
  int line;
  int col;
  const char *src;
  plan_error *err;
} reader;

static plan_status rd_error(reader *r, plan_status code, int line, int col,
                            const char *msg) {
  return plan__error_set(r->err, code, line, col, "%s:%d:%d: %s",
                         plan__pddl_src_label(r->src), line, col, msg);
}

static void rd_advance(reader *r) {
  if (r->text[r->pos] == '\n') {
    r->line++;
    r->col = 1;
  } else {
    r->col++;
  }
  r->pos++;
}

static bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

static bool is_delim(unsigned char c) {
  return is_space(c) || c == '(' || c == ')' || c == ';';
}

/* Skips whitespace and comments. */
static void rd_skip(reader *r) {
  while (r->pos < r->len) {
    unsigned char c = (unsigned char)r->text[r->pos];
    if (is_space(c)) {
      rd_advance(r);
    } else if (c == ';') {
      while (r->pos < r->len && r->text[r->pos] != '\n')
        rd_advance(r);
    } else {
      break;
    }
  }
}

/* A pending list: its kids sit on the shared kid stack from index start. */
typedef struct frame {
  size_t start;
  int line;
  int col;
} frame;

static pddl_sx *new_node(plan__arena *a, int line, int col) {
  pddl_sx *n = plan__arena_alloc(a, sizeof *n);
  if (n) {
    n->sym = NULL;
    n->kids = NULL;
    n->n = 0;
    n->line = line;
    n->col = col;
  }
  return n;
}

plan_status plan__pddl_sx_read(plan__arena *a, const char *text, size_t len,
                               const char *src, pddl_sx **out,
                               plan_error *err) {
  reader r = {text, len, 0, 1, 1, src, err};
  frame frames[PDDL_MAX_DEPTH];
  size_t depth = 0;
  pddl_sx **kids = NULL;
  size_t n_kids = 0;
  size_t cap_kids = 0;
  pddl_sx *root = NULL;
  plan_status st = PLAN_OK;
  *out = NULL;

  for (;;) {
    rd_skip(&r);
    if (r.pos >= r.len)
      break;
    unsigned char c = (unsigned char)text[r.pos];
    int line = r.line;
    int col = r.col;
    pddl_sx *node = NULL;
    if (c == '(') {
      if (root && depth == 0) {
        st = rd_error(&r, PLAN_EPARSE, line, col,
                      "unexpected text after the end of the definition");
        goto fail;
      }
      if (depth == PDDL_MAX_DEPTH) {
        st = rd_error(&r, PLAN_EPARSE, line, col,
                      "nesting deeper than 256 levels");
        goto fail;
      }
      frames[depth].start = n_kids;
      frames[depth].line = line;
      frames[depth].col = col;
      depth++;
      rd_advance(&r);
      continue;
    }
    if (c == ')') {
      if (depth == 0) {
        st = rd_error(&r, PLAN_EPARSE, line, col,
                      "unbalanced parentheses: unexpected ')'");
        goto fail;
      }
      depth--;
      node = new_node(a, frames[depth].line, frames[depth].col);
      if (!node)
        goto nomem;
      node->n = n_kids - frames[depth].start;
      if (node->n) {
        node->kids = plan__arena_alloc(a, node->n * sizeof *node->kids);
        if (!node->kids)
          goto nomem;
        memcpy(node->kids, kids + frames[depth].start,
               node->n * sizeof *node->kids);
      }
      n_kids = frames[depth].start;
      rd_advance(&r);
    } else {
      size_t start = r.pos;
      while (r.pos < r.len && !is_delim((unsigned char)text[r.pos])) {
        unsigned char b = (unsigned char)text[r.pos];
        if (b < 0x20 || b >= 0x7f) {
          char msg[64];
          plan__fmt(msg, sizeof msg, "unexpected character (byte 0x%02x)", b);
          st = rd_error(&r, PLAN_EPARSE, r.line, r.col, msg);
          goto fail;
        }
        rd_advance(&r);
      }
      size_t n = r.pos - start;
      if (n > MAX_SYMBOL) {
        st = rd_error(&r, PLAN_EPARSE, line, col,
                      "name longer than 1024 characters");
        goto fail;
      }
      if (depth == 0) {
        char msg[96];
        plan__fmt(msg, sizeof msg, "expected '(' but found '%.*s'",
                  (int)PLAN_MIN(n, 40), text + start);
        st = rd_error(&r, PLAN_EPARSE, line, col, msg);
        goto fail;
      }
      node = new_node(a, line, col);
      if (!node)
        goto nomem;
      char *s = plan__arena_strndup(a, text + start, n);
      if (!s)
        goto nomem;
      for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
          s[i] = (char)(s[i] - 'A' + 'a');
      node->sym = s;
    }
    if (depth == 0) {
      root = node;
      continue;
    }
    if (plan__grow((void **)&kids, &cap_kids, n_kids + 1, sizeof *kids))
      goto nomem;
    kids[n_kids++] = node;
  }
  if (depth > 0) {
    st =
        rd_error(&r, PLAN_EPARSE, frames[depth - 1].line, frames[depth - 1].col,
                 "unbalanced parentheses: '(' is never closed");
    goto fail;
  }
  if (!root) {
    st = rd_error(&r, PLAN_EPARSE, r.line, r.col,
                  "empty input: expected '(define ...)'");
    goto fail;
  }
  plan__free(kids);
  *out = root;
  return PLAN_OK;
nomem:
  st = rd_error(&r, PLAN_ENOMEM, r.line, r.col, "out of memory");
fail:
  plan__free(kids);
  return st;
}

/* ======================================================================
 * Byte-key hash map
 * ====================================================================== */

void plan__pddl_map_init(pddl_map *m) {
  m->slots = NULL;
  m->cap = 0;
  m->n = 0;
}

void plan__pddl_map_free(pddl_map *m) {
  plan__free(m->slots);
  plan__pddl_map_init(m);
}

static size_t map_find(const pddl_map_slot *slots, size_t cap, const void *key,
                       size_t len, uint64_t h) {
  size_t i = (size_t)h & (cap - 1);
  for (;;) {
    const pddl_map_slot *s = &slots[i];
    if (!s->key)
      return i;
    if (s->hash == h && s->len == len && !memcmp(s->key, key, len))
      return i;
    i = (i + 1) & (cap - 1);
  }
}

static plan_status map_rehash(pddl_map *m, size_t cap) {
  pddl_map_slot *slots = plan__calloc(cap, sizeof *slots);
  if (!slots)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < m->cap; i++) {
    const pddl_map_slot *s = &m->slots[i];
    if (s->key)
      slots[map_find(slots, cap, s->key, s->len, s->hash)] = *s;
  }
  plan__free(m->slots);
  m->slots = slots;
  m->cap = cap;
  return PLAN_OK;
}

plan_status plan__pddl_map_put(pddl_map *m, const void *key, size_t len,
                               uint32_t val, uint32_t *existing,
                               bool *inserted) {
  if (inserted)
    *inserted = false;
  if ((m->n + 1) * 4 > m->cap * 3) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    if (cap < m->cap || map_rehash(m, cap) != PLAN_OK)
      return PLAN_ENOMEM;
  }
  uint64_t h = plan__hash64(key, len, 0x9e3779b97f4a7c15ULL);
  size_t i = map_find(m->slots, m->cap, key, len, h);
  pddl_map_slot *s = &m->slots[i];
  if (!s->key) {
    s->key = key;
    s->len = len;
    s->hash = h;
    s->val = val;
    m->n++;
    if (inserted)
      *inserted = true;
  }
  if (existing)
    *existing = s->val;
  return PLAN_OK;
}

bool plan__pddl_map_get(const pddl_map *m, const void *key, size_t len,
                        uint32_t *out) {
  if (!m->cap)
    return false;
  uint64_t h = plan__hash64(key, len, 0x9e3779b97f4a7c15ULL);
  const pddl_map_slot *s = &m->slots[map_find(m->slots, m->cap, key, len, h)];
  if (!s->key)
    return false;
  if (out)
    *out = s->val;
  return true;
}
