/* benchmarks/mockllm/server.c: the HTTP side of the mockllm test double,
 * on libmicrohttpd with one thread per connection (so a request that
 * sleeps for its latency or a stall blocks nobody else). It routes
 *   POST /v1/chat/completions   OpenAI Chat Completions
 *   POST /v1/messages           Anthropic Messages
 *   GET  /v1/models             the one model the double serves
 *   GET  /stats, POST /stats/reset
 * and, for the two model endpoints, runs one request as: parse and check
 * (api.c), pick a fault (directive first, then the command-line fault),
 * sleep the latency, apply the fault or ask the brain for each choice,
 * apply stop sequences and max_tokens, send. Counters, the PRNG and the
 * per-directive first=K counts share one mutex; every sleep waits on a
 * condition variable so shutdown wakes it at once. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "benchmarks/mockllm/mockllm.h"

#define MAX_STATUS 1000

/* How many requests carried one exact directive text (first=K). */
struct directive_count {
  char *text;
  unsigned long count;
  struct directive_count *next;
};

struct mockllm_server {
  const mockllm_config *cfg;
  const mockllm_brain_vtbl *brain;
  void *brain_self;
  struct MHD_Daemon *daemon;
  int port;

  pthread_mutex_t mu; /* guards every field below */
  pthread_cond_t cv;  /* broadcast when stopping turns true */
  bool stopping;
  plan__rng rng;
  unsigned long seq;       /* model requests so far: ids */
  unsigned long flag_seen; /* checked model requests: --fault-first */
  struct directive_count *counts;
  long requests, chat, messages, models, faults, in_flight, max_concurrent;
  long closed; /* answered with no status (reset, shutdown) */
  long by_status[MAX_STATUS];
  /* --rate-limit: the current fixed window. */
  uint64_t rl_start_ns;
  long rl_count;
};

/* The rate-limit headers of one reply (--rate-limit). */
struct rl_info {
  bool on;
  bool anthropic;
  long limit, remaining, reset_ms;
};

/* One HTTP request: its body as it arrives. */
struct req {
  plan__buf body;
  bool too_big;
};

/* ======================================================================
 * Counters, sleeps, faults (all under s->mu)
 * ====================================================================== */

static void counts_free(mockllm_server *s) {
  struct directive_count *c = s->counts;
  while (c) {
    struct directive_count *next = c->next;
    plan__free(c->text);
    plan__free(c);
    c = next;
  }
  s->counts = NULL;
}

/* Counts the start of a request (which: its endpoint's counter, or NULL);
 * returns its number among the model requests (0 for other requests). */
static unsigned long stats_begin(mockllm_server *s, long *which) {
  pthread_mutex_lock(&s->mu);
  s->requests++;
  if (which)
    (*which)++;
  s->in_flight++;
  if (s->in_flight > s->max_concurrent)
    s->max_concurrent = s->in_flight;
  bool model = which == &s->chat || which == &s->messages;
  unsigned long seq = model ? ++s->seq : 0;
  pthread_mutex_unlock(&s->mu);
  return seq;
}

/* Counts the end of a request, before its response is queued, so a client
 * that reads /stats after its reply always sees it. status 0: closed
 * without a response. */
static void stats_end(mockllm_server *s, const char *method, const char *url,
                      int status, mockllm_fault_kind fault) {
  pthread_mutex_lock(&s->mu);
  s->in_flight--;
  if (status > 0 && status < MAX_STATUS)
    s->by_status[status]++;
  else
    s->closed++;
  pthread_mutex_unlock(&s->mu);
  if (!s->cfg->quiet)
    fprintf(stderr, "mockllm: %s %s -> %d%s%s\n", method, url, status,
            fault != MOCKLLM_FAULT_NONE ? " fault=" : "",
            fault != MOCKLLM_FAULT_NONE ? mockllm_fault_name(fault) : "");
}

/* Sleeps ms milliseconds unless the server stops first. Returns false if
 * it is stopping. */
