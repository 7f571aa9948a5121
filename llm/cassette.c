/* llm/cassette.c: the record/replay backend. A cassette wraps another
 * backend (borrowed) and sits under the scheduler, so every start() it sees
 * is one attempt. Attempts are keyed by plan__llm_request_key (hash of the
 * canonical request + '#' + sample index), and each key keeps the ordered
 * list of its recorded attempts: the k-th attempt of a key since the
 * cassette was opened replays the k-th recording. A recorded retry sequence
 * (429, then 200) therefore replays identically, and concurrent samples
 * replay by their sample index whatever order they arrive in.
 *
 * REPLAY answers only from the recording (a miss is an ENOTFOUND response
 * naming the key and the nearest recorded one); RECORD sends every attempt
 * to the inner backend and records it; RECORD_NEW replays what is recorded
 * and records the rest. The JSONL file format, the ordering rule and the
 * redaction scan are described in docs/cassette.md.
 *
 * Hits are answered from a FIFO queue in drive() (never in start(), as the
 * vtable contract requires). Record-throughs on an asynchronous inner
 * backend use a heap ticket per attempt whose on_done records the result
 * and completes the caller's ticket; on a blocking inner backend the
 * attempt waits in the same queue and drive() calls complete(). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llm/cassette.h"

/* ======================================================================
 * Data structures
 * ====================================================================== */

/* One recorded attempt. The request is kept as its canonical JSON text (it
 * is written back verbatim and compared byte-wise when looking for the
 * nearest key on a miss); the response as JSON, which replays through
 * plan__llm_response_from_json and is written back canonically. */
struct entry {
  char key[PLAN__LLM_KEY_SIZE];
  uint64_t hash;    /* the key's hex part */
  unsigned sample;  /* the key's sample index */
  unsigned attempt; /* 1-based, per key */
  char *req;        /* canonical request JSON */
  size_t req_len;
  json_t *resp; /* new; NULL while the attempt is in flight */
  int line;     /* line in the loaded file; 0 if recorded now */
};

/* Everything known about one key: its recordings sorted by attempt and how
 * many attempts were started this session (the next one is started + 1). */
struct slot {
  char key[PLAN__LLM_KEY_SIZE];
  unsigned started;
  struct entry **recs;
  size_t n_recs;
  size_t cap_recs;
};

/* A ticket waiting for drive(): a hit or a miss (e NULL, the response is
 * already filled), or a record-through on a blocking inner backend (e is
 * its pending entry, req the caller's request, borrowed until t is done). */
struct qitem {
  plan_llm_ticket *t;
  struct entry *e;
  const plan_llm_request *req;
};

/* A record-through on an asynchronous inner backend. outer is NULL once
 * canceled while the inner backend still holds `it` (an inner backend
 * without cancel_all): the result is then dropped on arrival. */
struct rec {
  plan_llm_ticket it;
  plan_llm_ticket *outer;
  struct entry *e;
  struct cassette *c;
};

struct cassette {
  plan_llm_vtbl vtbl; /* per instance: caps depend on mode and inner */
  plan_llm *handle;
  plan_llm *inner; /* borrowed; NULL allowed in REPLAY */
  plan_cassette_mode mode;
  char *path;   /* NULL for a cassette loaded from memory */
  char *source; /* the name used in messages */
  /* All recordings in file order: loaded ones first, then new ones in the
   * order their attempts were started (deterministic, unlike arrival). */
  struct entry **entries;
  size_t n_entries;
  size_t cap_entries;
  /* Keys: slots plus an open-addressing index (0: empty, else slot + 1). */
  struct slot *slots;
  size_t n_slots;
  size_t cap_slots;
  uint32_t *index;
  size_t index_cap; /* a power of two, at least twice n_slots */
  /* The FIFO of tickets for drive(), a ring buffer. */
  struct qitem *q;
  size_t q_head;
  size_t q_len;
  size_t q_cap;
  /* Record-throughs in flight on an asynchronous inner backend. */
  struct rec **recs;
  size_t n_recs;
  size_t cap_recs;
  /* Exact secrets (JSON-escaped) the save scan refuses to write. */
  char **secrets;
  size_t n_secrets;
  size_t cap_secrets;
  bool dirty; /* recordings not yet saved */
  /* A recording that could not be kept: sticky, save reports it. */
  plan_status rec_err;
  char rec_errmsg[200];
  char desc[300];
};

static const char *mode_name(plan_cassette_mode m) {
  switch (m) {
  case PLAN_CASSETTE_REPLAY: return "replay";
  case PLAN_CASSETTE_RECORD: return "record";
  case PLAN_CASSETTE_RECORD_NEW: return "record-new";
  }
  return "unknown";
}

plan_status plan_cassette_mode_parse(const char *s, plan_cassette_mode *out) {
  if (!out)
    return PLAN_EMISUSE;
  *out = PLAN_CASSETTE_REPLAY;
  if (!s)
    return PLAN_EMISUSE;
  if (!strcmp(s, "replay")) {
    *out = PLAN_CASSETTE_REPLAY;
  } else if (!strcmp(s, "record")) {
    *out = PLAN_CASSETTE_RECORD;
  } else if (!strcmp(s, "record-new") || !strcmp(s, "new")) {
    *out = PLAN_CASSETTE_RECORD_NEW;
  } else {
    return PLAN_EINVAL;
  }
  return PLAN_OK;
}

/* ======================================================================
 * Keys, slots and entries
 * ====================================================================== */

/* Parses "<16 lowercase hex>#<sample>" exactly as plan__llm_request_key
 * writes it (no leading zeros), so a parsed key can match a live one. */
static bool parse_key(const char *s, size_t len, uint64_t *hash,
                      unsigned *sample) {
  if (len < 18 || len >= PLAN__LLM_KEY_SIZE || strlen(s) != len)
    return false;
  uint64_t h = 0;
  for (int i = 0; i < 16; i++) {
    char ch = s[i];
    unsigned v;
    if (ch >= '0' && ch <= '9')
      v = (unsigned)(ch - '0');
    else if (ch >= 'a' && ch <= 'f')
      v = (unsigned)(ch - 'a' + 10);
    else
      return false;
    h = (h << 4) | v;
  }
  if (s[16] != '#')
    return false;
  const char *d = s + 17;
  if (d[0] == '0' && d[1] != '\0')
    return false;
  unsigned long long v = 0;
  for (; *d; d++) {
    if (*d < '0' || *d > '9')
      return false;
    v = v * 10 + (unsigned long long)(*d - '0');
    if (v > UINT_MAX)
      return false;
  }
  *hash = h;
  *sample = (unsigned)v;
  return true;
}

static size_t key_bucket(const char *key, size_t cap) {
  return (size_t)plan__hash64(key, strlen(key), 0) & (cap - 1);
}

static struct slot *slot_find(const struct cassette *c, const char *key) {
  if (!c->index_cap)
    return NULL;
  for (size_t i = key_bucket(key, c->index_cap);;
       i = (i + 1) & (c->index_cap - 1)) {
    uint32_t v = c->index[i];
    if (!v)
      return NULL;
    if (!strcmp(c->slots[v - 1].key, key))
      return &c->slots[v - 1];
  }
}

