/* llm/scheduler.c: runs batches of LLM requests over one backend.
 *
 * One thread drives everything. A batch is a list of requests; each becomes
 * a job, and each job runs one or more attempts on the backend:
 *
 *   - up to `cap` attempts are in flight at once (cap starts at
 *     opts.concurrency, halves on every 429 and grows back by one on every
 *     success: AIMD);
 *   - a failed attempt is retried when the failure is transient (transport
 *     errors, timeouts, 408, 409, 429, 5xx, a malformed 200) and the job has
 *     attempts left, after the server's retry-after(-ms) when it gave one
 *     (capped) or else after min(initial * 2^k, max) minus up to 25% jitter;
 *     400/401/403/404/422 and a 429 for exhausted quota are never retried;
 *   - a 429 pauses all new dispatches to the provider until its wait ends;
 *     so does a reply whose rate-limit headers say a budget is used up
 *     (ratelimit_wait_ms), before any 429;
 *   - identical requests (same canonical request and sample index) in one
 *     batch run once and the duplicates get a copy (coalescing);
 *   - a request for n choices to a backend without n support is split into
 *     n single-choice requests, and when a server returns fewer choices than
 *     asked (it ignored n, like Ollama), the rest are filled with separate
 *     single-choice requests;
 *   - calls, tokens and wall time are accounted against per-run budgets;
 *     exceeding one ends the batch with PLAN_EBUDGET and keeps what
 *     finished.
 *
 * Dispatch order is the job order, so a batch is deterministic for a given
 * backend behaviour (which is what makes cassettes replay exactly).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "llm/llm.h"

#define SCHED_MAGIC 0x53434844u /* "SCHD" */

typedef enum job_state { J_READY, J_WAIT, J_FLIGHT, J_DONE } job_state;

typedef struct job {
  plan_llm_request req; /* what is sent (n, seed, sample may differ) */
  size_t out;           /* index of the batch response it feeds */
  size_t order;         /* position among the parts of that response */
  job_state state;
  unsigned attempts;
  uint64_t due_ns;   /* J_WAIT: when to dispatch again */
  uint64_t start_ns; /* first dispatch */
  uint64_t end_ns;
  bool completed; /* the ticket came back (set by the callback) */
  plan_llm_ticket ticket;
  plan_llm_response result; /* the final outcome of the job */
} job;

struct plan_scheduler {
  unsigned magic;
  plan_llm *llm;
  plan_scheduler_options opts;
  const plan_clock *clock;
  plan__rng rng;
  unsigned cap;             /* current in-flight cap (AIMD) */
  uint64_t paused_until_ns; /* provider pause after a 429 */
  bool ignores_n;           /* the server answered n>1 with fewer choices */
  plan_scheduler_stats stats;
  uint64_t wall_ns; /* time spent in run, for the wall budget */
  char errmsg[256];
};

void plan_scheduler_options_init(plan_scheduler_options *o, unsigned version) {
  memset(o, 0, sizeof *o);
  o->version = version;
}

static void sched_err(plan_scheduler *s, const char *fmt, ...)
    PLAN_PRINTF(2, 3);
static void sched_err(plan_scheduler *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
  va_end(ap);
}

plan_status plan_scheduler_create(plan_llm *llm,
                                  const plan_scheduler_options *opts,
                                  plan_scheduler **out, plan_error *err) {
  if (out)
    *out = NULL;
  if (!out || !plan__llm_ok(llm))
    return plan__error_set(err, PLAN_EMISUSE, 0, 0,
                           "plan_scheduler_create: invalid backend handle");
  if (opts && opts->version != PLAN_SCHEDULER_OPTIONS_VERSION)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "scheduler options: unsupported version %u",
                           opts->version);
  plan_scheduler *s = plan__calloc(1, sizeof *s);
  if (!s)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  s->magic = SCHED_MAGIC;
  s->llm = llm;
  if (opts)
    s->opts = *opts;
  else
    plan_scheduler_options_init(&s->opts, PLAN_SCHEDULER_OPTIONS_VERSION);
  plan_scheduler_options *o = &s->opts;
  if (!o->concurrency)
    o->concurrency = 16;
  if (!o->max_attempts)
    o->max_attempts = 3;
  if (o->backoff_initial_ms <= 0)
    o->backoff_initial_ms = 500;
  if (o->backoff_max_ms <= 0)
    o->backoff_max_ms = 8000;
  if (o->max_retry_after_ms <= 0)
    o->max_retry_after_ms = 60000;
  if (o->rate_limit_pause_ms <= 0)
    o->rate_limit_pause_ms = 1000;
  s->clock = o->clock ? o->clock : plan_clock_system();
  o->clock = s->clock;
  plan__rng_seed(&s->rng, o->seed);
  s->cap = o->concurrency;
  *out = s;
  return PLAN_OK;
}

