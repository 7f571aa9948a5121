/* llm/parse.c: the extractors that turn an LLM's free-form reply into
 * something the planner can use: a JSON value (plan_parse_json), a score on
 * a rubric (plan_parse_score) and a list of items (plan_parse_list). It
 * sits in the LLM layer between the backends, which return raw text, and
 * the planner, which needs structure. Each parser is a ladder of rules
 * tried from the most to the least specific; the report names the rule
 * that matched and the byte range it matched (docs/parse.md lists them).
 *
 * All parsers share one pre-pass: a leading UTF-8 BOM and reasoning blocks
 * (<think>...</think>) are cut out, giving a "view" of the text, and a
 * segment map turns offsets in the view back into offsets in the caller's
 * text. Inputs are (pointer, length) pairs that may hold NUL bytes and
 * invalid UTF-8; nothing here relies on a terminating NUL.
 *
 * The PCRE2 patterns are compiled once, on first use, under a mutex, with
 * PCRE2_UTF. Compiled patterns and the match context are read-only after
 * that, so threads with distinct handles may parse at the same time; each
 * call owns its match data. PCRE2 allocates through plan__malloc/plan__free
 * via a general context.
 *
 * Invalid UTF-8 (a multibyte character cut between tokens) must never fail
 * a match. PCRE2_MATCH_INVALID_UTF does that, but it also makes pcre2_match
 * ignore PCRE2_NO_UTF_CHECK and re-validate the rest of the subject on
 * every call, so finding all k matches in n bytes costs O(k * n): minutes
 * for a 1 MB reply full of numbers. Instead each call validates the text
 * once and, if it has invalid bytes, matches against a private copy in
 * which each invalid byte is replaced by 0x1A (SUB), always with
 * PCRE2_NO_UTF_CHECK. SUB matches no item of our patterns that could
 * matter and is no word character, so like an invalid sequence under
 * PCRE2_MATCH_INVALID_UTF it is a barrier; offsets are unchanged, and
 * every byte we hand back comes from the caller's text. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <limits.h>
#include <math.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "llm/parse.h"

/* ======================================================================
 * Patterns
 * ====================================================================== */

/* A number as models write it: optional minus, digits, optional fraction.
 * Bounded lengths keep every capture small enough for a stack buffer. */
#define NUM "(-?\\d{1,15}(?:\\.\\d{1,15})?)"
#define UNUM "(\\d{1,15}(?:\\.\\d{1,15})?)"
#define BOLD "(?:\\*\\*|__)?"

enum rx_id {
  RX_THINK,         /* <think>, </think>, <thinking>, </thinking> */
  RX_FENCE,         /* ```lang ... ``` ; 1 = lang, 2 = content */
  RX_SCORE_LABEL,   /* Score: 7, value = 0.8, rating: 8/10 */
  RX_FRACTION,      /* 7/10 */
  RX_OUT_OF,        /* 7 out of 10 */
  RX_LONE_NUMBER,   /* a line that holds only a number */
  RX_NUMBER,        /* any free-standing number */
  RX_SURE,          /* sure / likely / impossible */
  RX_STATUS_LABEL,  /* Status: success / on track / failure */
  RX_STATUS_WORD,   /* the same words without the label */
  RX_ITEM_NUMBERED, /* anchored on a line: 1. 1) (1) Step 1: */
  RX_ITEM_BULLET,   /* anchored on a line: - * + bullet */
  RX_COUNT
};

static const char *const rx_src[RX_COUNT] = {
    [RX_THINK] = "(?i)<\\s*+(/?)\\s*+think(?:ing)?\\s*+>",
    [RX_FENCE] = "(?s)```\\h*+([A-Za-z][\\w+.#-]*+)?\\h*+(?:\\r?\\n)?(.*?)```",
    [RX_SCORE_LABEL] =
        "(?i)\\b(?:score|value|rating|grade|evaluation|confidence)\\h*+"
        "(?:\\([^()\\n]{0,40}\\)\\h*+)?" BOLD "\\h*+[:=]\\h*+" BOLD
        "\\h*+\\[?\\h*+" NUM "(%)?(?:\\h*+(?:/|out\\h++of)\\h*+" UNUM ")?",
    [RX_FRACTION] = "(?<![\\w./])" NUM "\\h*+/\\h*+" UNUM "(?![\\w/]|\\.\\d)",
    [RX_OUT_OF] =
        "(?i)(?<![\\w.])" NUM "\\h*+out\\h++of\\h*+" UNUM "(?!\\w|\\.\\d)",
    [RX_LONE_NUMBER] =
        "(?m)^\\h*+(?:[>#*_]++\\h*+)?" NUM "(%)?\\h*+" BOLD "\\h*+\\.?\\h*+$",
    [RX_NUMBER] = "(?<![\\w.])" NUM "(%)?(?!\\w|\\.\\d)",
    [RX_SURE] = "(?i)\\b(?:sure|likely|impossible)\\b",
    [RX_STATUS_LABEL] =
        "(?i)\\bstatus\\h*+" BOLD "\\h*+[:=]\\h*+" BOLD "\\h*+[\"'`]?\\h*+"
        "(success(?:ful)?|on\\h++(?:the\\h++right\\h++)?track|"
        "fail(?:ure|ed)?)\\b",
    [RX_STATUS_WORD] = "(?i)\\b(?:success(?:ful)?|"
                       "on\\h++(?:the\\h++right\\h++)?track|"
                       "fail(?:ure|ed|s)?)\\b",
    [RX_ITEM_NUMBERED] =
        "^(\\h*+)(?:#{1,6}\\h++)?" BOLD "(?:(?i:step)\\h*+(\\d{1,3})" BOLD
        "\\h*+[:.)\\-\\x{2013}]?|\\((\\d{1,3})\\)|"
        "(\\d{1,3})[.)])" BOLD "(?:\\h++|$)",
    [RX_ITEM_BULLET] = "^(\\h*+)(?:[-*+]|\\x{2022})\\h++",
};

/* Capture pairs in a match data block; the largest pattern has 4 groups. */
#define RX_OVEC_PAIRS 8

/* Resource limits of one pcre2_match call. Our patterns are linear on
 * sane input; the limits turn a pathological subject into "no match". */
#define RX_MATCH_LIMIT 10000000u
#define RX_DEPTH_LIMIT 10000u
#define RX_HEAP_LIMIT_KIB 8192u