static plan_status index_rebuild(struct cassette *c, size_t cap) {
  uint32_t *idx = plan__calloc(cap, sizeof *idx);
  if (!idx)
    return PLAN_ENOMEM;
  for (size_t s = 0; s < c->n_slots; s++) {
    size_t i = key_bucket(c->slots[s].key, cap);
    while (idx[i])
      i = (i + 1) & (cap - 1);
    idx[i] = (uint32_t)(s + 1);
  }
  plan__free(c->index);
  c->index = idx;
  c->index_cap = cap;
  return PLAN_OK;
}

/* The slot of key, created if missing. NULL on ENOMEM (nothing changed). */
static struct slot *slot_get(struct cassette *c, const char *key) {
  struct slot *s = slot_find(c, key);
  if (s)
    return s;
  if (c->n_slots >= UINT32_MAX - 1)
    return NULL;
  if ((c->n_slots + 1) * 2 > c->index_cap) {
    size_t cap = c->index_cap ? c->index_cap * 2 : 64;
    if (index_rebuild(c, cap) != PLAN_OK)
      return NULL;
  }
  void *p = c->slots;
  if (plan__grow(&p, &c->cap_slots, c->n_slots + 1, sizeof *c->slots))
    return NULL;
  c->slots = p;
  s = &c->slots[c->n_slots];
  memset(s, 0, sizeof *s);
  memcpy(s->key, key, strlen(key) + 1);
  size_t i = key_bucket(key, c->index_cap);
  while (c->index[i])
    i = (i + 1) & (c->index_cap - 1);
  c->index[i] = (uint32_t)(++c->n_slots);
  return s;
}

static struct entry *slot_rec(const struct slot *s, unsigned attempt) {
  for (size_t i = 0; s && i < s->n_recs; i++)
    if (s->recs[i]->attempt == attempt)
      return s->recs[i];
  return NULL;
}

static void entry_free(struct entry *e) {
  if (!e)
    return;
  plan__free(e->req);
  json_decref(e->resp);
  plan__free(e);
}

/* Adds e (owned by the cassette from now on, even on failure) to the file
 * order and to its key's slot, sorted by attempt. The caller has checked
 * that the attempt is not recorded yet. */
static plan_status entry_add(struct cassette *c, struct entry *e) {
  struct slot *s = slot_get(c, e->key);
  void *p = c->entries;
  if (!s ||
      plan__grow(&p, &c->cap_entries, c->n_entries + 1, sizeof *c->entries)) {
    entry_free(e);
    return PLAN_ENOMEM;
  }
  c->entries = p;
  p = s->recs;
  if (plan__grow(&p, &s->cap_recs, s->n_recs + 1, sizeof *s->recs)) {
    entry_free(e);
    return PLAN_ENOMEM;
  }
  s->recs = p;
  size_t at = s->n_recs;
  while (at > 0 && s->recs[at - 1]->attempt > e->attempt)
    at--;
  memmove(&s->recs[at + 1], &s->recs[at], (s->n_recs - at) * sizeof *s->recs);
  s->recs[at] = e;
  s->n_recs++;
  c->entries[c->n_entries++] = e;
  return PLAN_OK;
}

/* Removes e (a pending recording whose attempt was canceled or failed)
 * from the file order and its slot, and frees it. */
static void entry_remove(struct cassette *c, struct entry *e) {
  for (size_t i = c->n_entries; i > 0; i--) {
    if (c->entries[i - 1] == e) {
      memmove(&c->entries[i - 1], &c->entries[i],
              (c->n_entries - i) * sizeof *c->entries);
      c->n_entries--;
      break;
    }
  }
  struct slot *s = slot_find(c, e->key);
  for (size_t i = 0; s && i < s->n_recs; i++) {
    if (s->recs[i] == e) {
      memmove(&s->recs[i], &s->recs[i + 1],
              (s->n_recs - i - 1) * sizeof *s->recs);
      s->n_recs--;
      break;
    }
  }
  entry_free(e);
}

/* ======================================================================
 * The ticket queue and in-flight record-throughs
 * ====================================================================== */

/* Makes room for one more queued ticket so that a later push cannot fail. */
static plan_status q_reserve(struct cassette *c) {
  if (c->q_len < c->q_cap)
    return PLAN_OK;
  size_t cap = c->q_cap ? c->q_cap * 2 : 16;
  struct qitem *q = plan__calloc(cap, sizeof *q);
  if (!q)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < c->q_len; i++)
    q[i] = c->q[(c->q_head + i) % c->q_cap];
  plan__free(c->q);
  c->q = q;
  c->q_cap = cap;
  c->q_head = 0;
  return PLAN_OK;
}

static void q_push(struct cassette *c, struct qitem it) {
  assert(c->q_len < c->q_cap);
  c->q[(c->q_head + c->q_len) % c->q_cap] = it;
  c->q_len++;
}

static struct qitem q_pop(struct cassette *c) {
  struct qitem it = c->q[c->q_head];
  c->q_head = (c->q_head + 1) % c->q_cap;
  c->q_len--;
  return it;
}

static void recs_remove(struct cassette *c, struct rec *r) {
  for (size_t i = 0; i < c->n_recs; i++) {
    if (c->recs[i] == r) {
      c->recs[i] = c->recs[--c->n_recs];
      return;
    }
  }
}

/* ======================================================================
 * Recording
 * ====================================================================== */

/* The canonical JSON text of a request (what the cassette stores and the
 * key hashes). */
static plan_status request_text(const plan_llm_request *req, char **out,
                                size_t *len) {
  plan_error err;
  *out = NULL;
  json_t *j = plan__llm_request_json(req, NULL, &err);
  if (!j)
    return err.code;
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_status st = plan__json_canonical(j, &b);
  json_decref(j);
  if (st == PLAN_OK) {
    *len = b.len;
    *out = plan__buf_take(&b);
    if (!*out)
      st = PLAN_ENOMEM;
  }
  plan__buf_free(&b);
  return st;
}

/* Creates the pending entry of a record-through and adds it. */
static plan_status entry_new_pending(struct cassette *c, const char *key,
                                     const plan_llm_request *req,
                                     unsigned attempt, struct entry **out) {
  *out = NULL;
  struct entry *e = plan__calloc(1, sizeof *e);
  if (!e)
    return PLAN_ENOMEM;
  memcpy(e->key, key, strlen(key) + 1);
  bool ok = parse_key(key, strlen(key), &e->hash, &e->sample);
  if (PLAN_NEVER(!ok)) {
    plan__free(e);
    return PLAN_EINTERNAL;
  }
  e->attempt = attempt;
  plan_status st = request_text(req, &e->req, &e->req_len);
  if (st != PLAN_OK) {
    plan__free(e);
    return st;
  }
  st = entry_add(c, e);
  if (st == PLAN_OK)
    *out = e;
  return st;
}

/* Stores resp as the result of the pending entry e. A response that cannot
 * be recorded (out of memory, or a number JSON cannot hold such as an
 * infinite logprob) drops the entry and leaves a sticky error that
 * plan_llm_cassette_save reports, so a cassette with a hole is never
 * written silently. */