void plan_scheduler_destroy(plan_scheduler *s) {
  if (!s || s->magic != SCHED_MAGIC)
    return;
  s->magic = 0;
  plan__free(s);
}

const char *plan_scheduler_errmsg(const plan_scheduler *s) {
  if (!s || s->magic != SCHED_MAGIC)
    return "invalid scheduler handle";
  return s->errmsg;
}

void plan_scheduler_stats_get(const plan_scheduler *s,
                              plan_scheduler_stats *out) {
  if (!out)
    return;
  if (!s || s->magic != SCHED_MAGIC) {
    memset(out, 0, sizeof *out);
    return;
  }
  *out = s->stats;
}

/* ======================================================================
 * Retry policy
 * ====================================================================== */

/* Whether an attempt's failure is worth another attempt, by status alone
 * (the backend's should_retry, when set, overrides this). */
static bool retryable(const plan_llm_response *r) {
  switch (r->status) {
  case PLAN_ETIMEOUT:
  case PLAN_ERATELIMIT:
  case PLAN_EPARSE: /* a 200 with a cut or malformed body */
  case PLAN_EBACKEND: /* a 200 with no choices */ return true;
  case PLAN_EHTTP: {
    int h = r->http_status;
    return h == 0 || h == 408 || h == 409 || h == 429 || h >= 500;
  }
  default: return false;
  }
}

/* The wait before attempt number `attempts + 1`, in ns: min(initial * 2^k,
 * max) reduced by up to 25% (the policy of the official SDKs). */
static uint64_t backoff_ns(plan_scheduler *s, unsigned attempts) {
  double ms = (double)s->opts.backoff_initial_ms;
  for (unsigned k = 1; k < attempts && ms < (double)s->opts.backoff_max_ms; k++)
    ms *= 2;
  if (ms > (double)s->opts.backoff_max_ms)
    ms = (double)s->opts.backoff_max_ms;
  ms *= 1.0 - 0.25 * plan__rng_double(&s->rng);
  return (uint64_t)(ms * 1e6);
}

/* ======================================================================
 * The batch
 * ====================================================================== */

typedef struct batch {
  plan_scheduler *s;
  const plan_llm_vtbl *vt;
  void *self;
  job **jobs;
  size_t n_jobs, cap_jobs;
  size_t in_flight;
  size_t next_ready; /* scan hint: jobs before it are not J_READY */
} batch;

static void on_ticket_done(plan_llm_ticket *t, void *ud) {
  (void)t;
  job *j = ud;
  j->completed = true;
}

static plan_status add_job(batch *b, const plan_llm_request *req, size_t out,
                           size_t order) {
  if (plan__grow((void **)&b->jobs, &b->cap_jobs, b->n_jobs + 1,
                 sizeof *b->jobs))
    return PLAN_ENOMEM;
  job *j = plan__calloc(1, sizeof *j);
  if (!j)
    return PLAN_ENOMEM;
  j->req = *req;
  j->out = out;
  j->order = order;
  j->state = J_READY;
  plan_llm_response_init(&j->result);
  plan__llm_ticket_init(&j->ticket, on_ticket_done, j);
  b->jobs[b->n_jobs++] = j;
  if (b->next_ready > b->n_jobs - 1)
    b->next_ready = b->n_jobs - 1;
  return PLAN_OK;
}

/* Adds the single-choice jobs for choices [from, n) of req
 * (plan__llm_split_part says how each is made). */
