/* llm/scripted.c: the scripted backend, an in-process test double. A
 * script is an ordered list of rules; for each attempt the first rule that
 * applies decides the outcome: a reply, an error (every fault the HTTP
 * backends can report), a delay, fewer choices than asked. Rules can be
 * limited to one call index ("call": N, 1-based, counted over all attempts)
 * or a number of uses ("times": K), so a test can inject a fault exactly at
 * call N. The format is documented in docs/llm.md.
 *
 * It is asynchronous like the HTTP backend: start() queues the attempt with
 * its due time (now + delay_ms on the given clock) and drive() completes
 * due attempts in order, so the scheduler's concurrency is exercised for
 * real. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "llm/scripted.h"

typedef struct rule {
  pcre2_code *re; /* NULL: matches every prompt */
  unsigned call;  /* 0: any call */
  unsigned times; /* 0: unlimited */
  unsigned used;
  char **replies; /* cycled over the choices this rule produces */
  size_t n_replies;
  size_t next_reply;
  char *error; /* fault kind, or NULL for a reply */
  int64_t retry_after_ms;
  int64_t ratelimit_wait_ms; /* -1: none */
  uint64_t delay_ms;
  plan_finish finish;
  unsigned choices; /* 0: as many as asked; else at most this many */
  int64_t prompt_tokens, completion_tokens; /* -1: count words */
  json_t *logprobs; /* attached to each choice, or NULL */
} rule;

typedef struct pending {
  plan_llm_ticket *t;
  const plan_llm_request *req;
  rule *r;
  unsigned call;
  uint64_t due_ns;
  uint64_t seq;
} pending;

typedef struct scripted {
  rule *rules;
  size_t n_rules;
  const plan_clock *clock;
  pending *q;
  size_t n_q, cap_q;
  uint64_t seq;
  plan__scripted_stats stats;
  pcre2_match_data *md;
} scripted;

static const plan_llm_vtbl scripted_vtbl;

/* ---- script loading ------------------------------------------------------ */

static void free_rules(scripted *s) {
  for (size_t i = 0; i < s->n_rules; i++) {
    rule *r = &s->rules[i];
    pcre2_code_free(r->re);
    for (size_t k = 0; k < r->n_replies; k++)
      plan__free(r->replies[k]);
    plan__free(r->replies);
    plan__free(r->error);
    json_decref(r->logprobs);
  }
  plan__free(s->rules);
  s->rules = NULL;
  s->n_rules = 0;
}

static const char *const fault_kinds[] = {
    "timeout",   "rate_limit",   "quota", "overloaded", "transport", "reset",
    "truncated", "invalid_json", "empty", "oversized",  "http",      "refused"};

static bool known_fault(const char *k) {
  if (!strncmp(k, "http_", 5)) {
    int64_t code;
    return plan__parse_i64(k + 5, &code) && code >= 100 && code <= 599;
  }
  for (size_t i = 0; i < PLAN_ARRAY_LEN(fault_kinds); i++)
    if (!strcmp(k, fault_kinds[i]))
      return true;
  return false;
}