static struct {
  pcre2_general_context *gctx;
  pcre2_match_context *mctx;
  pcre2_code *code[RX_COUNT];
} rx;
static atomic_bool rx_ready;
static pthread_mutex_t rx_lock = PTHREAD_MUTEX_INITIALIZER;

static void *rx_malloc(PCRE2_SIZE n, void *ud) {
  (void)ud;
  return plan__malloc(n);
}

static void rx_free(void *p, void *ud) {
  (void)ud;
  plan__free(p);
}

/* Frees whatever rx_compile_all built. Called with rx_lock held. */
static void rx_release(void) {
  for (size_t i = 0; i < RX_COUNT; i++) {
    pcre2_code_free(rx.code[i]);
    rx.code[i] = NULL;
  }
  pcre2_match_context_free(rx.mctx);
  rx.mctx = NULL;
  pcre2_general_context_free(rx.gctx);
  rx.gctx = NULL;
}

/* Builds the contexts and compiles every pattern. Called with rx_lock
 * held; on failure the caller releases the partial state. A compile error
 * other than memory is a bug in a pattern above. */
static plan_status rx_compile_all(void) {
  rx.gctx = pcre2_general_context_create(rx_malloc, rx_free, NULL);
  if (!rx.gctx)
    return PLAN_ENOMEM;
  rx.mctx = pcre2_match_context_create(rx.gctx);
  if (!rx.mctx)
    return PLAN_ENOMEM;
  pcre2_set_match_limit(rx.mctx, RX_MATCH_LIMIT);
  pcre2_set_depth_limit(rx.mctx, RX_DEPTH_LIMIT);
  pcre2_set_heap_limit(rx.mctx, RX_HEAP_LIMIT_KIB);
  pcre2_compile_context *cctx = pcre2_compile_context_create(rx.gctx);
  if (!cctx)
    return PLAN_ENOMEM;
  pcre2_set_newline(cctx, PCRE2_NEWLINE_ANYCRLF);
  plan_status st = PLAN_OK;
  for (size_t i = 0; i < RX_COUNT && st == PLAN_OK; i++) {
    int ec = 0;
    PCRE2_SIZE eo = 0;
    rx.code[i] = pcre2_compile((PCRE2_SPTR)rx_src[i], PCRE2_ZERO_TERMINATED,
                               PCRE2_UTF, &ec, &eo, cctx);
    if (!rx.code[i])
      st = ec == PCRE2_ERROR_HEAP_FAILED ? PLAN_ENOMEM : PLAN_EINTERNAL;
  }
  pcre2_compile_context_free(cctx);
  assert(st != PLAN_EINTERNAL);
  return st;
}

/* Compiles the patterns on first use. The fast path is one acquire load;
 * a failed compile (ENOMEM) is retried by the next call. */
static plan_status rx_init(void) {
  if (atomic_load_explicit(&rx_ready, memory_order_acquire))
    return PLAN_OK;
  plan_status st = PLAN_OK;
  pthread_mutex_lock(&rx_lock);
  if (!atomic_load_explicit(&rx_ready, memory_order_relaxed)) {
    st = rx_compile_all();
    if (st == PLAN_OK)
      atomic_store_explicit(&rx_ready, true, memory_order_release);
    else
      rx_release();
  }
  pthread_mutex_unlock(&rx_lock);
  return st;
}

void plan__parse_cleanup(void) {
  pthread_mutex_lock(&rx_lock);
  rx_release();
  atomic_store_explicit(&rx_ready, false, memory_order_release);
  pthread_mutex_unlock(&rx_lock);
}

/* Runs pattern id on s[0..len) from byte start. s must be valid UTF-8
 * (a view's rs; see utf8_clean) and start must be on a character
 * boundary. *found says whether it matched (the ovector of md then holds
 * the groups). No match and a hit resource limit are "not found"; only a
 * memory failure (PLAN_ENOMEM) or a misuse of PCRE2 (PLAN_EINTERNAL) is an
 * error. */
static plan_status rx_find(enum rx_id id, const char *s, size_t len,
                           size_t start, pcre2_match_data *md, bool *found) {
  static const char empty[1] = "";
  *found = false;
  if (start > len)
    return PLAN_OK;
  int rc = pcre2_match(rx.code[id], (PCRE2_SPTR)(len ? s : empty), len, start,
                       PCRE2_NO_UTF_CHECK, md, rx.mctx);
  if (rc > 0) {
    /* Pairs past the highest group set are not written by pcre2_match;
     * mark them unset so rx_group never reads stale or uninitialised
     * offsets. */
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    uint32_t pairs = pcre2_get_ovector_count(md);
    for (uint32_t i = (uint32_t)rc; i < pairs; i++)
      ov[2 * i] = ov[2 * i + 1] = PCRE2_UNSET;
    *found = true;
    return PLAN_OK;
  }
  switch (rc) {
  case PCRE2_ERROR_NOMEMORY: return PLAN_ENOMEM;
  case PCRE2_ERROR_NOMATCH:
  case PCRE2_ERROR_PARTIAL:
  case PCRE2_ERROR_MATCHLIMIT:
  case PCRE2_ERROR_DEPTHLIMIT:
  case PCRE2_ERROR_HEAPLIMIT:
  case PCRE2_ERROR_BADUTFOFFSET: return PLAN_OK;
  default:
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF32_ERR2)
      return PLAN_OK;
    /* 0 (ovector too small) or a bad argument: our bug, not the text's. */
    return PLAN_EINTERNAL;
  }
}

/* Group g of the last match as [*a, *b); false if the group is unset. */
static bool rx_group(pcre2_match_data *md, int g, size_t *a, size_t *b) {
  const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  if (ov[2 * g] == PCRE2_UNSET)
    return false;
  *a = ov[2 * g];
  *b = ov[2 * g + 1];
  return true;
}

/* Where the next search starts after a match. None of the patterns we
 * iterate can match the empty string, so the end of a match is always
 * past its start and on a character boundary. */
static size_t rx_next(pcre2_match_data *md) {
  const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  assert(ov[1] > ov[0]);
  return ov[1] > ov[0] ? ov[1] : ov[0] + 1;
}

/* A copy of the groups of one match, kept while later searches reuse the
 * match data ("the last match wins" rules). */
#define CAPT_GROUPS 5
typedef struct capt {
  bool set[CAPT_GROUPS];
  size_t a[CAPT_GROUPS];
  size_t b[CAPT_GROUPS];
} capt;