static void record(struct cassette *c, struct entry *e,
                   const plan_llm_response *resp) {
  json_t *j = plan__llm_response_to_json(resp);
  if (!j) {
    if (c->rec_err == PLAN_OK) {
      c->rec_err = PLAN_EINVAL;
      plan__fmt(c->rec_errmsg, sizeof c->rec_errmsg,
                "cassette %s: cannot record the response of key %s "
                "(attempt %u): out of memory or a non-finite number",
                c->source, e->key, e->attempt);
    }
    plan__llm_set_errmsg(c->handle, "%s", c->rec_errmsg);
    entry_remove(c, e);
    return;
  }
  e->resp = j;
  c->dirty = true;
}

/* ======================================================================
 * Misses: the nearest recorded key
 * ====================================================================== */

/* Appends to path the first place where a and b (both parsed from canonical
 * text, so numbers compare alike) differ: object keys in byte order, array
 * elements by index, e.g. "messages[1].content". */
static void diff_path(const json_t *a, const json_t *b, plan__buf *path) {
  for (int depth = 0; depth < 64; depth++) {
    if (json_is_object(a) && json_is_object(b)) {
      const char *best = NULL;
      const char *k;
      json_t *v;
      json_object_foreach((json_t *)a, k, v) {
        if (!json_equal(v, json_object_get(b, k)) &&
            (!best || strcmp(k, best) < 0))
          best = k;
      }
      json_object_foreach((json_t *)b, k, v) {
        if (!json_object_get(a, k) && (!best || strcmp(k, best) < 0))
          best = k;
      }
      if (!best)
        return;
      if (path->len)
        plan__buf_putc(path, '.');
      plan__buf_puts(path, best);
      const json_t *na = json_object_get(a, best);
      const json_t *nb = json_object_get(b, best);
      a = na;
      b = nb;
    } else if (json_is_array(a) && json_is_array(b)) {
      size_t na = json_array_size(a);
      size_t nb = json_array_size(b);
      size_t i = 0;
      while (i < na && i < nb &&
             json_equal(json_array_get(a, i), json_array_get(b, i)))
        i++;
      plan__buf_printf(path, "[%zu]", i);
      if (i >= na || i >= nb)
        return;
      a = json_array_get(a, i);
      b = json_array_get(b, i);
    } else {
      return;
    }
  }
}

static size_t common_prefix(const char *a, size_t na, const char *b,
                            size_t nb) {
  size_t i = 0;
  while (i < na && i < nb && a[i] == b[i])
    i++;
  return i;
}

/* Appends the nearest recording to a miss message: the same key with
 * other attempts, else the same request with another
 * sample index, else the recorded request whose canonical JSON shares the
 * longest prefix with this one, naming the first field that differs. */
static void miss_nearest(const struct cassette *c, const plan_llm_request *req,
                         const char *key, plan__buf *b) {
  const struct slot *s = slot_find(c, key);
  const struct entry *near = NULL;
  for (size_t i = 0; s && i < s->n_recs; i++)
    if (s->recs[i]->resp)
      near = s->recs[i];
  if (near) {
    plan__buf_printf(b,
                     "; nearest: %s attempt %u (differs in the attempt "
                     "count: the request was tried more often than when "
                     "it was recorded)",
                     near->key, near->attempt);
    return;
  }
  uint64_t hash = 0;
  unsigned sample = 0;
  parse_key(key, strlen(key), &hash, &sample);
  unsigned best_gap = UINT_MAX;
  for (size_t i = 0; i < c->n_entries; i++) {
    const struct entry *e = c->entries[i];
    if (!e->resp || e->hash != hash || e->sample == sample)
      continue;
    unsigned gap = e->sample > sample ? e->sample - sample : sample - e->sample;
    if (gap < best_gap) {
      best_gap = gap;
      near = e;
    }
  }
  if (near) {
    plan__buf_printf(b, "; nearest: %s (differs in sample_index)", near->key);
    return;
  }
  char *text = NULL;
  size_t len = 0;
  if (request_text(req, &text, &len) != PLAN_OK) {
    plan__buf_puts(b, "; the request cannot be serialised");
    return;
  }
  size_t best = 0;
  for (size_t i = 0; i < c->n_entries; i++) {
    const struct entry *e = c->entries[i];
    if (!e->resp)
      continue;
    size_t p = common_prefix(text, len, e->req, e->req_len);
    if (!near || p > best) {
      best = p;
      near = e;
    }
  }
  if (!near) {
    plan__buf_puts(b, "; the cassette has no recordings");
    plan__free(text);
    return;
  }
  json_t *mine = json_loadb(text, len, JSON_ALLOW_NUL, NULL);
  json_t *theirs = json_loadb(near->req, near->req_len, JSON_ALLOW_NUL, NULL);
  plan__buf path;
  plan__buf_init(&path, 4096);
  diff_path(mine, theirs, &path);
  plan__buf_printf(b, "; nearest: %s (differs in %s)", near->key,
                   path.len && path.status == PLAN_OK ? path.data
                                                      : "the request");
  plan__buf_free(&path);
  json_decref(mine);
  json_decref(theirs);
  plan__free(text);
}

static void miss_message(const struct cassette *c, const plan_llm_request *req,
                         const char *key, unsigned attempt, plan__buf *b) {
  plan__buf_printf(b, "cassette miss: key %s (attempt %u) not recorded in %s",
                   key, attempt, c->source);
  miss_nearest(c, req, key, b);
  if (req->n > 1)
    plan__buf_printf(b, "; nor are single-choice recordings of its %u samples",
                     req->n);
}

/* ======================================================================
 * The vtable
 * ====================================================================== */

static void rec_done(plan_llm_ticket *it, void *ud) {
  struct rec *r = ud;
  struct cassette *c = r->c;
  recs_remove(c, r);
  plan_llm_ticket *outer = r->outer;
  if (outer) {
    record(c, r->e, &it->resp);
    plan__llm_response_move(&outer->resp, &it->resp);
  }
  plan_llm_response_clear(&it->resp);
  plan__free(r);
  if (outer)
    plan_llm_ticket_done(outer);
}

/* Begins a record-through of attempt `attempt` of key. */
static plan_status start_record(struct cassette *c, const plan_llm_request *req,
                                plan_llm_ticket *t, const char *key,
                                unsigned attempt) {
  const plan_llm_vtbl *iv = c->inner->vtbl;
  struct entry *e = NULL;
  plan_status st;
  if (!iv->start) {
    if ((st = q_reserve(c)) != PLAN_OK ||
        (st = entry_new_pending(c, key, req, attempt, &e)) != PLAN_OK)
      return st;
    q_push(c, (struct qitem){t, e, req});
    return PLAN_OK;
  }
  void *p = c->recs;
  if (plan__grow(&p, &c->cap_recs, c->n_recs + 1, sizeof *c->recs))
    return PLAN_ENOMEM;
  c->recs = p;
  struct rec *r = plan__calloc(1, sizeof *r);
  if (!r)
    return PLAN_ENOMEM;
  st = entry_new_pending(c, key, req, attempt, &e);
  if (st != PLAN_OK) {
    plan__free(r);
    return st;
  }
  plan__llm_ticket_init(&r->it, rec_done, r);
  r->outer = t;
  r->e = e;
  r->c = c;
  /* Listed before the inner start, and not touched after a successful
   * one: r belongs to the inner backend until rec_done frees it. */
  c->recs[c->n_recs++] = r;
  st = iv->start(c->inner->self, req, &r->it);
  if (st != PLAN_OK) {
    recs_remove(c, r);
    plan__llm_set_errmsg(c->handle, "cassette %s: %s could not start: %s",
                         c->source, plan_llm_name(c->inner),
                         plan_llm_errmsg(c->inner));
    plan_llm_response_clear(&r->it.resp);
    plan__free(r);
    entry_remove(c, e);
    return st;
  }
  return PLAN_OK;
}

