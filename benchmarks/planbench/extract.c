/* benchmarks/planbench/extract.c: text -> plan, the way PlanBench's Python
 * code turns an LLM answer into the PDDL plan it hands to VAL.
 *
 * The procedures follow the upstream functions step by step, including
 * their quirks (an object mentioned twice counts once, Logistics vehicles
 * are told apart by the letters 'a' and 't', a numbered line without
 * objects raises), because the recorded verdicts depend on them. Python
 * string semantics are kept where they matter: str.split()/strip() treat
 * the Unicode white space characters as white space, split(sep)[1] is the
 * text between the first and the second separator. Lowercasing and digit
 * tests are ASCII-only (Python's are Unicode-wide; this differs only for
 * non-ASCII capitals that lowercase to ASCII and non-ASCII digits, which
 * do not occur in the recorded answers).
 */
#include <string.h>

#include "benchmarks/planbench/planbench.h"

/* ======================================================================
 * Python string helpers
 * ====================================================================== */

/* The byte length of the white space character at s (Python's
 * str.isspace()), or 0. */
static size_t py_space(const char *s, size_t n) {
  if (n == 0)
    return 0;
  unsigned char c = (unsigned char)s[0];
  if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f))
    return 1;
  if (c == 0xc2 && n >= 2 &&
      ((unsigned char)s[1] == 0x85 || (unsigned char)s[1] == 0xa0))
    return 2;
  if (c == 0xe1 && n >= 3 && (unsigned char)s[1] == 0x9a &&
      (unsigned char)s[2] == 0x80)
    return 3; /* U+1680 */
  if (c == 0xe2 && n >= 3) {
    unsigned char c1 = (unsigned char)s[1];
    unsigned char c2 = (unsigned char)s[2];
    if (c1 == 0x80 && (c2 <= 0x8a || c2 == 0xa8 || c2 == 0xa9 || c2 == 0xaf))
      return 3; /* U+2000..200A, U+2028, U+2029, U+202F */
    if (c1 == 0x81 && c2 == 0x9f)
      return 3; /* U+205F */
  }
  if (c == 0xe3 && n >= 3 && (unsigned char)s[1] == 0x80 &&
      (unsigned char)s[2] == 0x80)
    return 3; /* U+3000 */
  return 0;
}

/* The byte length of the white space character that ends s[0..n), or 0. */
static size_t py_space_back(const char *s, size_t n) {
  for (size_t k = 1; k <= 3 && k <= n; k++)
    if (py_space(s + n - k, k) == k)
      return k;
  return 0;
}

typedef struct slice {
  const char *s;
  size_t n;
} slice;

static slice py_strip(slice x) {
  for (size_t k = py_space(x.s, x.n); k > 0; k = py_space(x.s, x.n)) {
    x.s += k;
    x.n -= k;
  }
  for (size_t k = py_space_back(x.s, x.n); k > 0; k = py_space_back(x.s, x.n))
    x.n -= k;
  return x;
}

/* Finds needle in x; returns its offset or SIZE_MAX. */
static size_t find(slice x, const char *needle) {
  size_t m = strlen(needle);
  if (m == 0)
    return 0;
  if (m > x.n)
    return SIZE_MAX;
  for (size_t i = 0; i + m <= x.n; i++)
    if (x.s[i] == needle[0] && !memcmp(x.s + i, needle, m))
      return i;
  return SIZE_MAX;
}

static bool contains(slice x, const char *needle) {
  return find(x, needle) != SIZE_MAX;
}

/* x.split(sep)[k] for k = 0 or 1 (the caller checked that sep occurs when
 * k is 1). */
static slice split_part(slice x, const char *sep, int k) {
  size_t at = find(x, sep);
  if (at == SIZE_MAX)
    return x;
  if (k == 0)
    return (slice){x.s, at};
  slice rest = {x.s + at + strlen(sep), x.n - at - strlen(sep)};
  size_t next = find(rest, sep);
  if (next != SIZE_MAX)
    rest.n = next;
  return rest;
}