static void capt_save(pcre2_match_data *md, capt *c) {
  for (int g = 0; g < CAPT_GROUPS; g++)
    c->set[g] = rx_group(md, g, &c->a[g], &c->b[g]);
}

/* ======================================================================
 * The view: the text without BOM and reasoning, with an offset map
 * ====================================================================== */

/* view bytes [w, w + n) are original bytes [o, o + n). */
typedef struct seg {
  size_t w;
  size_t o;
  size_t n;
} seg;

typedef struct view {
  const char *s;  /* the bytes: into the caller's text, or owned */
  const char *rs; /* the regex subject: s with invalid UTF-8 as 0x1A */
  size_t len;
  char *owned;  /* s, when blocks were cut out */
  char *rowned; /* rs, when blocks were cut out of a cleaned text */
  char *clean;  /* the cleaned whole text, if it had invalid UTF-8 */
  seg *segs;
  size_t n_segs;
  size_t cap_segs;
} view;

/* The length of the UTF-8 character at s[i] (1 to 4), or 0 if the bytes
 * there are not one. Strict RFC 3629, as PCRE2 checks: no overlong forms,
 * no surrogates, nothing above U+10FFFF. */
static size_t utf8_char(const unsigned char *s, size_t i, size_t len) {
  unsigned char c = s[i];
  if (c < 0x80)
    return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else
    return 0;
  if (len - i < n)
    return 0;
  if (s[i + 1] < lo || s[i + 1] > hi)
    return 0;
  for (size_t k = 2; k < n; k++)
    if ((s[i + k] & 0xC0) != 0x80)
      return 0;
  return n;
}

/* If text has invalid UTF-8, *out is a new copy of it in which every byte
 * that is not part of a valid character is 0x1A; otherwise *out is NULL
 * (the text is its own regex subject). */
static plan_status utf8_clean(const char *text, size_t len, char **out) {
  const unsigned char *u = (const unsigned char *)text;
  *out = NULL;
  size_t i = 0;
  while (i < len) {
    size_t n = utf8_char(u, i, len);
    if (n == 0)
      break;
    i += n;
  }
  if (i >= len)
    return PLAN_OK;
  char *c = plan__malloc(len + 1);
  if (!c)
    return PLAN_ENOMEM;
  memcpy(c, text, len);
  c[len] = '\0';
  while (i < len) {
    size_t n = utf8_char(u, i, len);
    if (n == 0) {
      c[i] = 0x1A;
      n = 1;
    }
    i += n;
  }
  *out = c;
  return PLAN_OK;
}