/* The recording of key's next attempt with status OK at or after
 * attempt `from`, or NULL. */
static struct entry *next_ok(const struct slot *s, unsigned from) {
  for (size_t i = 0; s && i < s->n_recs; i++) {
    struct entry *e = s->recs[i];
    const char *st = e->resp ? plan__json_str(e->resp, "status") : NULL;
    if (e->attempt >= from && st && !strcmp(st, "OK"))
      return e;
  }
  return NULL;
}

/* Answers a request for n > 1 choices from single-choice recordings, the
 * way the scheduler splits such a request for a backend without
 * PLAN_LLM_CAP_N (plan__llm_split_part). Each split key gives
 * its next successful recording (recorded failures before it were retried
 * then), and those attempts are consumed. This is what lets a replay
 * advertise PLAN_LLM_CAP_N whatever backend made the recording. *found is
 * false, and nothing is consumed, unless every choice is recorded. */
static plan_status compose_split(struct cassette *c,
                                 const plan_llm_request *req,
                                 plan_llm_response *out, bool *found) {
  *found = false;
  unsigned n = req->n;
  if (n < 2 || req->sample_index > (UINT_MAX - (n - 1)) / n)
    return PLAN_OK;
  struct entry **picks = plan__calloc(n, sizeof *picks);
  if (!picks)
    return PLAN_ENOMEM;
  plan_status st = PLAN_OK;
  for (unsigned i = 0; i < n; i++) {
    plan_llm_request r;
    plan__llm_split_part(req, i, &r);
    char key[PLAN__LLM_KEY_SIZE];
    if ((st = plan__llm_request_key(&r, NULL, key)) != PLAN_OK)
      goto done;
    const struct slot *s = slot_find(c, key);
    if (!s || !(picks[i] = next_ok(s, s->started + 1)))
      goto done;
  }
  plan_llm_response acc;
  plan_llm_response_init(&acc);
  for (unsigned i = 0; i < n; i++) {
    plan_llm_response one;
    plan_error err;
    if ((st = plan__llm_response_from_json(picks[i]->resp, &one, &err)))
      break;
    if (i == 0) {
      plan__llm_response_move(&acc, &one);
      continue;
    }
    if (one.n_choices) {
      plan_llm_choice *ch = plan__realloc(
          acc.choices, (acc.n_choices + one.n_choices) * sizeof *ch);
      if (!ch) {
        plan_llm_response_clear(&one);
        st = PLAN_ENOMEM;
        break;
      }
      acc.choices = ch;
      memcpy(&acc.choices[acc.n_choices], one.choices,
             one.n_choices * sizeof *ch);
      acc.n_choices += one.n_choices;
      one.n_choices = 0; /* the choices' strings now belong to acc */
    }
    acc.prompt_tokens += one.prompt_tokens;
    acc.completion_tokens += one.completion_tokens;
    plan_llm_response_clear(&one);
  }
  if (st != PLAN_OK) {
    plan_llm_response_clear(&acc);
    goto done;
  }
  for (unsigned i = 0; i < n; i++)
    slot_find(c, picks[i]->key)->started = picks[i]->attempt;
  plan__llm_response_move(out, &acc);
  *found = true;
done:
  plan__free(picks);
  return st;
}

static plan_status cas_start(void *self, const plan_llm_request *req,
                             plan_llm_ticket *t) {
  struct cassette *c = self;
  if (!req || !t)
    return PLAN_EMISUSE;
  char key[PLAN__LLM_KEY_SIZE];
  plan_status st = plan__llm_request_key(req, NULL, key);
  if (st != PLAN_OK) {
    plan__llm_set_errmsg(c->handle, "cassette %s: cannot key the request: %s",
                         c->source, plan_strerror(st));
    return st;
  }
  /* Room in the queue first, so that nothing fails after an attempt has
   * been consumed. */
  if ((st = q_reserve(c)) != PLAN_OK)
    return st;
  struct slot *s = slot_get(c, key);
  if (!s)
    return PLAN_ENOMEM;
  unsigned attempt = s->started + 1;
  bool replay = c->mode != PLAN_CASSETTE_RECORD;
  struct entry *e = replay ? slot_rec(s, attempt) : NULL;
  plan_llm_response resp;
  plan_llm_response_init(&resp);
  bool hit = false;
  if (e && e->resp) {
    plan_error err;
    if ((st = plan__llm_response_from_json(e->resp, &resp, &err)) != PLAN_OK)
      return st;
    hit = true;
  } else if (replay && req->n > 1) {
    if ((st = compose_split(c, req, &resp, &hit)) != PLAN_OK)
      return st;
  }
  if (hit) {
    /* The response is filled now; the ticket completes in drive. */
    plan__llm_response_move(&t->resp, &resp);
    q_push(c, (struct qitem){t, NULL, NULL});
  } else if (c->mode == PLAN_CASSETTE_REPLAY) {
    plan__buf b;
    plan__buf_init(&b, 64 * 1024);
    miss_message(c, req, key, attempt, &b);
    plan_llm_response_clear(&t->resp);
    if (b.status == PLAN_OK) {
      plan_llm_response_set_error(&t->resp, PLAN_ENOTFOUND, 0, "%s", b.data);
      plan__llm_set_errmsg(c->handle, "%s", b.data);
    } else {
      plan_llm_response_set_error(&t->resp, PLAN_ENOTFOUND, 0,
                                  "cassette miss: key %s (attempt %u)", key,
                                  attempt);
    }
    plan__buf_free(&b);
    t->resp.should_retry = 0;
    q_push(c, (struct qitem){t, NULL, NULL});
  } else {
    /* start_record adds the pending entry to this key's slot; look the
     * slot up again rather than rely on it not having moved. */
    st = start_record(c, req, t, key, attempt);
    if (st != PLAN_OK)
      return st;
    s = slot_find(c, key);
  }
  s->started++;
  return PLAN_OK;
}

/* Runs one queued item. The item is already off the queue, so the
 * caller's on_done may start or cancel tickets freely. */
static void run_item(struct cassette *c, struct qitem it) {
  if (it.e) {
    plan_llm_response resp;
    plan_llm_response_init(&resp);
    plan_status st = c->inner->vtbl->complete(c->inner->self, it.req, &resp);
    if (st != PLAN_OK && resp.status == PLAN_OK)
      plan_llm_response_set_error(&resp, st, resp.http_status, "%s: %s",
                                  plan_llm_name(c->inner), plan_strerror(st));
    record(c, it.e, &resp);
    plan__llm_response_move(&it.t->resp, &resp);
  }
  plan_llm_ticket_done(it.t);
}