static bool sleep_ms(mockllm_server *s, long ms) {
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += ms / 1000;
  until.tv_nsec += (ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&s->mu);
  while (!s->stopping && ms > 0) {
    if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT)
      break;
  }
  bool ok = !s->stopping;
  pthread_mutex_unlock(&s->mu);
  return ok;
}

/* The fault for one checked model request. A directive wins while its
 * first=K allows; otherwise the command-line fault applies to the first
 * --fault-first requests, then with probability --fault-rate (neither
 * given: to every request). Also draws the latency jitter. */
static mockllm_fault choose_fault(mockllm_server *s, const char *text,
                                  const mockllm_directive *d, long *jitter_ms) {
  const mockllm_config *cfg = s->cfg;
  mockllm_fault f;
  memset(&f, 0, sizeof f);
  f.kind = MOCKLLM_FAULT_NONE;
  pthread_mutex_lock(&s->mu);
  unsigned long k = s->flag_seen++;
  *jitter_ms =
      cfg->latency_jitter_ms > 0
          ? (long)plan__rng_below(&s->rng, (uint64_t)cfg->latency_jitter_ms + 1)
          : 0;
  if (d->found) {
    size_t len = d->end - d->start;
    struct directive_count *c = s->counts;
    while (c && (strlen(c->text) != len ||
                 memcmp(c->text, text + d->start, len) != 0))
      c = c->next;
    if (!c) {
      c = plan__calloc(1, sizeof *c);
      if (c)
        c->text = plan__strndup(text + d->start, len);
      if (c && c->text) {
        c->next = s->counts;
        s->counts = c;
      } else if (c) {
        plan__free(c);
        c = NULL;
      }
    }
    unsigned long n = c ? ++c->count : 1;
    if (d->first < 0 || n <= (unsigned long)d->first)
      f = d->fault;
  }
  if (f.kind == MOCKLLM_FAULT_NONE && cfg->fault.kind != MOCKLLM_FAULT_NONE) {
    bool hit;
    if (cfg->fault_first >= 0 && k < (unsigned long)cfg->fault_first)
      hit = true;
    else if (cfg->fault_rate >= 0)
      hit = plan__rng_double(&s->rng) < cfg->fault_rate;
    else
      hit = cfg->fault_first < 0;
    if (hit)
      f = cfg->fault;
  }
  if (f.kind != MOCKLLM_FAULT_NONE)
    s->faults++; /* counted now: a stalled request may never finish */
  pthread_mutex_unlock(&s->mu);
  /* Directive parameters that were not given fall back to the flags. */
  if (f.retry_after[0] == '\0')
    memcpy(f.retry_after, cfg->fault.retry_after, sizeof f.retry_after);
  if (f.retry_after_ms < 0)
    f.retry_after_ms = cfg->fault.retry_after_ms;
  if (f.stall_ms < 0)
    f.stall_ms = cfg->stall_ms;
  return f;
}

/* ======================================================================
 * Sending
 * ====================================================================== */

/* Counts a model request against --rate-limit: fills *rl (the headers of
 * its reply) and returns false when it is over the limit. */
static bool rate_limit_take(mockllm_server *s, bool anthropic,
                            struct rl_info *rl) {
  memset(rl, 0, sizeof *rl);
  if (s->cfg->rate_limit_n <= 0)
    return true;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  uint64_t window = (uint64_t)s->cfg->rate_limit_window_ms * 1000000u;
  pthread_mutex_lock(&s->mu);
  if (s->rl_start_ns == 0 || now >= s->rl_start_ns + window) {
    s->rl_start_ns = now;
    s->rl_count = 0;
  }
  long count = ++s->rl_count;
  uint64_t left = s->rl_start_ns + window - now;
  pthread_mutex_unlock(&s->mu);
  rl->on = true;
  rl->anthropic = anthropic;
  rl->limit = s->cfg->rate_limit_n;
  rl->remaining = count >= rl->limit ? 0 : rl->limit - count;
  rl->reset_ms = (long)((left + 999999u) / 1000000u);
  return count <= rl->limit;
}