bool plan__parse_utf8_valid(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    size_t n = utf8_char((const unsigned char *)s, i, len);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

static plan_status view_keep(view *v, size_t a, size_t b) {
  if (b <= a)
    return PLAN_OK;
  if (plan__grow((void **)&v->segs, &v->cap_segs, v->n_segs + 1,
                 sizeof *v->segs) != PLAN_OK)
    return PLAN_ENOMEM;
  v->segs[v->n_segs].w = v->len;
  v->segs[v->n_segs].o = a;
  v->segs[v->n_segs].n = b - a;
  v->n_segs++;
  v->len += b - a;
  return PLAN_OK;
}

/* Cuts a leading BOM and the reasoning out of text. A <think> block runs
 * to the next </think> (nested opening tags are ignored), or to the end of
 * the text if it is never closed (the answer never came). A </think>
 * without an opening tag (templates that put <think> in the prompt) means
 * that everything since the previous block was reasoning. */
static plan_status view_build(view *v, const char *text, size_t len,
                              pcre2_match_data *md) {
  memset(v, 0, sizeof *v);
  plan_status st = utf8_clean(text, len, &v->clean);
  if (st != PLAN_OK)
    return st;
  const char *rtext = v->clean ? v->clean : text;
  size_t keep = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  size_t pos = keep;
  for (;;) {
    bool found = false;
    size_t ta = 0, te = 0, ca = 0, ce = 0;
    st = rx_find(RX_THINK, rtext, len, pos, md, &found);
    if (st != PLAN_OK || !found)
      break;
    rx_group(md, 0, &ta, &te);
    if (rx_group(md, 1, &ca, &ce) && ce > ca) { /* an orphan </think> */
      keep = pos = te;
      continue;
    }
    st = view_keep(v, keep, ta);
    if (st != PLAN_OK)
      break;
    keep = pos = len; /* unless a closing tag follows */
    size_t q = te;
    for (;;) {
      st = rx_find(RX_THINK, rtext, len, q, md, &found);
      if (st != PLAN_OK || !found)
        break;
      q = rx_next(md);
      if (rx_group(md, 1, &ca, &ce) && ce > ca) {
        keep = pos = q;
        break;
      }
    }
    if (st != PLAN_OK || pos >= len)
      break;
  }
  if (st == PLAN_OK)
    st = view_keep(v, keep, len);
  if (st != PLAN_OK)
    goto fail;
  if (v->n_segs == 0) {
    v->s = v->rs = "";
  } else if (v->n_segs == 1) {
    v->s = text + v->segs[0].o;
    v->rs = rtext + v->segs[0].o;
  } else {
    v->owned = plan__malloc(v->len + 1);
    v->rowned = v->clean ? plan__malloc(v->len + 1) : NULL;
    if (!v->owned || (v->clean && !v->rowned)) {
      st = PLAN_ENOMEM;
      goto fail;
    }
    for (size_t i = 0; i < v->n_segs; i++) {
      memcpy(v->owned + v->segs[i].w, text + v->segs[i].o, v->segs[i].n);
      if (v->rowned)
        memcpy(v->rowned + v->segs[i].w, rtext + v->segs[i].o, v->segs[i].n);
    }
    v->owned[v->len] = '\0';
    v->s = v->owned;
    if (v->rowned)
      v->rowned[v->len] = '\0';
    v->rs = v->rowned ? v->rowned : v->owned;
  }
  return PLAN_OK;
fail:
  plan__free(v->owned);
  plan__free(v->rowned);
  plan__free(v->clean);
  plan__free(v->segs);
  memset(v, 0, sizeof *v);
  return st;
}

static void view_free(view *v) {
  plan__free(v->owned);
  plan__free(v->rowned);
  plan__free(v->clean);
  plan__free(v->segs);
  memset(v, 0, sizeof *v);
}

/* The original offset of view byte w (w < len), or of the end (w == len).
 */
static size_t view_map_start(const view *v, size_t w) {
  for (size_t i = 0; i < v->n_segs; i++)
    if (w < v->segs[i].w + v->segs[i].n)
      return v->segs[i].o + (w - v->segs[i].w);
  if (v->n_segs == 0)
    return 0;
  const seg *last = &v->segs[v->n_segs - 1];
  return last->o + last->n;
}

/* The original offset just past view byte w - 1 (w > 0). */
static size_t view_map_end(const view *v, size_t w) {
  for (size_t i = 0; i < v->n_segs; i++)
    if (w <= v->segs[i].w + v->segs[i].n)
      return v->segs[i].o + (w - v->segs[i].w);
  return view_map_start(v, w);
}

/* ======================================================================
 * Shared plumbing
 * ====================================================================== */

typedef struct pctx {
  pcre2_match_data *md;
  view v;
} pctx;

static plan_status pctx_open(pctx *c, const char *text, size_t len) {
  memset(c, 0, sizeof *c);
  plan_status st = rx_init();
  if (st != PLAN_OK)
    return st;
  c->md = pcre2_match_data_create(RX_OVEC_PAIRS, rx.gctx);
  if (!c->md)
    return PLAN_ENOMEM;
  st = view_build(&c->v, len ? text : "", len, c->md);
  if (st != PLAN_OK) {
    pcre2_match_data_free(c->md);
    c->md = NULL;
  }
  return st;
}

static void pctx_close(pctx *c) {
  view_free(&c->v);
  pcre2_match_data_free(c->md);
  c->md = NULL;
}

static void report_set(plan_parse_report *r, const char *rule, size_t off,
                       size_t n) {
  if (r) {
    r->rule = rule;
    r->offset = off;
    r->length = n;
  }
}

/* Sets the report to the view range [a, b) in original offsets. */
static void report_range(plan_parse_report *r, const char *rule, const view *v,
                         size_t a, size_t b) {
  size_t oa = view_map_start(v, a);
  size_t ob = b > a ? view_map_end(v, b) : oa;
  report_set(r, rule, oa, ob - oa);
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

static bool is_hspace(char c) {
  return c == ' ' || c == '\t';
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void trim(const char *s, size_t *a, size_t *b) {
  while (*a < *b && is_space(s[*a]))
    (*a)++;
  while (*b > *a && is_space(s[*b - 1]))
    (*b)--;
}

/* Case-insensitive equality of s[0..n) and the lowercase ASCII word w. */
static bool word_is(const char *s, size_t n, const char *w) {
  size_t wn = strlen(w);
  if (n != wn)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != w[i])
      return false;
  }
  return true;
}

static bool word_in(const char *s, size_t n, const char *const *list) {
  for (size_t i = 0; list[i]; i++)
    if (word_is(s, n, list[i]))
      return true;
  return false;
}

/* ======================================================================
 * JSON: whole, fence, balanced
 * ====================================================================== */

typedef struct json_hit {
  json_t *val; /* new reference, or NULL */
  size_t a, b; /* the JSON text in view offsets */
  const char *rule;
} json_hit;

static void hit_set(json_hit *h, json_t *val, size_t a, size_t b,
                    const char *rule) {
  json_decref(h->val);
  h->val = val;
  h->a = a;
  h->b = b;
  h->rule = rule;
}

static bool json_accept(const json_t *j, unsigned flags) {
  if (flags & PLAN__PARSE_JSON_OBJECT)
    return json_is_object(j);
  return json_is_object(j) || json_is_array(j);
}

/* jansson reports an allocation failure either with its own code or, when
 * the lexer cannot even start, with no code at all (every syntax error
 * carries one). */
static bool json_err_nomem(const json_error_t *err) {
  enum json_error_code code = json_error_code(err);
  return code == json_error_out_of_memory || code == json_error_unknown;
}

/* Parses the whole of s[*a..*b) (trimmed in place) as one object or array.
 * *out is a new reference, or NULL if it is not exactly one such value. */
static plan_status json_whole(const char *s, size_t *a, size_t *b,
                              unsigned flags, json_t **out) {
  *out = NULL;
  trim(s, a, b);
  if (*a >= *b || (s[*a] != '{' && s[*a] != '['))
    return PLAN_OK;
  json_error_t err;
  memset(&err, 0, sizeof err);
  json_t *j = json_loadb(s + *a, *b - *a, 0, &err);
  if (!j)
    return json_err_nomem(&err) ? PLAN_ENOMEM : PLAN_OK;
  if (!json_accept(j, flags)) {
    json_decref(j);
    return PLAN_OK;
  }
  *out = j;
  return PLAN_OK;
}

/* The fence rung: first the fences labelled json/jsonc (any case), then
 * the fences without a label, each in text order, each parsed whole.
 * Fences in other languages are skipped (the balanced rung still sees
 * their content). */
static plan_status json_fences(pctx *c, unsigned flags, json_hit *h) {
  const char *s = c->v.s;
  size_t len = c->v.len;
  for (int pass = 0; pass < 2; pass++) {
    size_t pos = 0;
    for (;;) {
      bool found = false;
      plan_status st = rx_find(RX_FENCE, c->v.rs, len, pos, c->md, &found);
      if (st != PLAN_OK)
        return st;
      if (!found)
        break;
      pos = rx_next(c->md);
      size_t la = 0, lb = 0, ca = 0, cb = 0;
      bool labelled = rx_group(c->md, 1, &la, &lb);
      bool is_json = labelled && (word_is(s + la, lb - la, "json") ||
                                  word_is(s + la, lb - la, "jsonc"));
      if (pass == 0 ? !is_json : labelled)
        continue;
      if (!rx_group(c->md, 2, &ca, &cb))
        continue;
      json_t *j = NULL;
      st = json_whole(s, &ca, &cb, flags, &j);
      if (st != PLAN_OK)
        return st;
      if (!j)
        continue;
      hit_set(h, j, ca, cb, "fence");
      if (!(flags & PLAN__PARSE_JSON_LAST))
        return PLAN_OK;
    }
    if (h->val)
      return PLAN_OK;
  }
  return PLAN_OK;
}

/* A cheap filter before calling jansson at an opening bracket: what
 * follows must be able to continue a JSON value. Prose such as "{curly}"
 * or "[citation needed]" is skipped without a parse. */
static bool json_plausible(const char *s, size_t p, size_t len) {
  size_t q = p + 1;
  while (q < len && is_space(s[q]))
    q++;
  if (q >= len)
    return true; /* cut right after the bracket: let jansson say so */
  char c = s[q];
  if (s[p] == '{')
    return c == '"' || c == '}';
  return c == '{' || c == '[' || c == ']' || c == '"' || c == '-' ||
         is_digit(c) || c == 't' || c == 'f' || c == 'n';
}

/* True if s[pos..len) is a non-empty, incomplete UTF-8 sequence: a
 * multibyte character cut by the end of the text. */
static bool utf8_cut_tail(const char *s, size_t pos, size_t len) {
  if (pos >= len || len - pos > 3)
    return false;
  unsigned char c = (unsigned char)s[pos];
  size_t need = c >= 0xF0 && c <= 0xF4   ? 4
                : c >= 0xE0 && c <= 0xEF ? 3
                : c >= 0xC2 && c <= 0xDF ? 2
                                         : 0;
  if (need == 0 || len - pos >= need)
    return false;
  for (size_t i = pos + 1; i < len; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80)
      return false;
  return true;
}

/* True if a failed parse from p ran into the end of the text: the value
 * that starts at p is cut, and every later bracket before the end is
 * nested inside it (a fragment of a cut reply), so the scan stops. */
static bool json_cut(const json_error_t *err, const char *s, size_t p,
                     size_t len) {
  if (err->position < 0)
    return false;
  size_t pos = p + (size_t)err->position;
  enum json_error_code code = json_error_code(err);
  if (code == json_error_premature_end_of_input)
    return pos >= len;
  if (code == json_error_invalid_utf8)
    return utf8_cut_tail(s, pos, len) ||
           (pos > p && utf8_cut_tail(s, pos - 1, len));
  return false;
}

/* The balanced rung: at each '{' or '[', let jansson parse one value and
 * stop at its end (JSON_DISABLE_EOF_CHECK, err.position = bytes used).
 * The total bytes jansson reads are capped at 8 times the text plus
 * 64 KiB, so adversarial text (many brackets before a long invalid tail)
 * stays linear. A value nested deeper than jansson's limit (2048) is
 * skipped whole: its inner starts would all hit the same limit. */
static plan_status json_balanced(pctx *c, unsigned flags, json_hit *h) {
  const char *s = c->v.s;
  size_t len = c->v.len;
  size_t budget = len > (SIZE_MAX - 65536) / 8 ? SIZE_MAX : len * 8 + 65536;
  size_t work = 0;
  size_t p = 0;
  while (p < len) {
    if ((s[p] != '{' && s[p] != '[') || !json_plausible(s, p, len)) {
      p++;
      continue;
    }
    json_error_t err;
    memset(&err, 0, sizeof err);
    json_t *j = json_loadb(s + p, len - p, JSON_DISABLE_EOF_CHECK, &err);
    size_t used = err.position > 0 ? (size_t)err.position : 1;
    work += used;
    if (j && json_accept(j, flags) && p + used <= len) {
      hit_set(h, j, p, p + used, "balanced");
      if (!(flags & PLAN__PARSE_JSON_LAST))
        return PLAN_OK;
      p += used;
    } else if (j) {
      json_decref(j);
      p++;
    } else {
      if (json_err_nomem(&err))
        return PLAN_ENOMEM;
      if (json_cut(&err, s, p, len))
        break;
      p += json_error_code(&err) == json_error_stack_overflow ? used : 1;
    }
    if (work > budget)
      break;
  }
  return PLAN_OK;
}

/* The JSON text s[0..n) without whitespace outside strings. The text has
 * been validated by jansson, so strings are well formed. */
static char *json_minify(const char *s, size_t n) {
  char *o = plan__malloc(n + 1);
  if (!o)
    return NULL;
  size_t k = 0;
  bool in_str = false;
  bool esc = false;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (in_str) {
      o[k++] = ch;
      if (esc)
        esc = false;
      else if (ch == '\\')
        esc = true;
      else if (ch == '"')
        in_str = false;
    } else if (!is_space(ch)) {
      o[k++] = ch;
      if (ch == '"')
        in_str = true;
    }
  }
  o[k] = '\0';
  return o;
}