static plan_status load_rule(rule *r, const json_t *o, size_t idx,
                             plan_error *err) {
  r->prompt_tokens = r->completion_tokens = -1;
  r->retry_after_ms = -1;
  r->ratelimit_wait_ms = -1;
  if (!json_is_object(o))
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "script[%zu]: expected an object", idx);
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)o, k, v) {
    static const char *const allowed[] = {
        "match",   "call",           "times",    "reply",
        "error",   "retry_after_ms", "delay_ms", "finish",
        "choices", "usage",          "logprobs", "ratelimit_wait_ms"};
    bool ok = false;
    for (size_t i = 0; i < PLAN_ARRAY_LEN(allowed) && !ok; i++)
      ok = !strcmp(k, allowed[i]);
    if (!ok)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].%s: unknown field", idx, k);
  }
  const json_t *m = json_object_get(o, "match");
  if (m) {
    if (!json_is_string(m))
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].match: expected a string", idx);
    int ec;
    PCRE2_SIZE eo;
    r->re =
        pcre2_compile((PCRE2_SPTR)json_string_value(m), json_string_length(m),
                      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
    if (!r->re) {
      PCRE2_UCHAR msg[120];
      pcre2_get_error_message(ec, msg, sizeof msg);
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].match: %s at offset %zu", idx,
                             (const char *)msg, (size_t)eo);
    }
  }
  int64_t iv;
  if (json_object_get(o, "call")) {
    if (!plan__json_int(o, "call", &iv) || iv < 1 || iv > 100000000)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].call: expected an integer >= 1", idx);
    r->call = (unsigned)iv;
  }
  if (json_object_get(o, "times")) {
    if (!plan__json_int(o, "times", &iv) || iv < 1 || iv > 100000000)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].times: expected an integer >= 1",
                             idx);
    r->times = (unsigned)iv;
  }
  if (json_object_get(o, "retry_after_ms")) {
    if (!plan__json_int(o, "retry_after_ms", &iv) || iv < 0)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].retry_after_ms: expected an integer "
                             ">= 0",
                             idx);
    r->retry_after_ms = iv;
  }
  if (json_object_get(o, "ratelimit_wait_ms")) {
    if (!plan__json_int(o, "ratelimit_wait_ms", &iv) || iv < 0)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].ratelimit_wait_ms: expected an "
                             "integer >= 0",
                             idx);
    r->ratelimit_wait_ms = iv;
  }
  if (json_object_get(o, "delay_ms")) {
    if (!plan__json_int(o, "delay_ms", &iv) || iv < 0 || iv > 86400000)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].delay_ms: expected an integer >= 0",
                             idx);
    r->delay_ms = (uint64_t)iv;
  }
  if (json_object_get(o, "choices")) {
    if (!plan__json_int(o, "choices", &iv) || iv < 0 || iv > 128)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].choices: expected 0..128", idx);
    r->choices = (unsigned)iv;
  }
  r->finish = PLAN_FINISH_STOP;
  const json_t *f = json_object_get(o, "finish");
  if (f) {
    r->finish = plan__finish_parse(json_string_value(f));
    if (!json_is_string(f) || r->finish == PLAN_FINISH_UNKNOWN)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].finish: expected stop, length, "
                             "content_filter, tool_calls or refusal",
                             idx);
  }
  const json_t *u = json_object_get(o, "usage");
  if (u) {
    if (!plan__json_int(u, "prompt_tokens", &r->prompt_tokens) ||
        !plan__json_int(u, "completion_tokens", &r->completion_tokens))
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].usage: expected prompt_tokens and "
                             "completion_tokens",
                             idx);
  }
  const json_t *lp = json_object_get(o, "logprobs");
  if (lp) {
    if (!json_is_array(lp))
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].logprobs: expected an array", idx);
    r->logprobs = json_incref((json_t *)lp);
  }
  const json_t *e = json_object_get(o, "error");
  const json_t *rep = json_object_get(o, "reply");
  if (e) {
    if (!json_is_string(e) || !known_fault(json_string_value(e)))
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].error: unknown fault '%s' (see "
                             "docs/llm.md)",
                             idx,
                             json_is_string(e) ? json_string_value(e) : "");
    if (!(r->error = plan__strdup(json_string_value(e))))
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  if (!e && !rep)
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "script[%zu]: needs \"reply\" or \"error\"", idx);
  if (rep) {
    size_t n = json_is_array(rep) ? json_array_size(rep) : 1;
    if (!n || (!json_is_string(rep) && !json_is_array(rep)))
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "script[%zu].reply: expected a string or a "
                             "non-empty array of strings",
                             idx);
    r->replies = plan__calloc(n, sizeof *r->replies);
    if (!r->replies)
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    r->n_replies = n;
    for (size_t i = 0; i < n; i++) {
      const json_t *t = json_is_array(rep) ? json_array_get(rep, i) : rep;
      if (!json_is_string(t))
        return plan__error_set(err, PLAN_EPARSE, 0, 0,
                               "script[%zu].reply[%zu]: expected a string", idx,
                               i);
      r->replies[i] =
          plan__strndup(json_string_value(t), json_string_length(t));
      if (!r->replies[i])
        return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    }
  }
  return PLAN_OK;
}