static void add_rate_limit_headers(struct MHD_Response *resp,
                                   const struct rl_info *rl) {
  char limit[32], remaining[32], reset[64];
  plan__fmt(limit, sizeof limit, "%ld", rl->limit);
  plan__fmt(remaining, sizeof remaining, "%ld", rl->remaining);
  if (!rl->anthropic) {
    plan__fmt(reset, sizeof reset, "%ldms", rl->reset_ms);
    MHD_add_response_header(resp, "x-ratelimit-limit-requests", limit);
    MHD_add_response_header(resp, "x-ratelimit-remaining-requests", remaining);
    MHD_add_response_header(resp, "x-ratelimit-reset-requests", reset);
    return;
  }
  /* Anthropic says when the budget is restored, as an RFC 3339 time. */
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  /* Rounded up, never early: a client that waits until then finds the
   * new window open. */
  int64_t at = (int64_t)ts.tv_sec * 1000 + (ts.tv_nsec + 999999) / 1000000 +
               rl->reset_ms;
  time_t secs = (time_t)(at / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  plan__fmt(reset, sizeof reset, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
            tm.tm_sec, (int)(at % 1000));
  MHD_add_response_header(resp, "anthropic-ratelimit-requests-limit", limit);
  MHD_add_response_header(resp, "anthropic-ratelimit-requests-remaining",
                          remaining);
  MHD_add_response_header(resp, "anthropic-ratelimit-requests-reset", reset);
}

static enum MHD_Result send_body_rl(struct MHD_Connection *conn, int status,
                                    char *body, const char *id_header,
                                    const char *id, const mockllm_fault *f,
                                    const struct rl_info *rl);

/* Queues body (taken; freed by MHD or here) with the given status and
 * headers. A NULL body is an out-of-memory 500. */
static enum MHD_Result send_body(struct MHD_Connection *conn, int status,
                                 char *body, const char *id_header,
                                 const char *id, const mockllm_fault *f) {
  return send_body_rl(conn, status, body, id_header, id, f, NULL);
}

/* send_body, plus the rate-limit headers of rl (may be NULL). */
static enum MHD_Result send_body_rl(struct MHD_Connection *conn, int status,
                                    char *body, const char *id_header,
                                    const char *id, const mockllm_fault *f,
                                    const struct rl_info *rl) {
  if (!body) {
    static const char oom[] = "{\"error\":{\"message\":\"mockllm: out of "
                              "memory\",\"type\":\"server_error\","
                              "\"param\":null,\"code\":null}}";
    body = plan__strdup(oom);
    status = 500;
    if (!body)
      return MHD_NO;
  }
  struct MHD_Response *resp =
      MHD_create_response_from_buffer_with_free_callback(strlen(body), body,
                                                         plan__free);
  if (!resp) {
    plan__free(body);
    return MHD_NO;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                          "application/json");
  if (id_header && id)
    MHD_add_response_header(resp, id_header, id);
  if (rl && rl->on)
    add_rate_limit_headers(resp, rl);
  if (f && f->kind != MOCKLLM_FAULT_NONE) {
    MHD_add_response_header(resp, "x-mockllm-fault",
                            mockllm_fault_name(f->kind));
    bool retryable = f->kind == MOCKLLM_FAULT_429 ||
                     f->kind == MOCKLLM_FAULT_503 ||
                     f->kind == MOCKLLM_FAULT_529;
    if (retryable && f->retry_after[0])
      MHD_add_response_header(resp, "Retry-After", f->retry_after);
    if (retryable && f->retry_after_ms >= 0) {
      char ms[32];
      plan__fmt(ms, sizeof ms, "%ld", f->retry_after_ms);
      MHD_add_response_header(resp, "retry-after-ms", ms);
    }
  }
  enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, resp);
  MHD_destroy_response(resp);
  return rc;
}