/* The ladder shared by plan_parse_json and plan__parse_json_value: it
 * hands out the value (out_val) and/or the compact text (out_text). */
static plan_status json_run(const char *text, size_t len, bool truncated,
                            unsigned flags, json_t **out_val, char **out_text,
                            plan_parse_report *report) {
  report_set(report, "none", 0, 0);
  if (truncated) {
    report_set(report, "truncated", 0, 0);
    return PLAN_ETRUNCATED;
  }
  if (len > (size_t)INT_MAX)
    return PLAN_EINVAL; /* jansson positions are ints */
  pctx c;
  plan_status st = pctx_open(&c, text, len);
  if (st != PLAN_OK)
    return st;
  json_hit h = {NULL, 0, 0, NULL};
  size_t a = 0, b = c.v.len;
  json_t *j = NULL;
  st = json_whole(c.v.s, &a, &b, flags, &j);
  if (st == PLAN_OK && j)
    hit_set(&h, j, a, b, "whole");
  if (st == PLAN_OK && !h.val)
    st = json_fences(&c, flags, &h);
  if (st == PLAN_OK && !h.val)
    st = json_balanced(&c, flags, &h);
  if (st == PLAN_OK && !h.val)
    st = PLAN_ENOTFOUND;
  if (st == PLAN_OK && out_text) {
    *out_text = json_minify(c.v.s + h.a, h.b - h.a);
    if (!*out_text)
      st = PLAN_ENOMEM;
  }
  if (st == PLAN_OK) {
    report_range(report, h.rule, &c.v, h.a, h.b);
    if (out_val) {
      *out_val = h.val;
      h.val = NULL;
    }
  }
  json_decref(h.val);
  pctx_close(&c);
  return st;
}

plan_status plan__parse_json_value(const char *text, size_t len, bool truncated,
                                   unsigned flags, json_t **out,
                                   plan_parse_report *report) {
  if (out)
    *out = NULL;
  report_set(report, "none", 0, 0);
  if (!out || (!text && len))
    return PLAN_EMISUSE;
  return json_run(text, len, truncated, flags, out, NULL, report);
}