plan_status plan_llm_scripted_create(const char *script_json,
                                     const plan_clock *clock, plan_llm **out,
                                     plan_error *err) {
  if (out)
    *out = NULL;
  if (!out || !script_json)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0, "NULL argument");
  json_t *doc =
      plan__json_parse(script_json, strlen(script_json), "script", err);
  if (!doc)
    return PLAN_EPARSE;
  plan_status st = PLAN_OK;
  scripted *s = plan__calloc(1, sizeof *s);
  if (!s) {
    json_decref(doc);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  s->clock = clock ? clock : plan_clock_system();
  if (!json_is_array(doc)) {
    st = plan__error_set(err, PLAN_EPARSE, 0, 0,
                         "script: expected an array of rules");
    goto fail;
  }
  s->rules = plan__calloc(json_array_size(doc) + 1, sizeof *s->rules);
  s->md = pcre2_match_data_create(16, NULL);
  if (!s->rules || !s->md) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < json_array_size(doc); i++) {
    s->n_rules = i + 1;
    st = load_rule(&s->rules[i], json_array_get(doc, i), i, err);
    if (st != PLAN_OK)
      goto fail;
  }
  json_decref(doc);
  doc = NULL;
  st = plan__llm_wrap(&scripted_vtbl, s, out);
  if (st != PLAN_OK) {
    plan__error_set(err, st, 0, 0, "out of memory");
    goto fail;
  }
  return PLAN_OK;
fail:
  json_decref(doc);
  free_rules(s);
  pcre2_match_data_free(s->md);
  plan__free(s);
  return st;
}

/* ---- answering ----------------------------------------------------------- */

static uint64_t count_words(const char *s) {
  uint64_t n = 0;
  bool in = false;
  for (; *s; s++) {
    bool sp = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r';
    if (!sp && !in)
      n++;
    in = !sp;
  }
  return n;
}

/* Expands {prompt}, {call}, {i} and {sample} in a reply template. */
static plan_status expand(plan__buf *b, const char *tpl, const char *prompt,
                          unsigned call, unsigned i, unsigned sample) {
  for (const char *p = tpl; *p;) {
    if (*p == '{') {
      if (!strncmp(p, "{prompt}", 8)) {
        plan__buf_puts(b, prompt);
        p += 8;
        continue;
      }
      if (!strncmp(p, "{call}", 6)) {
        plan__buf_printf(b, "%u", call);
        p += 6;
        continue;
      }
      if (!strncmp(p, "{i}", 3)) {
        plan__buf_printf(b, "%u", i);
        p += 3;
        continue;
      }
      if (!strncmp(p, "{sample}", 8)) {
        plan__buf_printf(b, "%u", sample);
        p += 8;
        continue;
      }
    }
    plan__buf_putc(b, *p++);
  }
  return b->status;
}

static plan_status attach_logprobs(plan_llm_choice *c, const json_t *lp) {
  json_t *wrap = json_pack("{s:s,s:[{s:s,s:s,s:O}]}", "status", "OK", "choices",
                           "text", "", "finish", "stop", "logprobs", lp);
  if (!wrap)
    return PLAN_ENOMEM;
  plan_llm_response tmp;
  plan_status st = plan__llm_response_from_json(wrap, &tmp, NULL);
  json_decref(wrap);
  if (st != PLAN_OK)
    return st;
  c->logprobs = tmp.choices[0].logprobs;
  c->n_logprobs = tmp.choices[0].n_logprobs;
  tmp.choices[0].logprobs = NULL;
  tmp.choices[0].n_logprobs = 0;
  plan_llm_response_clear(&tmp);
  return PLAN_OK;
}