static plan_status add_split(batch *b, const plan_llm_request *req,
                             unsigned from, unsigned n, size_t out,
                             size_t order0) {
  for (unsigned i = from; i < n; i++) {
    plan_llm_request r;
    plan__llm_split_part(req, i, &r);
    plan_status st = add_job(b, &r, out, order0 + i);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

static uint64_t now_ns(const batch *b) {
  return plan__now_ns(b->s->clock);
}

static bool budget_calls_left(const plan_scheduler *s) {
  return !s->opts.budget_calls || s->stats.attempts < s->opts.budget_calls;
}

static bool budget_tokens_left(const plan_scheduler *s) {
  return !s->opts.budget_tokens ||
         s->stats.prompt_tokens + s->stats.completion_tokens <
             s->opts.budget_tokens;
}

/* Starts one attempt of j. A blocking backend completes it here. */
static void dispatch(batch *b, job *j) {
  plan_scheduler *s = b->s;
  uint64_t t = now_ns(b);
  if (!j->attempts)
    j->start_ns = t;
  j->attempts++;
  s->stats.attempts++;
  if (j->attempts > 1)
    s->stats.retries++;
  plan__llm_ticket_init(&j->ticket, on_ticket_done, j);
  j->completed = false;
  j->state = J_FLIGHT;
  b->in_flight++;
  if (b->in_flight > s->stats.max_in_flight)
    s->stats.max_in_flight = (unsigned)b->in_flight;
  if (b->vt->start) {
    plan_status st = b->vt->start(b->self, &j->req, &j->ticket);
    if (st != PLAN_OK) {
      if (!j->ticket.resp.error)
        plan_llm_response_set_error(&j->ticket.resp, st, 0,
                                    "%s: cannot start request: %s",
                                    plan_llm_name(s->llm), plan_strerror(st));
      else
        j->ticket.resp.status = st;
      j->completed = true;
    }
  } else {
    plan_status st = b->vt->complete(b->self, &j->req, &j->ticket.resp);
    if (st != PLAN_OK && j->ticket.resp.status == PLAN_OK)
      plan_llm_response_set_error(&j->ticket.resp, st, 0, "%s: %s",
                                  plan_llm_name(s->llm), plan_strerror(st));
    j->completed = true;
  }
}

/* Handles the end of an attempt: success, retry or final failure. */
static plan_status finish_attempt(batch *b, job *j) {
  plan_scheduler *s = b->s;
  plan_llm_response *r = &j->ticket.resp;
  uint64_t t = now_ns(b);
  b->in_flight--;
  s->stats.prompt_tokens += r->prompt_tokens;
  s->stats.completion_tokens += r->completion_tokens;

  /* A reply whose rate-limit headers say a budget is used up: pause new
   * dispatches until it is restored (capped like a server wait) rather
   * than run into a 429. A replay has no real time to wait for. */
  if (r->ratelimit_wait_ms > 0 && !(b->vt->caps & PLAN_LLM_CAP_REPLAY)) {
    int64_t w =
        PLAN_MIN(r->ratelimit_wait_ms, (int64_t)s->opts.max_retry_after_ms);
    uint64_t until = t + (uint64_t)w * 1000000ULL;
    if (until > s->paused_until_ns) {
      s->paused_until_ns = until;
      s->stats.throttled++;
    }
  }

  if (r->status == PLAN_OK) {
    if (s->cap < s->opts.concurrency)
      s->cap++;
    unsigned want = j->req.n ? j->req.n : 1;
    if (r->n_choices < want && r->n_choices > 0) {
      /* The server ignored n: fill the rest with single-choice requests
       * and split future n>1 requests up front. */
      s->ignores_n = true;
      plan_status st = add_split(b, &j->req, (unsigned)r->n_choices, want,
                                 j->out, j->order + r->n_choices);
      if (st != PLAN_OK)
        return st;
    }
    plan__llm_response_move(&j->result, r);
    j->state = J_DONE;
    j->end_ns = t;
    return PLAN_OK;
  }

  bool limited = r->status == PLAN_ERATELIMIT || r->http_status == 429 ||
                 r->http_status == 529;
  if (limited) {
    s->stats.rate_limited++;
    s->cap = s->cap > 1 ? s->cap / 2 : 1;
  }
  bool retry = r->should_retry == 1 || (r->should_retry == -1 && retryable(r));
  int64_t server_wait = r->retry_after_ms;
  if (retry && server_wait > s->opts.max_retry_after_ms) {
    /* Waiting longer than the cap is not worth it: fail now and say why. */
    plan__buf m;
    plan__buf_init(&m, 4096);
    plan__buf_printf(&m,
                     "%s (server asked to wait %lld ms, more than the "
                     "%ld ms cap)",
                     r->error ? r->error : plan_strerror(r->status),
                     (long long)server_wait, s->opts.max_retry_after_ms);
    if (m.status == PLAN_OK) {
      plan__free(r->error);
      r->error = plan__buf_take(&m);
    }
    plan__buf_free(&m);
    retry = false;
  }
  uint64_t wait = 0;
  if (server_wait > 0)
    wait = (uint64_t)server_wait * 1000000ULL;
  else if (limited)
    wait = (uint64_t)s->opts.rate_limit_pause_ms * 1000000ULL;
  if (limited && t + wait > s->paused_until_ns)
    s->paused_until_ns = t + wait;

  if (retry && j->attempts < s->opts.max_attempts) {
    if (server_wait < 0 && !limited)
      wait = backoff_ns(s, j->attempts);
    else if (server_wait == 0)
      wait = 0;
    if (b->vt->caps & PLAN_LLM_CAP_REPLAY)
      wait = 0, s->paused_until_ns = 0;
    j->due_ns = t + wait;
    j->state = J_WAIT;
    plan_llm_response_clear(r);
    return PLAN_OK;
  }
  /* Final failure: keep the last attempt's response, note the attempts. */
  if (j->attempts > 1 && r->error) {
    plan__buf m;
    plan__buf_init(&m, 4096);
    plan__buf_printf(&m, "%s (after %u attempts)", r->error, j->attempts);
    if (m.status == PLAN_OK) {
      plan__free(r->error);
      r->error = plan__buf_take(&m);
    }
    plan__buf_free(&m);
  } else if (!r->error) {
    plan_llm_response_set_error(r, r->status, r->http_status, "%s: %s",
                                plan_llm_name(s->llm),
                                plan_strerror(r->status));
  }
  plan__llm_response_move(&j->result, r);
  j->state = J_DONE;
  j->end_ns = t;
  s->stats.failures++;
  return PLAN_OK;
}

/* Moves completed tickets through finish_attempt, in job order. */
static plan_status reap(batch *b) {
  for (size_t i = 0; i < b->n_jobs; i++) {
    job *j = b->jobs[i];
    if (j->state == J_FLIGHT && j->completed) {
      plan_status st = finish_attempt(b, j);
      if (st != PLAN_OK)
        return st;
      if (j->state == J_WAIT && i < b->next_ready)
        b->next_ready = i;
    }
  }
  return PLAN_OK;
}

/* The earliest due time among waiting jobs, or UINT64_MAX. */
static uint64_t next_due(const batch *b) {
  uint64_t d = UINT64_MAX;
  for (size_t i = 0; i < b->n_jobs; i++)
    if (b->jobs[i]->state == J_WAIT && b->jobs[i]->due_ns < d)
      d = b->jobs[i]->due_ns;
  return d;
}

static bool all_done(const batch *b) {
  for (size_t i = 0; i < b->n_jobs; i++)
    if (b->jobs[i]->state != J_DONE)
      return false;
  return true;
}

/* Dispatches ready jobs up to the cap, in job order. Returns true if the
 * call budget stopped a dispatch. */
static bool fill(batch *b) {
  plan_scheduler *s = b->s;
  uint64_t t = now_ns(b);
  if (t < s->paused_until_ns)
    return false;
  bool blocking = !b->vt->start;
  size_t limit = blocking ? 1 : s->cap;
  for (size_t i = b->next_ready; i < b->n_jobs && b->in_flight < limit; i++) {
    job *j = b->jobs[i];
    if (j->state == J_WAIT && j->due_ns <= t)
      j->state = J_READY;
    if (j->state != J_READY)
      continue;
    if (!budget_calls_left(s))
      return true;
    dispatch(b, j);
    if (blocking)
      return false; /* reap before the next one */
  }
  while (b->next_ready < b->n_jobs &&
         b->jobs[b->next_ready]->state != J_READY &&
         b->jobs[b->next_ready]->state != J_WAIT)
    b->next_ready++;
  return false;
}

/* Ends the batch early: abandons attempts in flight and marks every job
 * that has not finished with status st. */
static void stop_batch(batch *b, plan_status st, const char *why) {
  if (b->in_flight && b->vt->cancel_all) {
    b->vt->cancel_all(b->self);
  } else if (b->in_flight && b->vt->drive) {
    /* No way to abandon tickets: let them finish (each attempt is bounded
     * by the backend's own timeouts) so none outlives its job. */
    for (;;) {
      bool pending = false;
      for (size_t i = 0; i < b->n_jobs && !pending; i++)
        pending = b->jobs[i]->state == J_FLIGHT && !b->jobs[i]->completed;
      if (!pending)
        break;
      b->vt->drive(b->self, 100);
    }
  }
  for (size_t i = 0; i < b->n_jobs; i++) {
    job *j = b->jobs[i];
    if (j->state == J_DONE)
      continue;
    if (j->state == J_FLIGHT && j->completed) {
      /* It finished just now: keep it if it succeeded. */
      if (j->ticket.resp.status == PLAN_OK) {
        b->s->stats.prompt_tokens += j->ticket.resp.prompt_tokens;
        b->s->stats.completion_tokens += j->ticket.resp.completion_tokens;
        plan__llm_response_move(&j->result, &j->ticket.resp);
        j->state = J_DONE;
        continue;
      }
    }
    plan_llm_response_clear(&j->ticket.resp);
    plan_llm_response_set_error(&j->result, st, 0, "%s", why);
    j->state = J_DONE;
  }
  b->in_flight = 0;
}

/* Joins the jobs of one batch response: choices in part order, usage
 * summed; the status is the first failing part's. */
static plan_status assemble(batch *b, size_t out_i, plan_llm_response *out) {
  plan_llm_response_init(out);
  /* Parts of out_i sorted by order (few parts: insertion order scan). */
  size_t max_order = 0;
  for (size_t i = 0; i < b->n_jobs; i++)
    if (b->jobs[i]->out == out_i && b->jobs[i]->order > max_order)
      max_order = b->jobs[i]->order;
  bool first = true;
  uint64_t start = UINT64_MAX, end = 0;
  for (size_t ord = 0; ord <= max_order; ord++) {
    for (size_t i = 0; i < b->n_jobs; i++) {
      job *j = b->jobs[i];
      if (j->out != out_i || j->order != ord)
        continue;
      plan_llm_response *r = &j->result;
      if (first) {
        plan__llm_response_move(out, r);
        /* Keep the choices; they are appended to below for later parts. */
        first = false;
      } else {
        out->prompt_tokens += r->prompt_tokens;
        out->completion_tokens += r->completion_tokens;
        for (size_t c = 0; c < r->n_choices; c++) {
          plan_status st = plan_llm_response_add_choice(out, r->choices[c].text,
                                                        r->choices[c].text_len,
                                                        r->choices[c].finish);
          if (st != PLAN_OK)
            return st;
          plan_llm_choice *dc = &out->choices[out->n_choices - 1];
          dc->truncated = r->choices[c].truncated;
          dc->logprobs = r->choices[c].logprobs;
          dc->n_logprobs = r->choices[c].n_logprobs;
          r->choices[c].logprobs = NULL;
          r->choices[c].n_logprobs = 0;
        }
        if (out->status == PLAN_OK && r->status != PLAN_OK) {
          out->status = r->status;
          out->http_status = r->http_status;
          plan__free(out->error);
          out->error = r->error;
          r->error = NULL;
        }
      }
      if (j->attempts && j->start_ns < start)
        start = j->start_ns;
      if (j->end_ns > end)
        end = j->end_ns;
    }
  }
  unsigned attempts = 0;
  for (size_t i = 0; i < b->n_jobs; i++)
    if (b->jobs[i]->out == out_i)
      attempts += b->jobs[i]->attempts;
  out->attempts = attempts;
  out->latency_ms =
      (start != UINT64_MAX && end > start) ? (double)(end - start) / 1e6 : 0.0;
  out->retry_after_ms = -1;
  out->should_retry = -1;
  return PLAN_OK;
}

static plan_status check_request(const plan_llm_request *r, size_t i,
                                 plan_llm_response *out) {
  const char *why = NULL;
  if (r->version != PLAN_LLM_REQUEST_VERSION)
    why = "version is not PLAN_LLM_REQUEST_VERSION (call "
          "plan_llm_request_init)";
  else if (!r->messages || !r->n_messages)
    why = "no messages";
  else if (r->n > 128)
    why = "n is larger than 128";
  else if (r->n_stop > 4)
    why = "more than 4 stop sequences";
  else if (r->n_stop && !r->stop)
    why = "n_stop is set but stop is NULL";
  else if (r->top_logprobs > 20)
    why = "top_logprobs is larger than 20";
  else if (!(r->temperature >= 0.0 && r->temperature <= 2.0))
    why = "temperature is outside 0..2";
  else if (!(r->top_p >= 0.0 && r->top_p <= 1.0))
    why = "top_p is outside 0..1";
  if (!why)
    for (size_t m = 0; m < r->n_messages; m++)
      if (!r->messages[m].content || !r->messages[m].role) {
        why = "a message has a NULL role or content";
        break;
      }
  if (!why)
    return PLAN_OK;
  plan_llm_response_set_error(out, PLAN_EINVAL, 0, "request %zu: %s", i, why);
  return PLAN_EINVAL;
}

plan_status plan_scheduler_run(plan_scheduler *s, const plan_llm_request *reqs,
                               size_t n, plan_llm_response *out) {
  if (!s || s->magic != SCHED_MAGIC)
    return PLAN_EMISUSE;
  if (n && (!reqs || !out)) {
    sched_err(s, "plan_scheduler_run: NULL requests or responses");
    return PLAN_EMISUSE;
  }
  s->errmsg[0] = '\0';
  uint64_t t0 = plan__now_ns(s->clock);
  batch b = {0};
  b.s = s;
  b.vt = s->llm->vtbl;
  b.self = s->llm->self;
  bool can_n = (b.vt->caps & PLAN_LLM_CAP_N) && !s->ignores_n;
  plan_status rc = PLAN_OK;

  /* Coalescing: leader[i] is the first request with the same key. */
  size_t *leader = plan__calloc(n ? n : 1, sizeof *leader);
  char(*keys)[PLAN__LLM_KEY_SIZE] = NULL;
  bool coalesce = !s->opts.no_coalesce && n > 1;
  if (coalesce)
    keys = plan__calloc(n, sizeof *keys);
  if (!leader || (coalesce && !keys)) {
    rc = PLAN_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    plan_llm_response_init(&out[i]);
    leader[i] = i;
    if (check_request(&reqs[i], i, &out[i]) != PLAN_OK) {
      leader[i] = SIZE_MAX; /* answered already */
      continue;
    }
    if (coalesce) {
      if (plan__llm_request_key(&reqs[i], NULL, keys[i]) != PLAN_OK)
        keys[i][0] = '\0';
      for (size_t k = 0; k < i && keys[i][0]; k++)
        if (leader[k] == k && !strcmp(keys[k], keys[i])) {
          leader[i] = k;
          break;
        }
    }
  }
  for (size_t i = 0; i < n && rc == PLAN_OK; i++) {
    if (leader[i] != i)
      continue;
    unsigned want = reqs[i].n ? reqs[i].n : 1;
    if (want > 1 && !can_n)
      rc = add_split(&b, &reqs[i], 0, want, i, 0);
    else
      rc = add_job(&b, &reqs[i], i, 0);
  }
  if (rc != PLAN_OK)
    goto done;

  /* The loop. */
  bool budget_hit = false;
  const char *budget_why = NULL;
  while (!all_done(&b)) {
    uint64_t t = now_ns(&b);
    if (s->opts.budget_wall_ms &&
        s->wall_ns + (t - t0) >= s->opts.budget_wall_ms * 1000000ULL) {
      budget_hit = true;
      budget_why = "wall-time budget exhausted";
      break;
    }
    if (!budget_tokens_left(s)) {
      budget_hit = true;
      budget_why = "token budget exhausted";
      break;
    }
    bool calls_out = fill(&b);
    if (b.in_flight) {
      bool any_completed = false;
      for (size_t i = 0; i < b.n_jobs && !any_completed; i++)
        any_completed = b.jobs[i]->state == J_FLIGHT && b.jobs[i]->completed;
      if (!any_completed && b.vt->drive) {
        long wait_ms = 100;
        uint64_t due = next_due(&b);
        if (s->paused_until_ns > t && s->paused_until_ns < due)
          due = s->paused_until_ns;
        if (due != UINT64_MAX)
          wait_ms =
              due > t ? (long)PLAN_MIN((due - t + 999999) / 1000000, 100) : 0;
        b.vt->drive(b.self, wait_ms);
      }
      rc = reap(&b);
      if (rc != PLAN_OK)
        break;
      continue;
    }
    if (calls_out) {
      budget_hit = true;
      budget_why = "call budget exhausted";
      break;
    }
    /* Nothing in flight: wait for the next retry or the end of a pause. */
    uint64_t due = next_due(&b);
    if (s->paused_until_ns > t &&
        (due == UINT64_MAX || due < s->paused_until_ns))
      due = s->paused_until_ns;
    if (due == UINT64_MAX) {
      bool ready = false;
      for (size_t i = 0; i < b.n_jobs && !ready; i++)
        ready = b.jobs[i]->state == J_READY;
      if (!ready && !all_done(&b)) {
        rc = PLAN_EINTERNAL;
        sched_err(s, "scheduler stalled with unfinished jobs");
        break;
      }
      continue;
    }
    if (due > t) {
      uint64_t sleep = due - t;
      if (s->opts.budget_wall_ms) {
        uint64_t left =
            s->opts.budget_wall_ms * 1000000ULL - s->wall_ns - (t - t0);
        if (sleep > left)
          sleep = left;
      }
      plan__sleep_ns(s->clock, sleep);
    }
  }
  if (rc == PLAN_OK && budget_hit) {
    stop_batch(&b, PLAN_EBUDGET, budget_why);
    sched_err(s, "%s", budget_why);
    rc = PLAN_EBUDGET;
  } else if (rc != PLAN_OK) {
    stop_batch(&b, rc, rc == PLAN_ENOMEM ? "out of memory" : s->errmsg);
  }

  /* Assemble the batch responses; duplicates copy their leader's. */
  for (size_t i = 0; i < n; i++) {
    if (leader[i] != i)
      continue;
    plan_status st = assemble(&b, i, &out[i]);
    if (st != PLAN_OK && rc == PLAN_OK)
      rc = st;
    s->stats.calls++;
  }
  for (size_t i = 0; i < n; i++) {
    if (leader[i] == i || leader[i] == SIZE_MAX)
      continue;
    plan_status st = plan__llm_response_copy(&out[i], &out[leader[i]]);
    if (st != PLAN_OK && rc == PLAN_OK)
      rc = st;
    out[i].attempts = 0;
    s->stats.coalesced++;
    s->stats.calls++;
  }

done:
  for (size_t i = 0; i < b.n_jobs; i++) {
    plan_llm_response_clear(&b.jobs[i]->ticket.resp);
    plan_llm_response_clear(&b.jobs[i]->result);
    plan__free(b.jobs[i]);
  }
  plan__free(b.jobs);
  plan__free(leader);
  plan__free(keys);
  uint64_t elapsed = plan__now_ns(s->clock) - t0;
  s->wall_ns += elapsed;
  s->stats.wall_ms = s->wall_ns / 1000000ULL;
  if (rc == PLAN_ENOMEM)
    sched_err(s, "out of memory");
  return rc;
}