plan_status plan_parse_json(const char *text, size_t len, bool truncated,
                            char **out, plan_parse_report *report) {
  if (out)
    *out = NULL;
  report_set(report, "none", 0, 0);
  if (!out || (!text && len))
    return PLAN_EMISUSE;
  return json_run(text, len, truncated, 0, NULL, out, report);
}

/* ======================================================================
 * Scores
 * ====================================================================== */

/* Parses the number s[a..b), a capture of NUM: an optional minus, at most
 * 15 digits, optionally '.' and at most 15 digits. Done by hand rather
 * than with strtod, whose decimal point depends on the locale. Both parts
 * are exact doubles (< 2^53), so the result is within an ulp. */
static bool number_at(const char *s, size_t a, size_t b, double *out) {
  static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  bool neg = a < b && s[a] == '-';
  size_t i = neg ? a + 1 : a;
  double ip = 0, fp = 0;
  size_t nd = 0, nf = 0;
  for (; i < b && is_digit(s[i]) && nd < 15; i++, nd++)
    ip = ip * 10 + (s[i] - '0');
  if (i < b && s[i] == '.') {
    for (i++; i < b && is_digit(s[i]) && nf < 15; i++, nf++)
      fp = fp * 10 + (s[i] - '0');
    if (nf == 0)
      return false;
  }
  if (nd == 0 || i != b)
    return false;
  double v = ip + fp / pow10[nf];
  *out = neg ? -v : v;
  return true;
}

/* Turns a captured number into a raw score on [lo, hi], or false if it is
 * off the scale. "x/den" (and "x%", which is x/100) is x out of den: when
 * den is the scale's top the model used our scale and raw = x; otherwise
 * [0, den] is mapped linearly onto [lo, hi]. */
static bool score_raw(const char *s, const capt *m, int g_num, int g_pct,
                      int g_den, double lo, double hi, double *raw) {
  double x = 0;
  double den = 0;
  bool has_den = false;
  if (!m->set[g_num] || !number_at(s, m->a[g_num], m->b[g_num], &x))
    return false;
  if (g_den && m->set[g_den]) {
    if (!number_at(s, m->a[g_den], m->b[g_den], &den))
      return false;
    has_den = true;
  } else if (g_pct && m->set[g_pct]) {
    den = 100;
    has_den = true;
  }
  double r = x;
  if (has_den) {
    if (!(den > 0) || x < 0 || x > den)
      return false;
    if (den != hi)
      r = lo + (x / den) * (hi - lo);
  }
  if (r < lo || r > hi)
    return false;
  *raw = r;
  return true;
}

static void score_set(plan_score *out, double raw, double lo, double hi) {
  double v = (raw - lo) / (hi - lo);
  out->present = true;
  out->raw = raw;
  out->value = v < 0 ? 0 : v > 1 ? 1 : v;
}

/* True if the number s[a..b) is one end of a range ("1-10", "1 to 10",
 * "1–10"): a scale, not a score. */
static bool number_in_range(const char *s, size_t len, size_t a, size_t b) {
  size_t q = b;
  while (q < len && is_hspace(s[q]))
    q++;
  if (q < len && s[q] == '-')
    q++;
  else if (q + 2 < len && memcmp(s + q, "\xE2\x80\x93", 3) == 0)
    q += 3;
  else if (q + 2 < len && word_is(s + q, 2, "to") && is_hspace(s[q + 2]))
    q += 3;
  else
    q = SIZE_MAX;
  if (q != SIZE_MAX) {
    while (q < len && is_hspace(s[q]))
      q++;
    if (q < len && is_digit(s[q]))
      return true;
  }
  size_t p = a;
  while (p > 0 && is_hspace(s[p - 1]))
    p--;
  if (p > 0 && s[p - 1] == '-')
    p--;
  else if (p >= 3 && memcmp(s + p - 3, "\xE2\x80\x93", 3) == 0)
    p -= 3;
  else if (p >= 3 && word_is(s + p - 2, 2, "to") && is_hspace(s[p - 3]))
    p -= 3;
  else
    return false;
  while (p > 0 && is_hspace(s[p - 1]))
    p--;
  return p > 0 && is_digit(s[p - 1]);
}

typedef struct num_rule {
  enum rx_id id;
  const char *name;
  int g_num, g_pct, g_den; /* capture groups; 0 = none */
  bool strong;             /* an off-scale match ends the search (missing) */
} num_rule;

static const num_rule num_rules[] = {
    {RX_SCORE_LABEL, "score_label", 1, 2, 3, true},
    {RX_FRACTION, "fraction", 1, 0, 2, true},
    {RX_OUT_OF, "out_of", 1, 0, 2, true},
    {RX_LONE_NUMBER, "lone_number", 1, 2, 0, false},
    {RX_NUMBER, "last_number", 1, 2, 0, false},
};

/* PLAN_RUBRIC_NUMBER. Each rule looks at all of its matches and keeps the
 * last (models reason first and conclude last). A strong rule (a label or
 * an explicit "x of y") decides alone: its last match is the score, or the
 * score is missing when that match is off the scale, because a model that
 * broke the rubric gives no trustworthy number. The weak rules take their
 * last match that is on the scale. */
static plan_status score_number(pctx *c, double lo, double hi, plan_score *out,
                                plan_parse_report *report) {
  const char *s = c->v.s;
  size_t len = c->v.len;
  for (size_t r = 0; r < PLAN_ARRAY_LEN(num_rules); r++) {
    const num_rule *nr = &num_rules[r];
    capt best;
    memset(&best, 0, sizeof best);
    bool have = false;
    double best_raw = 0;
    size_t pos = 0;
    for (;;) {
      bool found = false;
      plan_status st = rx_find(nr->id, c->v.rs, len, pos, c->md, &found);
      if (st != PLAN_OK)
        return st;
      if (!found)
        break;
      pos = rx_next(c->md);
      capt m;
      capt_save(c->md, &m);
      double raw = 0;
      if (nr->strong) {
        best = m;
        have = true;
        continue;
      }
      if (nr->id == RX_NUMBER && number_in_range(s, len, m.a[1], m.b[1]))
        continue;
      if (score_raw(s, &m, nr->g_num, nr->g_pct, nr->g_den, lo, hi, &raw)) {
        best = m;
        best_raw = raw;
        have = true;
      }
    }
    if (!have)
      continue;
    if (nr->strong && !score_raw(s, &best, nr->g_num, nr->g_pct, nr->g_den, lo,
                                 hi, &best_raw))
      return PLAN_ENOTFOUND;
    score_set(out, best_raw, lo, hi);
    report_range(report, nr->name, &c->v, best.a[0], best.b[0]);
    return PLAN_OK;
  }
  return PLAN_ENOTFOUND;
}