static void fail_with(plan_llm_response *resp, const rule *r) {
  const char *k = r->error;
  resp->retry_after_ms = r->retry_after_ms;
  if (!strcmp(k, "timeout"))
    plan_llm_response_set_error(resp, PLAN_ETIMEOUT, 0,
                                "scripted: timed out (injected)");
  else if (!strcmp(k, "rate_limit"))
    plan_llm_response_set_error(resp, PLAN_ERATELIMIT, 429,
                                "scripted: HTTP 429: rate limit (injected)");
  else if (!strcmp(k, "quota")) {
    plan_llm_response_set_error(resp, PLAN_ERATELIMIT, 429,
                                "scripted: HTTP 429: insufficient_quota "
                                "(injected)");
    resp->should_retry = 0;
  } else if (!strcmp(k, "overloaded"))
    plan_llm_response_set_error(resp, PLAN_ERATELIMIT, 529,
                                "scripted: HTTP 529: overloaded (injected)");
  else if (!strcmp(k, "transport") || !strcmp(k, "reset"))
    plan_llm_response_set_error(resp, PLAN_EHTTP, 0,
                                "scripted: connection reset (injected)");
  else if (!strcmp(k, "refused")) {
    plan_llm_response_set_error(resp, PLAN_EHTTP, 0,
                                "scripted: connection refused (injected)");
  } else if (!strcmp(k, "truncated"))
    plan_llm_response_set_error(resp, PLAN_EPARSE, 200,
                                "scripted: body cut at byte 17 (injected)");
  else if (!strcmp(k, "invalid_json"))
    plan_llm_response_set_error(resp, PLAN_EPARSE, 200,
                                "scripted: invalid JSON body (injected)");
  else if (!strcmp(k, "empty"))
    plan_llm_response_set_error(resp, PLAN_EBACKEND, 200,
                                "scripted: empty choices (injected)");
  else if (!strcmp(k, "oversized")) {
    plan_llm_response_set_error(resp, PLAN_EBUDGET, 200,
                                "scripted: response larger than the limit "
                                "(injected)");
    resp->should_retry = 0;
  } else { /* http_NNN */
    int64_t code = 500;
    plan__parse_i64(k + 5, &code);
    plan_llm_response_set_error(
        resp, code == 429 || code == 529 ? PLAN_ERATELIMIT : PLAN_EHTTP,
        (int)code, "scripted: HTTP %d (injected)", (int)code);
  }
}

/* Fills resp for one attempt by rule r (NULL: no rule matched). */
static void answer(scripted *s, const plan_llm_request *req, rule *r,
                   unsigned call, plan_llm_response *resp) {
  const char *prompt = plan__llm_prompt(req);
  if (!r) {
    plan_llm_response_set_error(resp, PLAN_EBACKEND, 0,
                                "scripted: no rule matches call %u (prompt "
                                "\"%.60s\")",
                                call, prompt);
    resp->should_retry = 0;
    return;
  }
  if (r->error) {
    fail_with(resp, r);
    return;
  }
  unsigned want = req->n ? req->n : 1;
  if (r->choices && r->choices < want)
    want = r->choices;
  uint64_t completion = 0;
  plan__buf b;
  plan__buf_init(&b, 0);
  for (unsigned i = 0; i < want; i++) {
    plan__buf_reset(&b);
    const char *tpl = r->replies[r->next_reply++ % r->n_replies];
    if (expand(&b, tpl, prompt, call, i, req->sample_index) != PLAN_OK ||
        plan_llm_response_add_choice(resp, b.data ? b.data : "", b.len,
                                     r->finish) != PLAN_OK ||
        (r->logprobs &&
         attach_logprobs(&resp->choices[resp->n_choices - 1], r->logprobs))) {
      plan__buf_free(&b);
      plan_llm_response_clear(resp);
      plan_llm_response_set_error(resp, PLAN_ENOMEM, 0, "out of memory");
      return;
    }
    completion += count_words(b.data ? b.data : "");
  }
  plan__buf_free(&b);
  uint64_t prompt_tokens = 0;
  for (size_t m = 0; m < req->n_messages; m++)
    prompt_tokens += count_words(req->messages[m].content);
  resp->prompt_tokens =
      r->prompt_tokens >= 0 ? (uint64_t)r->prompt_tokens : prompt_tokens;
  resp->completion_tokens =
      r->completion_tokens >= 0 ? (uint64_t)r->completion_tokens : completion;
  resp->http_status = 200;
  resp->status = PLAN_OK;
  resp->ratelimit_wait_ms = r->ratelimit_wait_ms;
  (void)s;
}