/* The next line of *rest (without its '\n'); false when exhausted. Like
 * Python's split("\n"), "a\n" gives "a" and "". */
static bool next_line(slice *rest, bool *done, slice *line) {
  if (*done)
    return false;
  size_t i = 0;
  while (i < rest->n && rest->s[i] != '\n')
    i++;
  *line = (slice){rest->s, i};
  if (i == rest->n) {
    *done = true;
  } else {
    rest->s += i + 1;
    rest->n -= i + 1;
  }
  return true;
}

/* The next white-space-separated token of *x (Python split()). */
static bool next_token(slice *x, slice *tok) {
  for (size_t k = py_space(x->s, x->n); x->n && k > 0;
       k = py_space(x->s, x->n)) {
    x->s += k;
    x->n -= k;
  }
  if (!x->n)
    return false;
  size_t i = 0;
  while (i < x->n && !py_space(x->s + i, x->n - i))
    i++;
  *tok = (slice){x->s, i};
  x->s += i;
  x->n -= i;
  return true;
}

static bool slice_eq(slice x, const char *s) {
  return strlen(s) == x.n && !memcmp(x.s, s, x.n);
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Appends x lowercased. */
static void put_lower(plan__buf *b, slice x) {
  for (size_t i = 0; i < x.n; i++)
    plan__buf_putc(b, lower(x.s[i]));
}

/* Appends x without the characters in drop and, with no_digits, without
 * ASCII digits. */
static void put_without(plan__buf *b, slice x, const char *drop,
                        bool no_digits) {
  for (size_t i = 0; i < x.n; i++) {
    char c = x.s[i];
    if (strchr(drop, c) && c != '\0')
      continue;
    if (no_digits && is_digit(c))
      continue;
    plan__buf_putc(b, c);
  }
}

/* Appends x with every occurrence of from replaced by to (left to right,
 * non-overlapping, as str.replace). */
static void put_replaced(plan__buf *b, slice x, const char *from,
                         const char *to) {
  size_t m = strlen(from);
  size_t i = 0;
  while (i < x.n) {
    if (m && i + m <= x.n && !memcmp(x.s + i, from, m)) {
      plan__buf_puts(b, to);
      i += m;
    } else {
      plan__buf_putc(b, x.s[i]);
      i++;
    }
  }
}

static slice buf_slice(const plan__buf *b) {
  return (slice){b->data ? b->data : "", b->len};
}

/* Pushes line trimmed (Python strip) unless it is empty. */
static plan_status push_line(plan__pb_plan *out, slice line) {
  line = py_strip(line);
  return line.n ? plan__pb_plan_push(out, line.s, line.n) : PLAN_OK;
}

/* ======================================================================
 * Rule-based extraction of natural-language answers (text_to_plan)
 * ====================================================================== */

/* Keeps the part after the first ':' (up to the second) of every line that
 * contains "Action:", joined by newlines: the state-tracking answers. */
static void cot_filter(slice text, plan__buf *b) {
  slice rest = text;
  bool done = false;
  slice line;
  bool first = true;
  while (next_line(&rest, &done, &line)) {
    if (py_strip(line).n == 0 || !contains(line, "Action:"))
      continue;
    slice after = split_part(line, ":", 1);
    if (!first)
      plan__buf_putc(b, '\n');
    first = false;
    slice t = py_strip(after);
    plan__buf_append(b, t.s, t.n);
  }
}

/* The word of an action's template that text_to_plan_blocksworld replaces
 * by the action name: "pick up the {}" for pick-up gives "pick up" (the
 * first word occurs in the name, so the name with spaces for hyphens),
 * "attack {}" gives "attack". Appends it to b. */
static void action_phrase(const plan__pb_pair *a, plan__buf *b) {
  const char *sp = strchr(a->value, ' ');
  size_t wn = sp ? (size_t)(sp - a->value) : strlen(a->value);
  bool in_name = false;
  size_t kn = strlen(a->key);
  for (size_t i = 0; i + wn <= kn; i++)
    if (!memcmp(a->key + i, a->value, wn)) {
      in_name = true;
      break;
    }
  if (in_name) {
    for (size_t i = 0; i < kn; i++)
      plan__buf_putc(b, a->key[i] == '-' ? ' ' : a->key[i]);
  } else {
    plan__buf_append(b, a->value, wn);
  }
}

typedef struct found_obj {
  size_t pos;
  const char *name; /* lowercased encoded name */
  const char *key;
} found_obj;

static int found_cmp(const void *a, const void *b) {
  const found_obj *x = a;
  const found_obj *y = b;
  if (x->pos != y->pos)
    return x->pos < y->pos ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* text_to_plan_blocksworld: Blocksworld and Mystery Blocksworld. */
static plan_status nl_blocks(const plan__pb_config *cfg, slice text,
                             plan__pb_plan *out, bool *failed) {
  plan_status st = PLAN_OK;
  plan__buf t;
  plan__buf cur;
  plan__buf line_buf;
  char **names = NULL;
  const char **keys = NULL;
  found_obj *found = NULL;
  plan__buf_init(&t, 0);
  plan__buf_init(&cur, 0);
  plan__buf_init(&line_buf, 0);
  size_t n_obj = cfg->n_objects;
  names = plan__calloc(n_obj ? n_obj : 1, sizeof *names);
  keys = plan__calloc(n_obj ? n_obj : 1, sizeof *keys);
  found = plan__calloc(n_obj ? n_obj : 1, sizeof *found);
  if (!names || !keys || !found) {
    st = PLAN_ENOMEM;
    goto done;
  }
  /* Lowercased object names and their letters: the value -> key map of
   * the original names (the last key wins, as in a Python dict). A
   * lowercased name that is not an original value raises (KeyError). */
  for (size_t i = 0; i < n_obj; i++) {
    plan__buf nb;
    plan__buf_init(&nb, 0);
    put_lower(&nb,
              (slice){cfg->objects[i].value, strlen(cfg->objects[i].value)});
    if (nb.status != PLAN_OK) {
      plan__buf_free(&nb);
      st = PLAN_ENOMEM;
      goto done;
    }
    names[i] = plan__buf_take(&nb);
    for (size_t j = 0; j < n_obj; j++)
      if (!strcmp(cfg->objects[j].value, names[i]))
        keys[i] = cfg->objects[j].key;
  }

  /* Lowercase, strip, cut the [PLAN] section, name the actions. */
  put_lower(&t, text);
  slice s = py_strip(buf_slice(&t));
  if (contains(s, "### plan:"))
    s = split_part(s, "### plan:", 1);
  if (contains(s, "[plan]")) {
    s = split_part(s, "[plan]", 1);
    if (contains(s, "[plan end]"))
      s = split_part(s, "[plan end]", 0);
  }
  plan__buf_append(&cur, s.s, s.n);
  for (size_t a = 0; a < cfg->n_actions; a++) {
    plan__buf phrase;
    plan__buf next;
    plan__buf_init(&phrase, 0);
    plan__buf_init(&next, 0);
    action_phrase(&cfg->actions[a], &phrase);
    put_replaced(&next, buf_slice(&cur), phrase.data ? phrase.data : "",
                 cfg->actions[a].key);
    plan__buf_free(&phrase);
    plan__buf_free(&cur);
    cur = next;
  }
  if (cur.status != PLAN_OK || t.status != PLAN_OK) {
    st = PLAN_ENOMEM;
    goto done;
  }

  slice rest = buf_slice(&cur);
  bool done_lines = false;
  slice raw;
  while (next_line(&rest, &done_lines, &raw)) {
    plan__buf_reset(&line_buf);
    put_without(&line_buf, py_strip(raw), "*", false);
    if (line_buf.status != PLAN_OK) {
      st = PLAN_ENOMEM;
      goto done;
    }
    slice line = buf_slice(&line_buf);
    /* The first action (in config order) that is a whole token. */
    const plan__pb_pair *act = NULL;
    for (size_t a = 0; a < cfg->n_actions && !act; a++) {
      slice toks = line;
      slice tok;
      while (next_token(&toks, &tok))
        if (slice_eq(tok, cfg->actions[a].key)) {
          act = &cfg->actions[a];
          break;
        }
    }
    if (!act)
      continue;
    int arity = plan__pb_action_arity(cfg, act->key);
    size_t nf = 0;
    for (size_t i = 0; i < n_obj; i++) {
      size_t pos = find(line, names[i]);
      if (pos != SIZE_MAX)
        found[nf++] = (found_obj){pos, names[i], keys[i]};
    }
    if ((int)nf != arity)
      continue;
    qsort(found, nf, sizeof *found, found_cmp);
    plan__buf step;
    plan__buf_init(&step, 0);
    plan__buf_printf(&step, "(%s ", act->key);
    for (size_t i = 0; i < nf; i++) {
      if (!found[i].key) {
        plan__buf_free(&step);
        *failed = true; /* KeyError in the upstream code */
        plan__pb_plan_free(out);
        goto done;
      }
      if (i)
        plan__buf_putc(&step, ' ');
      plan__buf_puts(&step, found[i].key);
    }
    plan__buf_putc(&step, ')');
    if (step.status != PLAN_OK || push_line(out, buf_slice(&step)) != PLAN_OK) {
      plan__buf_free(&step);
      st = PLAN_ENOMEM;
      goto done;
    }
    plan__buf_free(&step);
  }
done:
  for (size_t i = 0; names && i < n_obj; i++)
    plan__free(names[i]);
  plan__free(names);
  plan__free(keys);
  plan__free(found);
  plan__buf_free(&t);
  plan__buf_free(&cur);
  plan__buf_free(&line_buf);
  return st;
}

static bool has_digit(slice x) {
  for (size_t i = 0; i < x.n; i++)
    if (is_digit(x.s[i]))
      return true;
  return false;
}

/* The byte length of the UTF-8 character at s (1 for a stray byte). */
static size_t utf8_len(const char *s, size_t n) {
  unsigned char c = (unsigned char)s[0];
  size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
  return k <= n ? k : 1;
}

/* One Logistics object from a token with a digit: its first character and
 * the '_'-separated parts after the first joined by '-'
 * ("location_0_1" -> "l0-1"). */
static void logistics_obj(slice tok, plan__buf *b) {
  size_t k = utf8_len(tok.s, tok.n);
  plan__buf_append(b, tok.s, k);
  size_t us = 0;
  while (us < tok.n && tok.s[us] != '_')
    us++;
  bool first = true;
  size_t i = us;
  while (i < tok.n) {
    size_t j = i + 1;
    while (j < tok.n && tok.s[j] != '_')
      j++;
    if (!first)
      plan__buf_putc(b, '-');
    first = false;
    plan__buf_append(b, tok.s + i + 1, j - i - 1);
    i = j;
  }
}

/* text_to_plan_logistics. Returns with *failed set where the upstream
 * code raises. */
static plan_status nl_logistics(const plan__pb_config *cfg, slice text,
                                plan__pb_plan *out, bool *failed) {
  plan_status st = PLAN_OK;
  plan__buf line_buf;
  plan__buf stripped;
  plan__buf ob;
  plan__buf step;
  plan__pb_plan objs = {0};
  plan__buf_init(&line_buf, 0);
  plan__buf_init(&stripped, 0);
  plan__buf_init(&ob, 0);
  plan__buf_init(&step, 0);
  slice rest = text;
  bool done_lines = false;
  slice raw;
  while (st == PLAN_OK && !*failed && next_line(&rest, &done_lines, &raw)) {
    plan__buf_reset(&line_buf);
    put_lower(&line_buf, py_strip(raw));
    slice line = buf_slice(&line_buf);
    if (line.n == 0)
      continue;
    /* "1." and "12." numbering; Python raises IndexError when the line
     * ends inside the test. */
    plan__buf_reset(&stripped);
    if (is_digit(line.s[0]) && line.n < 2) {
      *failed = true;
      break;
    }
    if (is_digit(line.s[0]) && line.s[1] == '.') {
      put_without(&stripped, (slice){line.s + 2, line.n - 2}, ".", false);
    } else if (is_digit(line.s[0]) && is_digit(line.s[1])) {
      if (line.n < 3) {
        *failed = true;
        break;
      }
      if (line.s[2] == '.')
        put_without(&stripped, (slice){line.s + 3, line.n - 3}, ".", false);
      else
        plan__buf_append(&stripped, line.s, line.n);
    } else {
      plan__buf_append(&stripped, line.s, line.n);
    }
    line = buf_slice(&stripped);
    /* Objects: every token with a digit. */
    plan__pb_plan_free(&objs);
    slice toks = line;
    slice tok;
    while (st == PLAN_OK && next_token(&toks, &tok)) {
      if (!has_digit(tok))
        continue;
      plan__buf_reset(&ob);
      logistics_obj(tok, &ob);
      st = ob.status != PLAN_OK ? PLAN_ENOMEM
                                : plan__pb_plan_push(&objs, ob.data, ob.len);
    }
    if (st != PLAN_OK)
      break;
    toks = line;
    slice first;
    if (!next_token(&toks, &first)) {
      *failed = true; /* line.split()[0] on what the numbering left */
      break;
    }
    bool verb = false;
    for (size_t a = 0; a < cfg->n_actions && !verb; a++) {
      const char *k = cfg->actions[a].key;
      const char *dash = strchr(k, '-');
      size_t kn = dash ? (size_t)(dash - k) : strlen(k);
      verb = first.n == kn && !memcmp(first.s, k, kn);
    }
    if (!verb)
      continue;
    size_t check = contains(first, "load") ? 1 : 0; /* also "unload" */
    if (objs.n <= check) {
      *failed = true; /* objs[1] / objs[0]: IndexError */
      break;
    }
    slice tc = {objs.steps[check], strlen(objs.steps[check])};
    const char *kind;
    if (contains(tc, "a"))
      kind = "-airplane";
    else if (contains(tc, "t"))
      kind = "-truck";
    else {
      *failed = true; /* ValueError */
      break;
    }
    plan__buf_reset(&step);
    plan__buf_putc(&step, '(');
    plan__buf_append(&step, first.s, first.n);
    plan__buf_puts(&step, kind);
    bool drive = !strcmp(step.data ? step.data : "", "(drive-truck");
    char city_digit = 0;
    if (drive && objs.n == 3) {
      for (const char *c = objs.steps[1]; *c && !city_digit; c++)
        if (is_digit(*c))
          city_digit = *c;
      if (!city_digit) {
        *failed = true; /* [...][0] on no digits: IndexError */
        break;
      }
    }
    plan__buf_putc(&step, ' ');
    for (size_t i = 0; i < objs.n; i++) {
      if (i)
        plan__buf_putc(&step, ' ');
      plan__buf_puts(&step, objs.steps[i]);
    }
    if (city_digit) {
      plan__buf_puts(&step, " c");
      plan__buf_putc(&step, city_digit);
    }
    plan__buf_putc(&step, ')');
    st =
        step.status != PLAN_OK ? PLAN_ENOMEM : push_line(out, buf_slice(&step));
  }
  if (line_buf.status != PLAN_OK || stripped.status != PLAN_OK)
    st = PLAN_ENOMEM;
  if (*failed)
    plan__pb_plan_free(out);
  plan__pb_plan_free(&objs);
  plan__buf_free(&line_buf);
  plan__buf_free(&stripped);
  plan__buf_free(&ob);
  plan__buf_free(&step);
  return st;
}

/* ======================================================================
 * PDDL answers (save_gpt3_response)
 * ====================================================================== */

/* 2024: every line that starts with '(' and has neither "()" nor
 * "no actions", lowercased and stripped. */
static plan_status pddl_v2(slice text, plan__pb_plan *out) {
  slice rest = text;
  bool done = false;
  slice line;
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_status st = PLAN_OK;
  while (st == PLAN_OK && next_line(&rest, &done, &line)) {
    if (!line.n || line.s[0] != '(' || contains(line, "()") ||
        contains(line, "no actions"))
      continue;
    plan__buf_reset(&b);
    put_lower(&b, line);
    st = b.status != PLAN_OK ? PLAN_ENOMEM : push_line(out, buf_slice(&b));
  }
  plan__buf_free(&b);
  return st;
}

/* 2023: up to a "[PLAN END]" line, the text line[find('(')+1 :
 * find(')')] (Python slicing, so a missing ')' cuts the last character)
 * when its first word is a domain action. */
static plan_status pddl_v1(const plan__pb_config *cfg, slice text,
                           plan__pb_plan *out) {
  slice rest = text;
  bool done = false;
  slice line;
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_status st = PLAN_OK;
  while (st == PLAN_OK && next_line(&rest, &done, &line)) {
    if (contains(line, "[PLAN END]"))
      break;
    size_t open = find(line, "(");
    size_t close = find(line, ")");
    long lo = open == SIZE_MAX ? 0 : (long)open + 1;
    long hi = close == SIZE_MAX ? (long)line.n - 1 : (long)close;
    if (lo > (long)line.n)
      lo = (long)line.n;
    if (hi < lo)
      hi = lo;
    slice action = {line.s + lo, (size_t)(hi - lo)};
    slice t = action;
    slice word;
    if (!next_token(&t, &word))
      continue;
    bool known = false;
    for (size_t a = 0; a < cfg->n_actions && !known; a++) {
      const char *k = cfg->actions[a].key;
      if (strlen(k) != word.n)
        continue;
      known = true;
      for (size_t i = 0; i < word.n; i++)
        if (lower(word.s[i]) != lower(k[i]))
          known = false;
    }
    if (!known)
      continue;
    plan__buf_reset(&b);
    plan__buf_putc(&b, '(');
    put_lower(&b, action);
    plan__buf_putc(&b, ')');
    st = b.status != PLAN_OK ? PLAN_ENOMEM : push_line(out, buf_slice(&b));
  }
  plan__buf_free(&b);
  return st;
}

/* ======================================================================
 * LLM translations (text_to_plan_with_llm)
 * ====================================================================== */

static const char *const bw_names[] = {"unstack",  "stack",  "pick-up",
                                       "put-down", "pickup", "putdown",
                                       "put_down", "pick_up"};

/* The Blocksworld branch: names normalised, colour words mapped to the
 * letters of encoded_objects_compact. */
static plan_status llm_blocks_line(const plan__pb_config *cfg, slice line,
                                   plan__pb_plan *out) {
  if (py_strip(line).n == 0)
    return PLAN_OK;
  plan__buf a;
  plan__buf_init(&a, 0);
  put_without(&a, line, "().", true);
  if (a.status != PLAN_OK) {
    plan__buf_free(&a);
    return PLAN_ENOMEM;
  }
  slice act = buf_slice(&a);
  plan_status st = PLAN_OK;
  slice toks = act;
  slice name;
  if (slice_eq(act, "no plan possible") || !next_token(&toks, &name)) {
    plan__buf_free(&a);
    return PLAN_OK;
  }
  bool known = false;
  for (size_t i = 0; i < PLAN_ARRAY_LEN(bw_names); i++)
    if (slice_eq(name, bw_names[i]))
      known = true;
  if (!known) {
    plan__buf_free(&a);
    return PLAN_OK;
  }
  plan__buf step;
  plan__buf_init(&step, 0);
  plan__buf_putc(&step, '(');
  if (slice_eq(name, "pickup") || slice_eq(name, "pick_up"))
    plan__buf_puts(&step, "pick-up");
  else if (slice_eq(name, "putdown") || slice_eq(name, "put_down"))
    plan__buf_puts(&step, "put-down");
  else
    plan__buf_append(&step, name.s, name.n);
  slice obj;
  while (next_token(&toks, &obj)) {
    for (size_t k = 0; k < cfg->n_objects_compact; k++) {
      if (contains(obj, cfg->objects_compact[k].value)) {
        plan__buf_putc(&step, ' ');
        plan__buf_puts(&step, cfg->objects_compact[k].key);
        break;
      }
    }
  }
  plan__buf_putc(&step, ')');
  st = step.status != PLAN_OK ? PLAN_ENOMEM : push_line(out, buf_slice(&step));
  plan__buf_free(&step);
  plan__buf_free(&a);
  return st;
}

/* The Mystery branch (on text with "object_" already removed) and the
 * generic branch (with "object_" -> "o"); they differ in that Mystery also
 * drops '*' and digits and rewraps the action without inner parentheses. */
static plan_status llm_simple_line(slice line, bool mystery,
                                   plan__pb_plan *out) {
  if (py_strip(line).n == 0)
    return PLAN_OK;
  if (slice_eq(line, "no plan possible"))
    return plan__pb_plan_push(out, "(no plan possible)", 18);
  plan__buf a;
  plan__buf_init(&a, 0);
  put_without(&a, line, mystery ? ".*" : ".", mystery);
  if (a.status != PLAN_OK) {
    plan__buf_free(&a);
    return PLAN_ENOMEM;
  }
  slice act = py_strip(buf_slice(&a));
  plan_status st = PLAN_OK;
  if (act.n && act.s[0] == '(' && !contains(act, "pddl plan")) {
    if (mystery) {
      plan__buf w;
      plan__buf_init(&w, 0);
      plan__buf_putc(&w, '(');
      slice inner = {act.s, act.n};
      plan__buf inner_b;
      plan__buf_init(&inner_b, 0);
      put_without(&inner_b, inner, "()", false);
      slice in = py_strip(buf_slice(&inner_b));
      plan__buf_append(&w, in.s, in.n);
      plan__buf_putc(&w, ')');
      st = (w.status != PLAN_OK || inner_b.status != PLAN_OK)
               ? PLAN_ENOMEM
               : push_line(out, buf_slice(&w));
      plan__buf_free(&inner_b);
      plan__buf_free(&w);
    } else {
      st = push_line(out, act);
    }
  }
  plan__buf_free(&a);
  return st;
}

static plan_status llm(const plan__pb_config *cfg, slice text, bool v1,
                       plan__pb_plan *out) {
  slice sec;
  if (contains(text, "[PDDL PLAN]"))
    sec = split_part(split_part(text, "[PDDL PLAN]", 1), "[PDDL PLAN END]", 0);
  else
    sec = split_part(text, "[PDDL PLAN END]", 0);
  sec = py_strip(sec);
  plan__buf low;
  plan__buf_init(&low, 0);
  put_lower(&low, sec);
  const char *dn = cfg->domain_name;
  bool blocks = !strcmp(dn, "blocksworld") || !strcmp(dn, "blocksworld_3");
  bool mystery = !strcmp(dn, "mystery_blocksworld") ||
                 !strcmp(dn, "mystery_blocksworld_3");
  bool logistics = !strcmp(dn, "logistics");
  plan__buf text2;
  plan__buf_init(&text2, 0);
  if (v1) {
    /* Only the lines that start with '(' (and the bare "no plan
     * possible"), then the per-domain step below. */
    slice rest = buf_slice(&low);
    bool done = false;
    slice line;
    while (next_line(&rest, &done, &line)) {
      if (slice_eq(line, "no plan possible")) {
        plan__buf_puts(&text2, "(no plan possible)\n");
      } else if (line.n && line.s[0] == '(' && !contains(line, "pddl plan")) {
        slice t = py_strip(line);
        plan__buf_append(&text2, t.s, t.n);
        plan__buf_putc(&text2, '\n');
      }
    }
  } else if (mystery) {
    put_replaced(&text2, buf_slice(&low), "object_", "");
  } else if (!blocks && !logistics) {
    put_replaced(&text2, buf_slice(&low), "object_", "o");
  } else {
    plan__buf_append(&text2, low.data ? low.data : "", low.len);
  }
  plan__buf_free(&low);
  if (text2.status != PLAN_OK) {
    plan__buf_free(&text2);
    return PLAN_ENOMEM;
  }
  plan_status st = PLAN_OK;
  slice rest = buf_slice(&text2);
  bool done = false;
  slice line;
  while (st == PLAN_OK && next_line(&rest, &done, &line)) {
    if (blocks) {
      st = llm_blocks_line(cfg, line, out);
    } else if (v1) {
      if (mystery) {
        plan__buf r;
        plan__buf_init(&r, 0);
        put_replaced(&r, line, "object_", "");
        st = r.status != PLAN_OK ? PLAN_ENOMEM : push_line(out, buf_slice(&r));
        plan__buf_free(&r);
      } else {
        st = push_line(out, line);
      }
    } else if (logistics) {
      /* Upstream builds a filtered list here but returns the section
       * text itself. */
      st = push_line(out, line);
    } else {
      st = llm_simple_line(line, mystery, out);
    }
  }
  plan__buf_free(&text2);
  return st;
}

/* ======================================================================
 * Entry points
 * ====================================================================== */

static const char *const x_names[] = {"auto",    "nl",  "nl-cot", "pddl",
                                      "pddl-v1", "llm", "llm-v1"};

const char *plan__pb_extractor_name(plan__pb_extractor x) {
  return (size_t)x < PLAN_ARRAY_LEN(x_names) ? x_names[x] : "?";
}

bool plan__pb_extractor_parse(const char *name, plan__pb_extractor *out) {
  for (size_t i = 0; i < PLAN_ARRAY_LEN(x_names); i++)
    if (!strcmp(name, x_names[i])) {
      *out = (plan__pb_extractor)i;
      return true;
    }
  return false;
}

bool plan__pb_extractor_uses_translation(plan__pb_extractor x) {
  return x == PLAN__PB_X_LLM || x == PLAN__PB_X_LLM_V1;
}

plan_status plan__pb_extract(const plan__pb_config *cfg, plan__pb_extractor x,
                             const char *text, plan__pb_plan *out,
                             bool *failed) {
  *failed = false;
  if (!cfg || !out)
    return PLAN_EINVAL;
  slice t = {text ? text : "", text ? strlen(text) : 0};
  plan_status st = PLAN_EINVAL;
  switch (x) {
  case PLAN__PB_X_NL:
  case PLAN__PB_X_NL_COT: {
    plan__buf cot;
    plan__buf_init(&cot, 0);
    if (x == PLAN__PB_X_NL_COT) {
      cot_filter(t, &cot);
      if (cot.status != PLAN_OK) {
        plan__buf_free(&cot);
        return PLAN_ENOMEM;
      }
      t = buf_slice(&cot);
    }
    if (cfg->n_actions == 0)
      st = PLAN_EINVAL;
    else if (cfg->family == PLAN__PB_FAMILY_BLOCKS)
      st = nl_blocks(cfg, t, out, failed);
    else if (cfg->family == PLAN__PB_FAMILY_LOGISTICS)
      st = nl_logistics(cfg, t, out, failed);
    plan__buf_free(&cot);
    break;
  }
  case PLAN__PB_X_PDDL: st = pddl_v2(t, out); break;
  case PLAN__PB_X_PDDL_V1:
    st = cfg->n_actions ? pddl_v1(cfg, t, out) : PLAN_EINVAL;
    break;
  case PLAN__PB_X_LLM:
  case PLAN__PB_X_LLM_V1: st = llm(cfg, t, x == PLAN__PB_X_LLM_V1, out); break;
  case PLAN__PB_X_AUTO: st = PLAN_EINVAL; break;
  }
  if (st != PLAN_OK)
    plan__pb_plan_free(out);
  return st;
}