/* The truncated fault: a body whose Content-Length is its full size but of
 * which only the first half is sent before the connection is closed. */
struct cut_body {
  char *data;
  size_t send;
};

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  struct cut_body *c = cls;
  if (pos >= c->send)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  size_t n = PLAN_MIN(max, c->send - (size_t)pos);
  memcpy(buf, c->data + pos, n);
  return (ssize_t)n;
}

static void cut_free(void *cls) {
  struct cut_body *c = cls;
  plan__free(c->data);
  plan__free(c);
}

static enum MHD_Result send_cut(struct MHD_Connection *conn, char *body,
                                const char *id_header, const char *id) {
  struct cut_body *c = body ? plan__malloc(sizeof *c) : NULL;
  if (!c) {
    plan__free(body);
    return MHD_NO;
  }
  size_t len = strlen(body);
  c->data = body;
  c->send = len / 2;
  struct MHD_Response *resp =
      MHD_create_response_from_callback(len, 4096, cut_reader, c, cut_free);
  if (!resp) {
    cut_free(c);
    return MHD_NO;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                          "application/json");
  MHD_add_response_header(resp, id_header, id);
  MHD_add_response_header(resp, "x-mockllm-fault", "truncated");
  enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
  MHD_destroy_response(resp);
  return rc;
}

/* ======================================================================
 * Model requests
 * ====================================================================== */

/* The error an error-kind fault answers with, in the API's terms. Returns
 * false for kinds that are not plain HTTP errors. */
static bool fault_error(mockllm_api api, mockllm_fault_kind k,
                        mockllm_error *e) {
  bool a = api == MOCKLLM_API_ANTHROPIC;
  switch (k) {
  case MOCKLLM_FAULT_429:
    mockllm_error_set(e, 429, a ? "rate_limit_error" : "requests",
                      "rate_limit_exceeded", NULL,
                      "Rate limit reached (mockllm injected fault 429). "
                      "Please try again later.");
    return true;
  case MOCKLLM_FAULT_429QUOTA:
    mockllm_error_set(e, 429, a ? "billing_error" : "insufficient_quota",
                      "insufficient_quota", NULL,
                      "You exceeded your current quota (mockllm injected "
                      "fault 429quota).");
    return true;
  case MOCKLLM_FAULT_500:
    mockllm_error_set(e, 500, a ? "api_error" : "server_error", NULL, NULL,
                      "Internal server error (mockllm injected fault 500).");
    return true;
  case MOCKLLM_FAULT_503:
    mockllm_error_set(e, 503, a ? "api_error" : "server_error", NULL, NULL,
                      "Service unavailable (mockllm injected fault 503).");
    return true;
  case MOCKLLM_FAULT_529:
    mockllm_error_set(e, 529, "overloaded_error", NULL, NULL,
                      "Overloaded (mockllm injected fault 529).");
    return true;
  case MOCKLLM_FAULT_400:
    mockllm_error_set(e, 400, "invalid_request_error", NULL, NULL,
                      "Bad request (mockllm injected fault 400).");
    return true;
  case MOCKLLM_FAULT_401:
    mockllm_error_set(e, 401,
                      a ? "authentication_error" : "invalid_request_error",
                      "invalid_api_key", NULL,
                      "Incorrect API key (mockllm injected fault 401).");
    return true;
  default: return false;
  }
}

/* Applies stop sequences, max_tokens and the length fault to one choice's
 * text (taken) and fills c. */