static plan_status cas_drive(void *self, long timeout_ms) {
  struct cassette *c = self;
  size_t n = c->q_len;
  bool did = n > 0;
  /* Only what was queued on entry: tickets queued by on_done callbacks
   * wait for the next drive, so one call is bounded. */
  while (n-- > 0 && c->q_len > 0)
    run_item(c, q_pop(c));
  if (c->n_recs && c->inner && c->inner->vtbl->drive)
    return c->inner->vtbl->drive(c->inner->self,
                                 did || c->q_len ? 0 : timeout_ms);
  return PLAN_OK;
}

/* Abandons every ticket: queued hits are cleared, pending recordings are
 * dropped. Inner tickets are abandoned through the inner backend's
 * cancel_all; an inner backend without one keeps them, and their results
 * are discarded when they arrive. */
static void cas_cancel_all(void *self) {
  struct cassette *c = self;
  while (c->q_len > 0) {
    struct qitem it = q_pop(c);
    if (it.e)
      entry_remove(c, it.e);
    plan_llm_response_clear(&it.t->resp);
  }
  if (!c->n_recs)
    return;
  if (c->inner->vtbl->cancel_all) {
    c->inner->vtbl->cancel_all(c->inner->self);
    for (size_t i = 0; i < c->n_recs; i++) {
      struct rec *r = c->recs[i];
      if (r->e)
        entry_remove(c, r->e);
      plan_llm_response_clear(&r->it.resp);
      plan__free(r);
    }
    c->n_recs = 0;
    return;
  }
  for (size_t i = 0; i < c->n_recs; i++) {
    struct rec *r = c->recs[i];
    r->outer = NULL;
    if (r->e)
      entry_remove(c, r->e);
    r->e = NULL;
  }
}

static void cassette_free(struct cassette *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n_entries; i++)
    entry_free(c->entries[i]);
  plan__free(c->entries);
  for (size_t i = 0; i < c->n_slots; i++)
    plan__free(c->slots[i].recs);
  plan__free(c->slots);
  plan__free(c->index);
  plan__free(c->q);
  for (size_t i = 0; i < c->n_recs; i++) {
    plan_llm_response_clear(&c->recs[i]->it.resp);
    plan__free(c->recs[i]);
  }
  plan__free(c->recs);
  for (size_t i = 0; i < c->n_secrets; i++)
    plan__free(c->secrets[i]);
  plan__free(c->secrets);
  plan__free(c->path);
  plan__free(c->source);
  plan__free(c);
}

static plan_status save(struct cassette *c);

/* Abandons what is in flight, saves unsaved recordings (a failure cannot
 * be reported here: callers that care call plan_llm_cassette_save first),
 * and frees everything. Inner tickets still held by an inner backend
 * without cancel_all are freed too: such a backend must not complete them
 * after this. */
static void cas_destroy(void *self) {
  struct cassette *c = self;
  cas_cancel_all(c);
  if (c->dirty && c->path && c->mode != PLAN_CASSETTE_REPLAY)
    (void)save(c);
  cassette_free(c);
}

static const char *cas_describe(void *self) {
  struct cassette *c = self;
  size_t n = 0;
  for (size_t i = 0; i < c->n_entries; i++)
    n += c->entries[i]->resp != NULL;
  if (c->inner)
    plan__fmt(c->desc, sizeof c->desc,
              "cassette %s (%s, %zu recordings, inner %s)", c->source,
              mode_name(c->mode), n, plan_llm_name(c->inner));
  else
    plan__fmt(c->desc, sizeof c->desc, "cassette %s (%s, %zu recordings)",
              c->source, mode_name(c->mode), n);
  return c->desc;
}

static bool is_cassette(const plan_llm *llm) {
  return plan__llm_ok(llm) && llm->vtbl->destroy == cas_destroy;
}

/* ======================================================================
 * Loading
 * ====================================================================== */

/* Checks the fields plan__llm_response_from_json is lenient about, so a
 * hand-edited recording fails at load with the field's name rather than
 * replaying something else. */
static bool check_response(const json_t *r, char *msg, size_t size) {
  if (!json_is_object(r)) {
    plan__fmt(msg, size, "response: expected an object");
    return false;
  }
  const json_t *v = json_object_get(r, "status");
  if (!json_is_string(v)) {
    plan__fmt(msg, size, "response.status: expected a string");
    return false;
  }
  const char *name = json_string_value(v);
  if (strcmp(plan_status_name(plan__status_parse(name)), name) != 0) {
    plan__fmt(msg, size, "response.status: unknown status name");
    return false;
  }
  v = json_object_get(r, "http_status");
  if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > 999)) {
    plan__fmt(msg, size, "response.http_status: expected an integer 0..999");
    return false;
  }
  static const char *const strs[] = {"error", "model", "request_id"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(strs); i++) {
    v = json_object_get(r, strs[i]);
    if (v && !json_is_string(v)) {
      plan__fmt(msg, size, "response.%s: expected a string", strs[i]);
      return false;
    }
  }
  static const char *const waits[] = {"retry_after_ms", "ratelimit_wait_ms"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(waits); i++) {
    v = json_object_get(r, waits[i]);
    if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
      plan__fmt(msg, size, "response.%s: expected an integer >= 0", waits[i]);
      return false;
    }
  }
  v = json_object_get(r, "should_retry");
  if (v && !json_is_boolean(v)) {
    plan__fmt(msg, size, "response.should_retry: expected a boolean");
    return false;
  }
  const json_t *usage = json_object_get(r, "usage");
  if (usage && !json_is_object(usage)) {
    plan__fmt(msg, size, "response.usage: expected an object");
    return false;
  }
  static const char *const toks[] = {"prompt_tokens", "completion_tokens"};
  for (size_t i = 0; usage && i < PLAN_ARRAY_LEN(toks); i++) {
    v = json_object_get(usage, toks[i]);
    if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
      plan__fmt(msg, size, "response.usage.%s: expected an integer >= 0",
                toks[i]);
      return false;
    }
  }
  const json_t *choices = json_object_get(r, "choices");
  if (choices && !json_is_array(choices)) {
    plan__fmt(msg, size, "response.choices: expected an array");
    return false;
  }
  for (size_t i = 0; i < json_array_size(choices); i++) {
    const json_t *ch = json_array_get(choices, i);
    if (!json_is_object(ch)) {
      plan__fmt(msg, size, "response.choices[%zu]: expected an object", i);
      return false;
    }
    if (!json_is_string(json_object_get(ch, "text"))) {
      plan__fmt(msg, size, "response.choices[%zu].text: expected a string", i);
      return false;
    }
    v = json_object_get(ch, "finish");
    if (v && !json_is_string(v)) {
      plan__fmt(msg, size, "response.choices[%zu].finish: expected a string",
                i);
      return false;
    }
    v = json_object_get(ch, "truncated");
    if (v && !json_is_boolean(v)) {
      plan__fmt(msg, size,
                "response.choices[%zu].truncated: expected a boolean", i);
      return false;
    }
    v = json_object_get(ch, "logprobs");
    if (v && !json_is_array(v)) {
      plan__fmt(msg, size, "response.choices[%zu].logprobs: expected an array",
                i);
      return false;
    }
  }
  return true;
}