static rule *pick(scripted *s, const plan_llm_request *req, unsigned call) {
  const char *prompt = plan__llm_prompt(req);
  for (size_t i = 0; i < s->n_rules; i++) {
    rule *r = &s->rules[i];
    if (r->call && r->call != call)
      continue;
    if (r->times && r->used >= r->times)
      continue;
    if (r->re && pcre2_match(r->re, (PCRE2_SPTR)prompt, strlen(prompt), 0, 0,
                             s->md, NULL) < 0)
      continue;
    r->used++;
    return r;
  }
  return NULL;
}

static plan_status scripted_start(void *self, const plan_llm_request *req,
                                  plan_llm_ticket *t) {
  scripted *s = self;
  if (plan__grow((void **)&s->q, &s->cap_q, s->n_q + 1, sizeof *s->q))
    return PLAN_ENOMEM;
  unsigned call = ++s->stats.calls;
  s->stats.last_n = req->n;
  rule *r = pick(s, req, call);
  pending *p = &s->q[s->n_q++];
  p->t = t;
  p->req = req;
  p->r = r;
  p->call = call;
  p->due_ns = plan__now_ns(s->clock) + (r ? r->delay_ms * 1000000ULL : 0);
  p->seq = s->seq++;
  if (s->n_q > s->stats.max_pending)
    s->stats.max_pending = (unsigned)s->n_q;
  return PLAN_OK;
}

/* Completes every due attempt, earliest first (ties by start order). */
static size_t complete_due(scripted *s) {
  size_t done = 0;
  for (;;) {
    uint64_t now = plan__now_ns(s->clock);
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < s->n_q; i++) {
      if (s->q[i].due_ns > now)
        continue;
      if (best == SIZE_MAX || s->q[i].due_ns < s->q[best].due_ns ||
          (s->q[i].due_ns == s->q[best].due_ns && s->q[i].seq < s->q[best].seq))
        best = i;
    }
    if (best == SIZE_MAX)
      return done;
    pending p = s->q[best];
    memmove(&s->q[best], &s->q[best + 1], (s->n_q - best - 1) * sizeof *s->q);
    s->n_q--;
    answer(s, p.req, p.r, p.call, plan_llm_ticket_response(p.t));
    plan_llm_ticket_done(p.t);
    done++;
  }
}

static plan_status scripted_drive(void *self, long timeout_ms) {
  scripted *s = self;
  if (complete_due(s) || !s->n_q || timeout_ms <= 0)
    return PLAN_OK;
  uint64_t now = plan__now_ns(s->clock);
  uint64_t next = UINT64_MAX;
  for (size_t i = 0; i < s->n_q; i++)
    if (s->q[i].due_ns < next)
      next = s->q[i].due_ns;
  uint64_t limit = now + (uint64_t)timeout_ms * 1000000ULL;
  uint64_t until = next < limit ? next : limit;
  if (until > now)
    plan__sleep_ns(s->clock, until - now);
  complete_due(s);
  return PLAN_OK;
}

static void scripted_cancel_all(void *self) {
  scripted *s = self;
  s->stats.canceled += (unsigned)s->n_q;
  s->n_q = 0;
}

static void scripted_destroy(void *self) {
  scripted *s = self;
  free_rules(s);
  pcre2_match_data_free(s->md);
  plan__free(s->q);
  plan__free(s);
}

static const char *scripted_describe(void *self) {
  (void)self;
  return "scripted (in-process test double)";
}

static const plan_llm_vtbl scripted_vtbl = {
    PLAN_LLM_ABI_VERSION, "scripted",       PLAN_LLM_CAP_N,
    scripted_start,       scripted_drive,   NULL,
    scripted_cancel_all,  scripted_destroy, scripted_describe};

bool plan__scripted_stats_get(const plan_llm *llm, plan__scripted_stats *out) {
  if (!plan__llm_ok(llm) || llm->vtbl != &scripted_vtbl)
    return false;
  *out = ((const scripted *)llm->self)->stats;
  return true;
}