static void finish_choice(const mockllm_query *q, bool length_fault, char *text,
                          mockllm_choice *c) {
  size_t len = strlen(text);
  c->text = text;
  c->finish = "stop";
  c->stop_seq = NULL;
  size_t best = len;
  for (size_t i = 0; i < q->n_stops; i++) {
    const char *hit = strstr(text, q->stops[i]);
    if (hit && (size_t)(hit - text) < best) {
      best = (size_t)(hit - text);
      c->stop_seq = q->stops[i];
    }
  }
  len = best;
  size_t words = mockllm_count_words(text, len);
  if (q->max_tokens >= 0 && words > (size_t)q->max_tokens) {
    len = mockllm_cut_words(text, len, (size_t)q->max_tokens);
    c->finish = "length";
    c->stop_seq = NULL;
    words = (size_t)q->max_tokens;
  }
  if (length_fault) {
    if (words >= 2) {
      len = mockllm_cut_words(text, len, words / 2);
    } else {
      /* One word: half its bytes, backed off to a UTF-8 boundary. */
      len /= 2;
      while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
        len--;
    }
    c->finish = "length";
    c->stop_seq = NULL;
  }
  text[len] = '\0';
}

/* Runs one request of a model endpoint to its response. */
static enum MHD_Result model_request(mockllm_server *s,
                                     struct MHD_Connection *conn,
                                     const char *method, const char *url,
                                     struct req *r, mockllm_api api) {
  bool anthropic = api == MOCKLLM_API_ANTHROPIC;
  unsigned long seq = stats_begin(s, anthropic ? &s->messages : &s->chat);
  char id[48];
  char rid[48];
  plan__fmt(id, sizeof id, anthropic ? "msg_mock_%06lu" : "chatcmpl-mock-%06lu",
            seq);
  plan__fmt(rid, sizeof rid, anthropic ? "req_mock_%06lu" : "req-mock-%06lu",
            seq);
  const char *rid_header = anthropic ? "request-id" : "x-request-id";

  json_t *body = NULL;
  plan__buf raw;
  plan__buf_init(&raw, 0);
  plan__buf user;
  plan__buf_init(&user, 0);
  mockllm_choice *choices = NULL;
  size_t n_choices = 0;
  mockllm_error e;
  mockllm_fault f;
  struct rl_info rl;
  memset(&rl, 0, sizeof rl);
  memset(&f, 0, sizeof f);
  f.kind = MOCKLLM_FAULT_NONE;
  enum MHD_Result rc;
  int status = 200;
  mockllm_query q;

  if (r->too_big) {
    mockllm_error_set(
        &e, 413, anthropic ? "request_too_large" : "invalid_request_error",
        NULL, NULL, "request body larger than %u bytes", MOCKLLM_MAX_BODY);
    goto error;
  }
  json_error_t je;
  body = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &je);
  if (!body) {
    mockllm_error_set(&e, 400, "invalid_request_error", "invalid_json", NULL,
                      "We could not parse the JSON body of your request "
                      "(line %d, column %d: %s)",
                      je.line, je.column, je.text);
    goto error;
  }
  const char *version =
      MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "anthropic-version");
  if (!mockllm_query_parse(api, body, version, &q, &raw, &e))
    goto error;
  const char *text = raw.data ? raw.data : "";
  mockllm_directive d;
  char derr[256];
  if (!mockllm_directive_parse(text, &d, derr, sizeof derr)) {
    mockllm_error_set(&e, 400, "invalid_request_error", "invalid_value",
                      "messages", "mockllm: %s", derr);
    goto error;
  }
  /* The brain sees the last user message without the directive. */
  if (d.found) {
    size_t a = mockllm_trim_end(text, d.start);
    size_t b = d.end + mockllm_trim_start(text + d.end, raw.len - d.end);
    size_t head = mockllm_trim_start(text, a);
    plan__buf_append(&user, text + head, a - head);
    if (a > head && b < raw.len)
      plan__buf_putc(&user, ' ');
    plan__buf_append(&user, text + b, mockllm_trim_end(text + b, raw.len - b));
  } else {
    size_t head = mockllm_trim_start(text, raw.len);
    plan__buf_append(&user, text + head,
                     mockllm_trim_end(text + head, raw.len - head));
  }
  if (user.status != PLAN_OK) {
    mockllm_error_set(&e, 500, "api_error", NULL, NULL, "out of memory");
    goto error;
  }
  q.last_user = user.data ? user.data : "";
  if (s->brain->reply_model)
    q.model = s->brain->reply_model;

  long jitter = 0;
  f = choose_fault(s, text, &d, &jitter);
  if (!rate_limit_take(s, anthropic, &rl)) {
    /* Over the limit: a 429 that says when the window ends. */
    f.kind = MOCKLLM_FAULT_429;
    f.retry_after[0] = '\0';
    f.retry_after_ms = rl.reset_ms;
    rl.on = false;
  }
  if (!sleep_ms(s, s->cfg->latency_ms + jitter))
    goto closed;
  if (fault_error(api, f.kind, &e))
    goto error;
  if (f.kind == MOCKLLM_FAULT_RESET)
    goto closed;
  if (f.kind == MOCKLLM_FAULT_STALL && !sleep_ms(s, f.stall_ms))
    goto closed;

  if (f.kind == MOCKLLM_FAULT_IGNORE_N)
    q.n = 1; /* as if the server had dropped the field (Ollama) */
  int n = q.n;
  choices = plan__calloc((size_t)n, sizeof *choices);
  if (!choices) {
    mockllm_error_set(&e, 500, "api_error", NULL, NULL, "out of memory");
    goto error;
  }
  for (int i = 0; i < n; i++) {
    plan__buf out;
    plan__buf_init(&out, 0);
    char berr[512];
    int st = s->brain->reply(s->brain_self, &q, i, &out, berr, sizeof berr);
    if (st == 0 && out.status != PLAN_OK) {
      st = 500;
      plan__fmt(berr, sizeof berr, "out of memory");
    }
    if (st != 0) {
      plan__buf_free(&out);
      mockllm_error_set(&e, st, anthropic ? "api_error" : "server_error", NULL,
                        NULL, "%s", berr);
      goto error;
    }
    finish_choice(&q, f.kind == MOCKLLM_FAULT_LENGTH, plan__buf_take(&out),
                  &choices[i]);
    n_choices++;
  }
  size_t shown = f.kind == MOCKLLM_FAULT_EMPTY_CHOICES ? 0 : n_choices;
  char *resp = mockllm_success_body(
      &q, choices, shown, id,
      f.kind == MOCKLLM_FAULT_OVERSIZED ? s->cfg->oversized_bytes : 0);
  if (resp && f.kind == MOCKLLM_FAULT_INVALID_JSON) {
    /* Half an object and then junk: never valid JSON. */
    plan__buf junk;
    plan__buf_init(&junk, 0);
    plan__buf_append(&junk, resp, strlen(resp) / 2);
    plan__buf_puts(&junk, " <<mockllm injected fault: invalid_json>>");
    plan__free(resp);
    resp = junk.status == PLAN_OK ? plan__buf_take(&junk) : NULL;
    plan__buf_free(&junk);
  }
  stats_end(s, method, url, resp ? 200 : 500, f.kind);
  if (f.kind == MOCKLLM_FAULT_TRUNCATED)
    rc = send_cut(conn, resp, rid_header, rid);
  else
    rc = send_body_rl(conn, 200, resp, rid_header, rid, &f, &rl);
  goto done;