static const char *const negations[] = {
    "not", "never", "no", "hardly", "barely", "cannot", "nor", "without", NULL};
/* Words that may stand between a negation and the verdict ("not very
 * sure", "not at all likely", "not a success"). */
static const char *const fillers[] = {
    "very",    "so",          "too",  "quite", "entirely", "completely",
    "totally", "really",      "that", "a",     "an",       "be",
    "been",    "at",          "all",  "fully", "exactly",  "particularly",
    "always",  "necessarily", NULL};
static const char *const make_words[] = {"make", "makes", "making", "made",
                                         NULL};

/* True if the verdict word at s[pos] does not count: it is negated by one
 * of the few words before it in the same clause ("not sure", "isn't
 * likely", "not at all impossible"), or it is the "sure" of "make sure".
 */
static bool verdict_negated(const char *s, size_t pos, bool is_sure) {
  size_t p = pos;
  for (int k = 0; k < 4; k++) {
    while (p > 0 && (is_hspace(s[p - 1]) || s[p - 1] == '*' || s[p - 1] == '_'))
      p--;
    size_t e = p;
    while (p > 0 && (is_alpha(s[p - 1]) || s[p - 1] == '\'' ||
                     (unsigned char)s[p - 1] >= 0x80))
      p--;
    if (p == e)
      return false; /* punctuation or a line break ends the clause */
    const char *w = s + p;
    size_t n = e - p;
    if (n >= 3 && word_is(w + n - 3, 3, "n't"))
      return true;
    if (n >= 5 && memcmp(w + n - 5, "n\xE2\x80\x99t", 5) == 0)
      return true; /* n’t with a typographic apostrophe */
    if (word_in(w, n, negations))
      return true;
    if (k == 0 && is_sure && word_in(w, n, make_words))
      return true;
    if (!word_in(w, n, fillers))
      return false;
  }
  return false;
}

/* PLAN_RUBRIC_SURE: the last sure/likely/impossible that is not negated.
 * A "Sure!" or "Sure," that opens the reply is politeness, not a verdict.
 */
static plan_status score_sure(pctx *c, plan_score *out,
                              plan_parse_report *report) {
  const char *s = c->v.s;
  size_t len = c->v.len;
  size_t pos = 0;
  bool have = false;
  size_t wa = 0, wb = 0;
  for (;;) {
    bool found = false;
    plan_status st = rx_find(RX_SURE, c->v.rs, len, pos, c->md, &found);
    if (st != PLAN_OK)
      return st;
    if (!found)
      break;
    pos = rx_next(c->md);
    size_t a = 0, b = 0;
    rx_group(c->md, 0, &a, &b);
    bool is_sure = (s[a] | 0x20) == 's';
    if (verdict_negated(s, a, is_sure))
      continue;
    if (is_sure && b < len && (s[b] == '!' || s[b] == ',')) {
      size_t q = 0;
      while (q < a && is_space(s[q]))
        q++;
      if (q == a)
        continue;
    }
    have = true;
    wa = a;
    wb = b;
  }
  if (!have)
    return PLAN_ENOTFOUND;
  char w = (char)(s[wa] | 0x20);
  double raw = w == 's' ? 1.0 : w == 'l' ? 0.5 : 0.0;
  out->present = true;
  out->raw = raw;
  out->value = raw;
  report_range(report, "sure_word", &c->v, wa, wb);
  return PLAN_OK;
}

/* PLAN_RUBRIC_STATUS: the last "Status: ..." label; failing that, the
 * last bare status word that is not negated. */
static plan_status score_status(pctx *c, plan_score *out,
                                plan_parse_report *report) {
  const char *s = c->v.s;
  size_t len = c->v.len;
  static const struct {
    enum rx_id id;
    const char *name;
    int group;
  } rules[] = {{RX_STATUS_LABEL, "status_label", 1},
               {RX_STATUS_WORD, "status_word", 0}};
  for (size_t r = 0; r < PLAN_ARRAY_LEN(rules); r++) {
    size_t pos = 0;
    bool have = false;
    size_t ma = 0, mb = 0, wa = 0;
    for (;;) {
      bool found = false;
      plan_status st = rx_find(rules[r].id, c->v.rs, len, pos, c->md, &found);
      if (st != PLAN_OK)
        return st;
      if (!found)
        break;
      pos = rx_next(c->md);
      size_t a0 = 0, b0 = 0, a = 0, b = 0;
      rx_group(c->md, 0, &a0, &b0);
      rx_group(c->md, rules[r].group, &a, &b);
      if (rules[r].id == RX_STATUS_WORD && verdict_negated(s, a, false))
        continue;
      have = true;
      ma = a0;
      mb = b0;
      wa = a;
    }
    if (!have)
      continue;
    char w = (char)(s[wa] | 0x20);
    double raw = w == 's' ? 1.0 : w == 'o' ? 0.5 : 0.0;
    out->present = true;
    out->raw = raw;
    out->value = raw;
    report_range(report, rules[r].name, &c->v, ma, mb);
    return PLAN_OK;
  }
  return PLAN_ENOTFOUND;
}

plan_status plan_parse_score(const char *text, size_t len, bool truncated,
                             plan_rubric rubric, double lo, double hi,
                             plan_score *out, plan_parse_report *report) {
  report_set(report, "none", 0, 0);
  if (out) {
    out->present = false;
    out->value = NAN;
    out->raw = NAN;
  }
  if (!out || (!text && len))
    return PLAN_EMISUSE;
  if (rubric != PLAN_RUBRIC_NUMBER && rubric != PLAN_RUBRIC_SURE &&
      rubric != PLAN_RUBRIC_STATUS)
    return PLAN_EINVAL;
  if (rubric == PLAN_RUBRIC_NUMBER &&
      !(isfinite(lo) && isfinite(hi) && lo < hi))
    return PLAN_EINVAL;
  if (truncated) {
    report_set(report, "truncated", 0, 0);
    return PLAN_ETRUNCATED;
  }
  pctx c;
  plan_status st = pctx_open(&c, text, len);
  if (st != PLAN_OK)
    return st;
  if (rubric == PLAN_RUBRIC_NUMBER)
    st = score_number(&c, lo, hi, out, report);
  else if (rubric == PLAN_RUBRIC_SURE)
    st = score_sure(&c, out, report);
  else
    st = score_status(&c, out, report);
  pctx_close(&c);
  if (st != PLAN_OK) {
    out->present = false;
    out->value = NAN;
    out->raw = NAN;
    report_set(report, "none", 0, 0);
  }
  return st;
}