static json_t *parse_line(const struct cassette *c, const char *s, size_t n,
                          int lineno, plan_error *err, plan_status *st) {
  json_error_t je;
  json_t *j = json_loadb(s, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &je);
  /* jansson reports a failed allocation as out_of_memory, or (when its
   * lexer cannot even start) leaves the message empty. */
  if (!j && (json_error_code(&je) == json_error_out_of_memory ||
             je.text[0] == '\0')) {
    *st = plan__error_set(err, PLAN_ENOMEM, lineno, 0, "%s:%d: out of memory",
                          c->source, lineno);
    return NULL;
  }
  if (!j) {
    *st = plan__error_set(err, PLAN_EPARSE, lineno, je.column,
                          "%s:%d: invalid JSON at column %d: %s", c->source,
                          lineno, je.column, je.text);
    return NULL;
  }
  if (!json_is_object(j)) {
    json_decref(j);
    *st = plan__error_set(err, PLAN_EPARSE, lineno, 0,
                          "%s:%d: expected a JSON object", c->source, lineno);
    return NULL;
  }
  return j;
}

static plan_status load_header(struct cassette *c, const char *s, size_t n,
                               int lineno, plan_error *err) {
  plan_status st = PLAN_OK;
  json_t *j = parse_line(c, s, n, lineno, err, &st);
  if (!j)
    return st;
  const json_t *v = json_object_get(j, "plan_cassette");
  if (!v) {
    st = plan__error_set(err, PLAN_EPARSE, lineno, 0,
                         "%s:%d: not a plan cassette: the first line must be "
                         "{\"plan_cassette\":%d,...}",
                         c->source, lineno, PLAN__CASSETTE_VERSION);
  } else if (!json_is_integer(v)) {
    st = plan__error_set(err, PLAN_EPARSE, lineno, 0,
                         "%s:%d: plan_cassette: expected an integer", c->source,
                         lineno);
  } else if (json_integer_value(v) != PLAN__CASSETTE_VERSION) {
    st = plan__error_set(
        err, PLAN_EPARSE, lineno, 0,
        "%s:%d: unsupported cassette version %" JSON_INTEGER_FORMAT
        " (this build reads version %d); re-record it",
        c->source, lineno, json_integer_value(v), PLAN__CASSETTE_VERSION);
  } else if ((v = json_object_get(j, "created_by")) && !json_is_string(v)) {
    st = plan__error_set(err, PLAN_EPARSE, lineno, 0,
                         "%s:%d: created_by: expected a string", c->source,
                         lineno);
  }
  json_decref(j);
  return st;
}

/* Loads one recording line: every field is checked, the key must match the
 * request's hash (so a hand-edited request cannot answer for another), and
 * a key's attempt may be recorded only once. */
static plan_status load_entry(struct cassette *c, const char *s, size_t n,
                              int lineno, plan_error *err) {
  plan_status st = PLAN_OK;
  json_t *j = parse_line(c, s, n, lineno, err, &st);
  if (!j)
    return st;
  struct entry *e = NULL;
  char msg[120];
  plan__buf b;
  plan__buf_init(&b, 0);
  const json_t *key = json_object_get(j, "key");
  const json_t *att = json_object_get(j, "attempt");
  const json_t *req = json_object_get(j, "request");
  json_t *resp = json_object_get(j, "response");
  uint64_t hash = 0;
  unsigned sample = 0;
  if (!json_is_string(key)) {
    plan__fmt(msg, sizeof msg, "key: expected a string");
    goto bad;
  }
  if (!parse_key(json_string_value(key), json_string_length(key), &hash,
                 &sample)) {
    plan__fmt(msg, sizeof msg,
              "key: expected \"<16 hex digits>#<sample index>\"");
    goto bad;
  }
  if (!json_is_integer(att) || json_integer_value(att) < 1 ||
      json_integer_value(att) > UINT_MAX) {
    plan__fmt(msg, sizeof msg, "attempt: expected an integer >= 1");
    goto bad;
  }
  if (!json_is_object(req)) {
    plan__fmt(msg, sizeof msg, "request: expected an object");
    goto bad;
  }
  if (!resp) {
    plan__fmt(msg, sizeof msg, "response: expected an object");
    goto bad;
  }
  if (!check_response(resp, msg, sizeof msg))
    goto bad;
  plan_llm_response tmp;
  plan_error rerr;
  st = plan__llm_response_from_json(resp, &tmp, &rerr);
  plan_llm_response_clear(&tmp);
  if (st == PLAN_ENOMEM)
    goto nomem;
  if (st != PLAN_OK) {
    plan__fmt(msg, sizeof msg, "%s%s",
              strncmp(rerr.text, "response", 8) ? "response: " : "", rerr.text);
    goto bad;
  }
  /* Both halves must serialise (a save writes them canonically); the
   * response's text is only a check, the request's is kept. */
  st = plan__json_canonical(resp, &b);
  if (st == PLAN_ENOMEM)
    goto nomem;
  if (st != PLAN_OK) {
    plan__fmt(msg, sizeof msg, "response: nested too deeply");
    goto bad;
  }
  plan__buf_reset(&b);
  st = plan__json_canonical(req, &b);
  if (st == PLAN_ENOMEM)
    goto nomem;
  if (st != PLAN_OK) {
    plan__fmt(msg, sizeof msg, "request: nested too deeply");
    goto bad;
  }
  uint64_t h = plan__hash64(b.data, b.len, 0);
  if (h != hash) {
    char hex[17];
    plan__hex64(h, hex);
    plan__fmt(msg, sizeof msg,
              "key: does not match the request (whose hash is %s); was the "
              "line edited?",
              hex);
    goto bad;
  }
  unsigned attempt = (unsigned)json_integer_value(att);
  const struct entry *dup =
      slot_rec(slot_find(c, json_string_value(key)), attempt);
  if (dup) {
    plan__fmt(msg, sizeof msg,
              "key %s attempt %u is already recorded on line %d", dup->key,
              attempt, dup->line);
    goto bad;
  }
  e = plan__calloc(1, sizeof *e);
  if (!e)
    goto nomem;
  memcpy(e->key, json_string_value(key), json_string_length(key) + 1);
  e->hash = hash;
  e->sample = sample;
  e->attempt = attempt;
  e->line = lineno;
  e->req_len = b.len;
  e->req = plan__buf_take(&b);
  e->resp = json_incref(resp);
  if (!e->req) {
    entry_free(e);
    goto nomem;
  }
  json_decref(j);
  plan__buf_free(&b);
  if (entry_add(c, e) != PLAN_OK)
    return plan__error_set(err, PLAN_ENOMEM, lineno, 0, "%s:%d: out of memory",
                           c->source, lineno);
  return PLAN_OK;
bad:
  json_decref(j);
  plan__buf_free(&b);
  return plan__error_set(err, PLAN_EPARSE, lineno, 0, "%s:%d: %s", c->source,
                         lineno, msg);
nomem:
  json_decref(j);
  plan__buf_free(&b);
  return plan__error_set(err, PLAN_ENOMEM, lineno, 0, "%s:%d: out of memory",
                         c->source, lineno);
}

static bool blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t')
      return false;
  return true;
}

/* Loads the JSONL text. An empty text is an empty cassette; otherwise the
 * first line is the header. Blank lines are skipped, "\r\n" is accepted.
 * With header_only (RECORD mode, which rewrites the file) only the header
 * is checked, so that record mode never overwrites a file that is not a
 * cassette. */