error:
  status = e.status;
  stats_end(s, method, url, status, f.kind);
  rc = send_body(conn, status, mockllm_error_body(api, &e, rid), rid_header,
                 rid, &f);
  goto done;

closed:
  stats_end(s, method, url, 0, f.kind);
  rc = MHD_NO;

done:
  for (size_t i = 0; i < n_choices; i++)
    plan__free(choices[i].text);
  plan__free(choices);
  plan__buf_free(&user);
  plan__buf_free(&raw);
  json_decref(body);
  return rc;
}

/* ======================================================================
 * Other endpoints and routing
 * ====================================================================== */

static char *stats_body(mockllm_server *s) {
  json_t *root = json_object();
  json_t *by = json_object();
  if (!root || !by) {
    json_decref(root);
    json_decref(by);
    return NULL;
  }
  pthread_mutex_lock(&s->mu);
  json_object_set_new(root, "requests", json_integer(s->requests));
  json_object_set_new(root, "chat", json_integer(s->chat));
  json_object_set_new(root, "messages", json_integer(s->messages));
  json_object_set_new(root, "models", json_integer(s->models));
  json_object_set_new(root, "faults_injected", json_integer(s->faults));
  json_object_set_new(root, "max_concurrent", json_integer(s->max_concurrent));
  json_object_set_new(root, "in_flight", json_integer(s->in_flight));
  for (int i = 0; i < MAX_STATUS; i++) {
    if (s->by_status[i] == 0)
      continue;
    char key[16];
    plan__fmt(key, sizeof key, "%d", i);
    json_object_set_new(by, key, json_integer(s->by_status[i]));
  }
  if (s->closed)
    json_object_set_new(by, "none", json_integer(s->closed));
  pthread_mutex_unlock(&s->mu);
  json_object_set_new(root, "by_status", by);
  plan__buf b;
  plan__buf_init(&b, 0);
  bool ok = mockllm_json_append(root, JSON_COMPACT, &b);
  json_decref(root);
  if (!ok) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

/* Zeroes the counters (not in_flight) and restarts every sequence: ids,
 * --fault-first, first=K counts and the PRNG. */
static void stats_reset(mockllm_server *s) {
  pthread_mutex_lock(&s->mu);
  s->requests = s->chat = s->messages = s->models = s->faults = 0;
  s->max_concurrent = s->in_flight;
  s->closed = 0;
  memset(s->by_status, 0, sizeof s->by_status);
  s->seq = 0;
  s->flag_seen = 0;
  counts_free(s);
  plan__rng_seed(&s->rng, s->cfg->seed);
  pthread_mutex_unlock(&s->mu);
}

static enum MHD_Result
plain_error(mockllm_server *s, struct MHD_Connection *conn, const char *method,
            const char *url, int status, const char *code, const char *msg) {
  mockllm_error e;
  stats_begin(s, NULL);
  mockllm_error_set(&e, status, "invalid_request_error", code, NULL,
                    "mockllm: %s %s: %s", method, url, msg);
  stats_end(s, method, url, status, MOCKLLM_FAULT_NONE);
  return send_body(conn, status,
                   mockllm_error_body(MOCKLLM_API_OPENAI, &e, NULL), NULL, NULL,
                   NULL);
}

static enum MHD_Result dispatch(mockllm_server *s, struct MHD_Connection *conn,
                                const char *url, const char *method,
                                struct req *r) {
  bool get = strcmp(method, "GET") == 0;
  bool post = strcmp(method, "POST") == 0;
  if (strcmp(url, "/stats") == 0 && get)
    return send_body(conn, 200, stats_body(s), NULL, NULL, NULL);
  if (strcmp(url, "/stats/reset") == 0 && post) {
    stats_reset(s);
    return send_body(conn, 200, plan__strdup("{\"reset\":true}"), NULL, NULL,
                     NULL);
  }
  if (strcmp(url, "/v1/chat/completions") == 0 && post)
    return model_request(s, conn, method, url, r, MOCKLLM_API_OPENAI);
  if (strcmp(url, "/v1/messages") == 0 && post)
    return model_request(s, conn, method, url, r, MOCKLLM_API_ANTHROPIC);
  if (strcmp(url, "/v1/models") == 0 && get) {
    stats_begin(s, &s->models);
    char *body = mockllm_models_body(s->cfg->model_name);
    stats_end(s, method, url, body ? 200 : 500, MOCKLLM_FAULT_NONE);
    return send_body(conn, 200, body, NULL, NULL, NULL);
  }
  static const char *const known[] = {"/stats", "/stats/reset",
                                      "/v1/chat/completions", "/v1/messages",
                                      "/v1/models"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(known); i++)
    if (strcmp(url, known[i]) == 0)
      return plain_error(s, conn, method, url, 405, "method_not_allowed",
                         "method not allowed");
  return plain_error(s, conn, method, url, 404, "unknown_url",
                     "unknown path (the mockllm test double serves "
                     "/v1/chat/completions, /v1/messages, /v1/models, "
                     "/stats)");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_size, void **req_cls) {
  (void)version;
  mockllm_server *s = cls;
  struct req *r = *req_cls;
  if (!r) {
    r = plan__calloc(1, sizeof *r);
    if (!r)
      return MHD_NO;
    plan__buf_init(&r->body, MOCKLLM_MAX_BODY);
    *req_cls = r;
    return MHD_YES;
  }
  if (*upload_size > 0) {
    if (!r->too_big &&
        plan__buf_append(&r->body, upload_data, *upload_size) != PLAN_OK) {
      r->too_big = true;
      plan__buf_free(&r->body);
    }
    *upload_size = 0;
    return MHD_YES;
  }
  return dispatch(s, conn, url, method, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode t) {
  (void)cls;
  (void)conn;
  (void)t;
  struct req *r = *req_cls;
  if (r) {
    plan__buf_free(&r->body);
    plan__free(r);
    *req_cls = NULL;
  }
}

/* ======================================================================
 * Start and stop
 * ====================================================================== */

bool mockllm_server_start(const mockllm_config *cfg, mockllm_server **out,
                          char *err, size_t errsize) {
  *out = NULL;
  const mockllm_brain_vtbl *brain = mockllm_brain_find(cfg->brain);
  if (!brain) {
    plan__fmt(err, errsize, "unknown brain '%s'", cfg->brain);
    return false;
  }
  struct sockaddr_in a4;
  struct sockaddr_in6 a6;
  memset(&a4, 0, sizeof a4);
  memset(&a6, 0, sizeof a6);
  const struct sockaddr *addr;
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
                       MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
                       MHD_USE_ITC;
  const char *host =
      strcmp(cfg->host, "localhost") == 0 ? "127.0.0.1" : cfg->host;
  if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)cfg->port);
    addr = (const struct sockaddr *)&a4;
  } else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)cfg->port);
    addr = (const struct sockaddr *)&a6;
    flags |= MHD_USE_IPv6;
  } else {
    plan__fmt(err, errsize, "--host '%s' is not a numeric IP address",
              cfg->host);
    return false;
  }
  if (!cfg->quiet)
    flags |= MHD_USE_ERROR_LOG;

  mockllm_server *s = plan__calloc(1, sizeof *s);
  if (!s) {
    plan__fmt(err, errsize, "out of memory");
    return false;
  }
  s->cfg = cfg;
  s->brain = brain;
  plan__rng_seed(&s->rng, cfg->seed);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->cv, &ca);
  pthread_condattr_destroy(&ca);
  pthread_mutex_init(&s->mu, NULL);
  if (!brain->create(cfg, &s->brain_self, err, errsize)) {
    s->brain = NULL;
    mockllm_server_stop(s);
    return false;
  }
  s->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, addr,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned int)4096, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)0,
      MHD_OPTION_END);
  if (!s->daemon) {
    plan__fmt(err, errsize, "cannot listen on %s:%ld: %s", cfg->host, cfg->port,
              strerror(errno));
    mockllm_server_stop(s);
    return false;
  }
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? (int)info->port : (int)cfg->port;
  *out = s;
  return true;
}

int mockllm_server_port(const mockllm_server *s) {
  return s->port;
}

void mockllm_server_stop(mockllm_server *s) {
  if (!s)
    return;
  pthread_mutex_lock(&s->mu);
  s->stopping = true;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  if (s->daemon)
    MHD_stop_daemon(s->daemon);
  if (s->brain)
    s->brain->destroy(s->brain_self);
  counts_free(s);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->mu);
  plan__free(s);
}