/* ======================================================================
 * Lists
 * ====================================================================== */

typedef struct items {
  char **v;
  size_t n;
  size_t cap;
} items;

/* Appends s[0..n) to b without its NUL bytes (items are C strings). */
static void buf_put_text(plan__buf *b, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    const char *z = memchr(s + i, '\0', n - i);
    size_t run = z ? (size_t)(z - (s + i)) : n - i;
    plan__buf_append(b, s + i, run);
    i += run + (z ? 1 : 0);
  }
}

/* Moves the item being built into it (an empty item is dropped). */
static plan_status items_push(items *it, plan__buf *cur) {
  plan_status st = cur->status;
  if (st != PLAN_OK || cur->len == 0) {
    plan__buf_free(cur);
    return st;
  }
  if (plan__grow((void **)&it->v, &it->cap, it->n + 1, sizeof *it->v) !=
      PLAN_OK) {
    plan__buf_free(cur);
    return PLAN_ENOMEM;
  }
  it->v[it->n++] = plan__buf_take(cur);
  return PLAN_OK;
}

/* Finds the first list whose items match pattern id (numbered or
 * bulleted). A list starts at an item line; an item line at (about) the
 * same indentation starts the next item; a more indented line continues
 * the current item (joined with one space); blank lines are skipped; any
 * other line ends the list. In a numbered list the numbers must grow, or
 * all stay equal (markdown's "1. 1. 1."); a step back starts a new list.
 * A list whose items are all empty is ignored. [*ra, *rb) is the list in
 * view offsets. */
static plan_status list_scan(pctx *c, enum rx_id id, items *out, size_t *ra,
                             size_t *rb) {
  const char *s = c->v.s;
  size_t len = c->v.len;
  plan__buf cur;
  plan__buf_init(&cur, 0);
  bool in_list = false;
  size_t list_indent = 0;
  long prev = 0;
  bool uniform = true;
  plan_status st = PLAN_OK;
  size_t pos = 0;
  while (pos < len && st == PLAN_OK) {
    const char *nl = memchr(s + pos, '\n', len - pos);
    size_t la = pos;
    size_t lb = nl ? (size_t)(nl - s) : len;
    pos = nl ? lb + 1 : len;
    size_t f = la, e = lb, indent = 0;
    while (f < e && is_hspace(s[f])) {
      indent += s[f] == '\t' ? 4 : 1;
      f++;
    }
    while (e > f && is_space(s[e - 1]))
      e--;
    if (f == e)
      continue; /* blank */
    bool item = false;
    st = rx_find(id, c->v.rs + la, e - la, 0, c->md, &item);
    if (st != PLAN_OK)
      break;
    size_t text = e;
    long num = 0;
    if (item) {
      const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
      text = la + ov[1] < e ? la + ov[1] : e;
      for (int g = 2; id == RX_ITEM_NUMBERED && g <= 4; g++) {
        size_t a = 0, b = 0;
        if (rx_group(c->md, g, &a, &b)) {
          for (size_t i = a; i < b; i++)
            num = num * 10 + (s[la + i] - '0');
          break;
        }
      }
    }
    if (in_list) {
      if (item && indent <= list_indent + 1) {
        bool next =
            id != RX_ITEM_NUMBERED || num > prev || (num == prev && uniform);
        if (next) {
          uniform = uniform && num == prev;
          prev = num;
          st = items_push(out, &cur);
          plan__buf_init(&cur, 0);
          buf_put_text(&cur, s + text, e - text);
          *rb = e;
          continue;
        }
      } else if (indent > list_indent) {
        if (cur.len)
          plan__buf_putc(&cur, ' ');
        buf_put_text(&cur, s + f, e - f);
        *rb = e;
        continue;
      }
      /* The list is over. Keep it if it has items, else look on. */
      st = items_push(out, &cur);
      plan__buf_init(&cur, 0);
      in_list = false;
      if (st != PLAN_OK || out->n > 0)
        break;
    }
    if (item) {
      in_list = true;
      list_indent = indent;
      prev = num;
      uniform = true;
      *ra = f;
      *rb = e;
      buf_put_text(&cur, s + text, e - text);
    }
  }
  if (st == PLAN_OK && in_list)
    st = items_push(out, &cur);
  plan__buf_free(&cur);
  return st;
}

void plan_parse_list_free(char **items_v, size_t n) {
  if (!items_v)
    return;
  for (size_t i = 0; i < n; i++)
    plan__free(items_v[i]);
  plan__free(items_v);
}

plan_status plan_parse_list(const char *text, size_t len, bool truncated,
                            char ***out, size_t *n_out,
                            plan_parse_report *report) {
  if (out)
    *out = NULL;
  if (n_out)
    *n_out = 0;
  report_set(report, "none", 0, 0);
  if (!out || !n_out || (!text && len))
    return PLAN_EMISUSE;
  if (truncated) {
    report_set(report, "truncated", 0, 0);
    return PLAN_ETRUNCATED;
  }
  pctx c;
  plan_status st = pctx_open(&c, text, len);
  if (st != PLAN_OK)
    return st;
  static const struct {
    enum rx_id id;
    const char *name;
  } kinds[] = {{RX_ITEM_NUMBERED, "numbered"}, {RX_ITEM_BULLET, "bulleted"}};
  items it = {NULL, 0, 0};
  size_t ra = 0, rb = 0;
  const char *rule = NULL;
  for (size_t k = 0; k < PLAN_ARRAY_LEN(kinds) && st == PLAN_OK; k++) {
    st = list_scan(&c, kinds[k].id, &it, &ra, &rb);
    if (st == PLAN_OK && it.n > 0) {
      rule = kinds[k].name;
      break;
    }
  }
  if (st == PLAN_OK && !rule)
    st = PLAN_ENOTFOUND;
  if (st == PLAN_OK) {
    report_range(report, rule, &c.v, ra, rb);
    *out = it.v;
    *n_out = it.n;
  } else {
    plan_parse_list_free(it.v, it.n);
  }
  pctx_close(&c);
  return st;
}