static plan_status load_buf(struct cassette *c, const char *data, size_t len,
                            bool header_only, plan_error *err) {
  size_t pos = 0;
  int lineno = 0;
  while (pos < len) {
    const char *s = data + pos;
    const char *nl = memchr(s, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - s) : len - pos;
    pos += n + (nl ? 1 : 0);
    if (lineno == INT_MAX)
      return plan__error_set(err, PLAN_EPARSE, 0, 0, "%s: too many lines",
                             c->source);
    lineno++;
    if (n && s[n - 1] == '\r')
      n--;
    plan_status st;
    if (lineno == 1) {
      st = load_header(c, s, n, lineno, err);
      if (st != PLAN_OK || header_only)
        return st;
      continue;
    }
    if (blank(s, n))
      continue;
    st = load_entry(c, s, n, lineno, err);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

static plan_status load_file(struct cassette *c, plan_error *err) {
  struct stat sb;
  if (stat(c->path, &sb) != 0) {
    if (errno == ENOENT && c->mode != PLAN_CASSETTE_REPLAY)
      return PLAN_OK;
    if (errno == ENOENT)
      return plan__error_set(err, PLAN_EIO, 0, 0, "%s: no such cassette",
                             c->path);
    return plan__error_set(err, PLAN_EIO, 0, 0, "%s: %s", c->path,
                           strerror(errno));
  }
  if (S_ISDIR(sb.st_mode))
    return plan__error_set(err, PLAN_EIO, 0, 0, "%s: is a directory", c->path);
  if ((unsigned long long)sb.st_size > PLAN__CASSETTE_MAX_BYTES)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: larger than 1 GiB; refusing to load it",
                           c->path);
  char *data = NULL;
  size_t len = 0;
  plan_status st =
      plan__read_file(c->path, PLAN__CASSETTE_MAX_BYTES, &data, &len, err);
  if (st == PLAN_EBUDGET)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: larger than 1 GiB; refusing to load it",
                           c->path);
  if (st != PLAN_OK)
    return st;
  st = load_buf(c, data, len, c->mode == PLAN_CASSETTE_RECORD, err);
  plan__free(data);
  return st;
}

/* ======================================================================
 * Saving and the secret scan
 * ====================================================================== */

static bool token_char(unsigned char ch) {
  return isalnum(ch) || ch == '_' || ch == '-';
}

static bool prefix_ci(const char *s, const char *p) {
  for (; *p; s++, p++)
    if (tolower((unsigned char)*s) != *p)
      return false;
  return true;
}

/* After a header name: optional quotes/escapes/spaces, ':', more of them,
 * then a value of at least 8 characters, as in "x-api-key: abcd1234" or
 * {"authorization":"..."}. */
static bool header_value(const char *s) {
  while (*s == '"' || *s == '\\' || *s == ' ' || *s == '\t')
    s++;
  if (*s != ':')
    return false;
  s++;
  while (*s == '"' || *s == '\\' || *s == ' ' || *s == '\t')
    s++;
  size_t n = 0;
  while (s[n] && !strchr(" \t\"\\,}", s[n]))
    n++;
  return n >= 8;
}

/* The kind of secret found in the JSON text s, or NULL. Never returns any
 * part of the secret itself. */
static const char *find_secret(const struct cassette *c, const char *s) {
  for (size_t i = 0; i < c->n_secrets; i++)
    if (strstr(s, c->secrets[i]))
      return "a registered secret (the API key)";
  for (const char *p = s; *p; p++) {
    if (p[0] == 's' && p[1] == 'k' && p[2] == '-' &&
        (p == s || !isalnum((unsigned char)p[-1]))) {
      size_t n = 0;
      while (token_char((unsigned char)p[3 + n]))
        n++;
      if (n >= 20)
        return strncmp(p, "sk-ant-", 7) == 0
                   ? "an Anthropic API key (sk-ant-...)"
                   : "an API key (sk-...)";
    }
    if (prefix_ci(p, "bearer ")) {
      size_t n = 0;
      while (p[7 + n] &&
             (isalnum((unsigned char)p[7 + n]) || strchr("._~+/=-", p[7 + n])))
        n++;
      if (n >= 16)
        return "a bearer token (Bearer ...)";
    }
    if (prefix_ci(p, "x-api-key") && header_value(p + 9))
      return "an x-api-key header";
    if (prefix_ci(p, "authorization") && header_value(p + 13))
      return "an Authorization header";
  }
  return NULL;
}

/* Writes the header and every finished recording to out in file order.
 * With scan, each request and response is checked for secrets first; a
 * hit sets msg (file, line, key, kind: never the secret) and returns
 * PLAN_EINVAL. */
static plan_status render(const struct cassette *c, plan__buf *out, bool scan,
                          char *msg, size_t size) {
  plan_status st = PLAN_OK;
  plan__buf resp;
  plan__buf_init(&resp, 0);
  char created[64];
  plan__fmt(created, sizeof created, "plan %s", plan_version());
  json_t *hdr = json_pack("{s:s, s:i}", "created_by", created, "plan_cassette",
                          PLAN__CASSETTE_VERSION);
  if (!hdr)
    return PLAN_ENOMEM;
  st = plan__json_canonical(hdr, out);
  json_decref(hdr);
  plan__buf_putc(out, '\n');
  int line = 1;
  for (size_t i = 0; st == PLAN_OK && i < c->n_entries; i++) {
    const struct entry *e = c->entries[i];
    if (!e->resp)
      continue;
    line++;
    plan__buf_reset(&resp);
    st = plan__json_canonical(e->resp, &resp);
    if (st != PLAN_OK)
      break;
    const char *kind = NULL;
    const char *where = "request";
    if (scan && !(kind = find_secret(c, e->req))) {
      kind = find_secret(c, resp.data);
      where = "response";
    }
    if (kind) {
      plan__fmt(msg, size,
                "%s:%d: refusing to save: the %s of key %s (attempt %u) "
                "contains %s; nothing was written",
                c->source, line, where, e->key, e->attempt, kind);
      st = PLAN_EINVAL;
      break;
    }
    plan__buf_printf(
        out, "{\"attempt\":%u,\"key\":\"%s\",\"request\":", e->attempt, e->key);
    plan__buf_append(out, e->req, e->req_len);
    plan__buf_puts(out, ",\"response\":");
    plan__buf_append(out, resp.data, resp.len);
    st = plan__buf_puts(out, "}\n");
  }
  plan__buf_free(&resp);
  if (st == PLAN_OK)
    st = out->status;
  return st;
}

/* Writes data to "<path>.tmp", flushes it to disk and renames it over the
 * path, so a reader sees the old file or the new one, never half. */
static plan_status write_atomic(struct cassette *c, const char *data,
                                size_t len) {
  plan__buf tmp;
  plan__buf_init(&tmp, 0);
  if (plan__buf_printf(&tmp, "%s.tmp", c->path) != PLAN_OK) {
    plan__buf_free(&tmp);
    return PLAN_ENOMEM;
  }
  plan_status st = PLAN_OK;
  FILE *f = fopen(tmp.data, "wb");
  if (!f) {
    plan__llm_set_errmsg(c->handle, "cassette %s: cannot write %s: %s",
                         c->source, tmp.data, strerror(errno));
    plan__buf_free(&tmp);
    return PLAN_EIO;
  }
  bool ok =
      fwrite(data, 1, len, f) == len && fflush(f) == 0 && fsync(fileno(f)) == 0;
  int e = errno;
  if (fclose(f) != 0 && ok) {
    ok = false;
    e = errno;
  }
  if (ok && rename(tmp.data, c->path) != 0) {
    ok = false;
    e = errno;
  }
  if (!ok) {
    remove(tmp.data);
    plan__llm_set_errmsg(c->handle, "cassette %s: cannot write: %s", c->source,
                         strerror(e));
    st = PLAN_EIO;
  }
  plan__buf_free(&tmp);
  return st;
}

static plan_status save(struct cassette *c) {
  if (c->mode == PLAN_CASSETTE_REPLAY)
    return PLAN_OK;
  if (c->rec_err != PLAN_OK) {
    plan__llm_set_errmsg(c->handle, "%s; nothing was written", c->rec_errmsg);
    return c->rec_err;
  }
  plan__buf out;
  plan__buf_init(&out, PLAN__CASSETTE_MAX_BYTES);
  char msg[256] = "";
  plan_status st = render(c, &out, true, msg, sizeof msg);
  if (st == PLAN_OK) {
    st = write_atomic(c, out.data, out.len);
    if (st == PLAN_OK)
      c->dirty = false;
  } else if (st == PLAN_EINVAL) {
    plan__llm_set_errmsg(c->handle, "%s", msg);
  } else if (st == PLAN_EBUDGET) {
    plan__llm_set_errmsg(c->handle,
                         "cassette %s: larger than 1 GiB; "
                         "nothing was written",
                         c->source);
  } else {
    plan__llm_set_errmsg(c->handle, "cassette %s: %s", c->source,
                         plan_strerror(st));
  }
  plan__buf_free(&out);
  return st;
}

plan_status plan_llm_cassette_save(plan_llm *llm) {
  if (!is_cassette(llm))
    return PLAN_EMISUSE;
  struct cassette *c = llm->self;
  if (!c->path) {
    plan__llm_set_errmsg(llm,
                         "cassette %s: loaded from memory, no file to "
                         "save to",
                         c->source);
    return PLAN_EMISUSE;
  }
  return save(c);
}

plan_status plan__cassette_dump(plan_llm *llm, char **out, size_t *len_out) {
  if (out)
    *out = NULL;
  if (len_out)
    *len_out = 0;
  if (!is_cassette(llm) || !out)
    return PLAN_EMISUSE;
  plan__buf b;
  plan__buf_init(&b, PLAN__CASSETTE_MAX_BYTES);
  plan_status st = render(llm->self, &b, false, NULL, 0);
  if (st == PLAN_OK) {
    size_t len = b.len;
    *out = plan__buf_take(&b);
    if (!*out)
      st = PLAN_ENOMEM;
    else if (len_out)
      *len_out = len;
  }
  plan__buf_free(&b);
  return st;
}

plan_status plan__llm_cassette_add_secret(plan_llm *llm, const char *secret) {
  if (!is_cassette(llm) || !secret)
    return PLAN_EMISUSE;
  struct cassette *c = llm->self;
  if (strlen(secret) < 8)
    return PLAN_OK;
  /* The scan runs on JSON text, so look for the secret as JSON writes it. */
  json_t *js = json_string(secret);
  if (!js)
    return PLAN_EINVAL; /* not UTF-8: it can never appear in a cassette */
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_status st = plan__json_canonical(js, &b);
  json_decref(js);
  void *p = c->secrets;
  if (st == PLAN_OK &&
      plan__grow(&p, &c->cap_secrets, c->n_secrets + 1, sizeof *c->secrets))
    st = PLAN_ENOMEM;
  if (st == PLAN_OK) {
    c->secrets = p;
    char *s = plan__strndup(b.data + 1, b.len - 2); /* without the quotes */
    if (s)
      c->secrets[c->n_secrets++] = s;
    else
      st = PLAN_ENOMEM;
  }
  plan__buf_free(&b);
  return st;
}

/* ======================================================================
 * Creation
 * ====================================================================== */

static struct cassette *cassette_new(plan_llm *inner, const char *source,
                                     const char *path,
                                     plan_cassette_mode mode) {
  struct cassette *c = plan__calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->inner = inner;
  c->mode = mode;
  c->source = plan__strdup(source);
  c->path = plan__strdup(path);
  if (!c->source || (path && !c->path)) {
    cassette_free(c);
    return NULL;
  }
  c->vtbl.abi_version = PLAN_LLM_ABI_VERSION;
  c->vtbl.name = "cassette";
  c->vtbl.caps = mode == PLAN_CASSETTE_REPLAY || !inner
                     ? PLAN_LLM_CAP_REPLAY | PLAN_LLM_CAP_N
                     : inner->vtbl->caps;
  c->vtbl.start = cas_start;
  c->vtbl.drive = cas_drive;
  c->vtbl.complete = NULL;
  c->vtbl.cancel_all = cas_cancel_all;
  c->vtbl.destroy = cas_destroy;
  c->vtbl.describe = cas_describe;
  return c;
}

static plan_status finish_create(struct cassette *c, plan_llm **out,
                                 plan_error *err) {
  if (plan__llm_wrap(&c->vtbl, c, &c->handle) != PLAN_OK) {
    cassette_free(c);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  *out = c->handle;
  return PLAN_OK;
}

plan_status plan_llm_cassette_create(plan_llm *inner, const char *path,
                                     plan_cassette_mode mode, plan_llm **out,
                                     plan_error *err) {
  if (out)
    *out = NULL;
  if (!out || !path)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0, "NULL argument");
  if ((unsigned)mode > PLAN_CASSETTE_RECORD_NEW)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "unknown cassette mode %d",
                           (int)mode);
  if (inner && !plan__llm_ok(inner))
    return plan__error_set(err, PLAN_EMISUSE, 0, 0,
                           "inner is not a live backend handle");
  if (mode != PLAN_CASSETTE_REPLAY && !inner)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: mode %s needs an inner backend to record "
                           "with",
                           path, mode_name(mode));
  if (mode != PLAN_CASSETTE_REPLAY && !inner->vtbl->start &&
      !inner->vtbl->complete)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: the inner backend has neither start nor "
                           "complete",
                           path);
  struct cassette *c = cassette_new(inner, path, path, mode);
  if (!c)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  plan_status st = load_file(c, err);
  if (st != PLAN_OK) {
    cassette_free(c);
    return st;
  }
  return finish_create(c, out, err);
}

plan_status plan__cassette_load_buf(const char *data, size_t len,
                                    const char *source, plan_llm **out,
                                    plan_error *err) {
  if (out)
    *out = NULL;
  if (!out || (!data && len))
    return plan__error_set(err, PLAN_EMISUSE, 0, 0, "NULL argument");
  if (len > PLAN__CASSETTE_MAX_BYTES)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: larger than 1 GiB; refusing to load it",
                           source ? source : "<memory>");
  struct cassette *c = cassette_new(NULL, source ? source : "<memory>", NULL,
                                    PLAN_CASSETTE_REPLAY);
  if (!c)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  plan_status st = load_buf(c, data, len, false, err);
  if (st != PLAN_OK) {
    cassette_free(c);
    return st;
  }
  return finish_create(c, out, err);
}
