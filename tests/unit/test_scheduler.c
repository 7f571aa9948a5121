/* tests/unit/test_scheduler.c: the scheduler over the scripted backend and
 * small custom backends, on a simulated clock (sleeping advances time), so
 * timings are exact and the tests take no real time. */
#include "llm/llm.h"
#include "llm/scripted.h"
#include "test.h"

static uint64_t sim_now;
static uint64_t sim_now_fn(void *ud) {
  (void)ud;
  return sim_now;
}
static void sim_sleep_fn(void *ud, uint64_t ns) {
  (void)ud;
  sim_now += ns;
}
static const plan_clock sim_clock = {sim_now_fn, sim_sleep_fn, NULL};

#define MS 1000000ULL

static plan_llm *script(const char *json) {
  plan_llm *llm = NULL;
  plan_error e;
  plan_status st = plan_llm_scripted_create(json, &sim_clock, &llm, &e);
  if (st != PLAN_OK)
    fprintf(stderr, "script error: %s\n", e.text);
  ASSERT_OK(st);
  return llm;
}

static plan_scheduler *sched(plan_llm *llm, plan_scheduler_options *o) {
  plan_scheduler_options def;
  if (!o) {
    plan_scheduler_options_init(&def, PLAN_SCHEDULER_OPTIONS_VERSION);
    o = &def;
  }
  o->clock = &sim_clock;
  plan_scheduler *s = NULL;
  ASSERT_OK(plan_scheduler_create(llm, o, &s, NULL));
  return s;
}

typedef struct reqset {
  plan_llm_request req[300];
  plan_message msg[300];
  char text[300][64];
  plan_llm_response resp[300];
  size_t n;
} reqset;

static reqset *reqs(size_t n, const char *fmt) {
  reqset *r = calloc(1, sizeof *r);
  ASSERT(r && n <= 300);
  r->n = n;
  for (size_t i = 0; i < n; i++) {
    snprintf(r->text[i], sizeof r->text[i], fmt, (int)i);
    r->msg[i].role = "user";
    r->msg[i].content = r->text[i];
    plan_llm_request_init(&r->req[i], PLAN_LLM_REQUEST_VERSION);
    r->req[i].messages = &r->msg[i];
    r->req[i].n_messages = 1;
  }
  return r;
}

static void reqs_free(reqset *r) {
  for (size_t i = 0; i < r->n; i++)
    plan_llm_response_clear(&r->resp[i]);
  free(r);
}

static plan_status run(plan_scheduler *s, reqset *r) {
  return plan_scheduler_run(s, r->req, r->n, r->resp);
}

static unsigned calls_of(plan_llm *llm) {
  plan__scripted_stats st;
  ASSERT(plan__scripted_stats_get(llm, &st));
  return st.calls;
}

/* ---------------------------------------------------------------------- */

static void test_basic_batch(void) {
  plan_llm *llm = script("[{\"match\":\"^q\",\"reply\":\"{prompt}!\"}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(10, "q%d");
  ASSERT_OK(run(s, r));
  for (size_t i = 0; i < 10; i++) {
    ASSERT_OK(r->resp[i].status);
    ASSERT_EQ(r->resp[i].n_choices, 1);
    char want[32];
    snprintf(want, sizeof want, "q%d!", (int)i);
    ASSERT_STR_EQ(r->resp[i].choices[0].text, want);
    ASSERT_EQ(r->resp[i].attempts, 1);
    ASSERT_EQ(r->resp[i].prompt_tokens, 1);
    ASSERT_EQ(r->resp[i].completion_tokens, 1);
    ASSERT(!r->resp[i].choices[0].truncated);
  }
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  ASSERT_EQ(st.calls, 10);
  ASSERT_EQ(st.attempts, 10);
  ASSERT_EQ(st.retries, 0);
  ASSERT_EQ(st.prompt_tokens, 10);
  reqs_free(r);
  /* An empty batch is fine. */
  ASSERT_OK(plan_scheduler_run(s, NULL, 0, NULL));
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_concurrency(void) {
  plan_llm *llm = script("[{\"reply\":\"ok\",\"delay_ms\":100}]");
  unsigned levels[] = {1, 4, 16, 64};
  for (size_t k = 0; k < 4; k++) {
    plan_scheduler_options o;
    plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
    o.concurrency = levels[k];
    plan_scheduler *s = sched(llm, &o);
    reqset *r = reqs(256, "p%d");
    uint64_t t0 = sim_now;
    ASSERT_OK(run(s, r));
    uint64_t wall = sim_now - t0;
    ASSERT_EQ(wall, (256 / levels[k]) * 100 * MS);
    plan_scheduler_stats st;
    plan_scheduler_stats_get(s, &st);
    ASSERT_EQ(st.max_in_flight, levels[k]);
    for (size_t i = 0; i < 256; i++)
      ASSERT_NEAR(r->resp[i].latency_ms, 100.0, 0.001);
    reqs_free(r);
    plan_scheduler_destroy(s);
  }
  plan__scripted_stats ss;
  plan__scripted_stats_get(llm, &ss);
  ASSERT_EQ(ss.max_pending, 64);
  plan_llm_destroy(llm);
}

static void test_retry_backoff(void) {
  plan_llm *llm = script("[{\"call\":1,\"error\":\"timeout\"},"
                         " {\"call\":2,\"error\":\"http_503\"},"
                         " {\"reply\":\"fine\"}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(1, "x%d");
  uint64_t t0 = sim_now;
  ASSERT_OK(run(s, r));
  ASSERT_OK(r->resp[0].status);
  ASSERT_STR_EQ(r->resp[0].choices[0].text, "fine");
  ASSERT_EQ(r->resp[0].attempts, 3);
  /* Waits: 500 ms and 1000 ms, each reduced by at most 25% jitter. */
  uint64_t waited = sim_now - t0;
  ASSERT(waited >= 1125 * MS && waited <= 1500 * MS);
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  ASSERT_EQ(st.retries, 2);
  ASSERT_EQ(st.failures, 0);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_retry_after(void) {
  plan_llm *llm = script("[{\"call\":1,\"error\":\"rate_limit\","
                         "\"retry_after_ms\":1234},"
                         " {\"reply\":\"ok\"}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(1, "x%d");
  uint64_t t0 = sim_now;
  ASSERT_OK(run(s, r));
  ASSERT_OK(r->resp[0].status);
  ASSERT_EQ(sim_now - t0, 1234 * MS);
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  ASSERT_EQ(st.rate_limited, 1);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_retry_after_over_cap(void) {
  plan_llm *llm = script("[{\"error\":\"rate_limit\","
                         "\"retry_after_ms\":999999}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(1, "x%d");
  uint64_t t0 = sim_now;
  ASSERT_OK(run(s, r));
  ASSERT_STATUS(r->resp[0].status, PLAN_ERATELIMIT);
  ASSERT_EQ(r->resp[0].http_status, 429);
  ASSERT_EQ(r->resp[0].attempts, 1);
  ASSERT_CONTAINS(r->resp[0].error, "more than the 60000 ms cap");
  ASSERT(sim_now - t0 < 1000 * MS);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_never_retry(void) {
  const char *kinds[] = {"http_400", "http_401", "http_403", "http_404",
                         "http_422", "quota",    "oversized"};
  for (size_t k = 0; k < PLAN_ARRAY_LEN(kinds); k++) {
    char json[128];
    snprintf(json, sizeof json, "[{\"error\":\"%s\"}]", kinds[k]);
    plan_llm *llm = script(json);
    plan_scheduler *s = sched(llm, NULL);
    reqset *r = reqs(1, "x%d");
    ASSERT_OK(run(s, r));
    ASSERT(r->resp[0].status != PLAN_OK);
    ASSERT_EQ(r->resp[0].attempts, 1);
    ASSERT_EQ(calls_of(llm), 1);
    ASSERT(r->resp[0].error && r->resp[0].error[0]);
    reqs_free(r);
    plan_scheduler_destroy(s);
    plan_llm_destroy(llm);
  }
}

static void test_max_attempts(void) {
  plan_llm *llm = script("[{\"error\":\"http_500\"}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(2, "x%d");
  ASSERT_OK(run(s, r));
  for (int i = 0; i < 2; i++) {
    ASSERT_STATUS(r->resp[i].status, PLAN_EHTTP);
    ASSERT_EQ(r->resp[i].http_status, 500);
    ASSERT_EQ(r->resp[i].attempts, 3);
    ASSERT_CONTAINS(r->resp[i].error, "HTTP 500");
    ASSERT_CONTAINS(r->resp[i].error, "after 3 attempts");
  }
  ASSERT_EQ(calls_of(llm), 6);
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  ASSERT_EQ(st.failures, 2);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

/* Every fault, injected at call 2 of a 3-request batch: each request ends
 * in a reply or a clear error, and attempts stay bounded. */
static void test_every_fault_at_call_n(void) {
  const char *kinds[] = {"timeout",   "rate_limit", "quota",     "overloaded",
                         "transport", "reset",      "truncated", "invalid_json",
                         "empty",     "oversized",  "http_500",  "http_502",
                         "http_503",  "http_408",   "http_409",  "http_400",
                         "http_401",  "http_404",   "http_422",  "refused"};
  for (size_t k = 0; k < PLAN_ARRAY_LEN(kinds); k++) {
    for (unsigned at = 1; at <= 3; at++) {
      char json[160];
      snprintf(json, sizeof json,
               "[{\"call\":%u,\"error\":\"%s\"},{\"reply\":\"r{call}\"}]", at,
               kinds[k]);
      plan_llm *llm = script(json);
      plan_scheduler_options o;
      plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
      o.concurrency = 1;
      plan_scheduler *s = sched(llm, &o);
      reqset *r = reqs(3, "x%d");
      ASSERT_OK(run(s, r));
      unsigned total = 0;
      for (size_t i = 0; i < 3; i++) {
        ASSERT(r->resp[i].attempts >= 1 && r->resp[i].attempts <= 3);
        total += r->resp[i].attempts;
        if (r->resp[i].status == PLAN_OK)
          ASSERT(r->resp[i].n_choices == 1);
        else
          ASSERT(r->resp[i].error && strstr(r->resp[i].error, "scripted"));
      }
      ASSERT_EQ(total, calls_of(llm));
      ASSERT(total <= 4);
      reqs_free(r);
      plan_scheduler_destroy(s);
      plan_llm_destroy(llm);
    }
  }
}

static void test_coalesce(void) {
  plan_llm *llm = script("[{\"reply\":\"a{call}\"}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(6, "same");
  r->req[5].temperature = 0.5; /* different request */
  ASSERT_OK(run(s, r));
  ASSERT_EQ(calls_of(llm), 2);
  for (int i = 1; i < 5; i++) {
    ASSERT_STR_EQ(r->resp[i].choices[0].text, r->resp[0].choices[0].text);
    ASSERT_EQ(r->resp[i].attempts, 0);
  }
  ASSERT(strcmp(r->resp[5].choices[0].text, r->resp[0].choices[0].text));
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  ASSERT_EQ(st.coalesced, 4);
  ASSERT_EQ(st.calls, 6);
  reqs_free(r);
  /* Distinct sample indices are distinct samples. */
  r = reqs(4, "same");
  for (unsigned i = 0; i < 4; i++)
    r->req[i].sample_index = i;
  ASSERT_OK(run(s, r));
  ASSERT_EQ(calls_of(llm), 6);
  reqs_free(r);
  plan_scheduler_destroy(s);
  /* no_coalesce sends every request. */
  plan_scheduler_options o;
  plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
  o.no_coalesce = true;
  s = sched(llm, &o);
  r = reqs(3, "same");
  ASSERT_OK(run(s, r));
  ASSERT_EQ(calls_of(llm), 9);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_fill_ignored_n(void) {
  /* The server answers one choice whatever n is (Ollama-style). */
  plan_llm *llm = script("[{\"reply\":\"c{call}\",\"choices\":1}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(1, "x%d");
  r->req[0].n = 4;
  r->req[0].has_seed = true;
  r->req[0].seed = 7;
  ASSERT_OK(run(s, r));
  ASSERT_OK(r->resp[0].status);
  ASSERT_EQ(r->resp[0].n_choices, 4);
  ASSERT_STR_EQ(r->resp[0].choices[0].text, "c1");
  ASSERT_EQ(calls_of(llm), 4);
  ASSERT_EQ(r->resp[0].attempts, 4);
  reqs_free(r);
  /* Now it knows: n=3 goes out as 3 single-choice requests at once. */
  r = reqs(1, "y%d");
  r->req[0].n = 3;
  ASSERT_OK(run(s, r));
  ASSERT_EQ(r->resp[0].n_choices, 3);
  ASSERT_EQ(calls_of(llm), 7);
  plan__scripted_stats ss;
  plan__scripted_stats_get(llm, &ss);
  ASSERT_EQ(ss.last_n, 1);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_n_honoured(void) {
  plan_llm *llm = script("[{\"reply\":[\"a\",\"b\",\"c\"]}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(1, "x%d");
  r->req[0].n = 3;
  ASSERT_OK(run(s, r));
  ASSERT_EQ(r->resp[0].n_choices, 3);
  ASSERT_STR_EQ(r->resp[0].choices[2].text, "c");
  ASSERT_EQ(calls_of(llm), 1);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_budget_calls(void) {
  plan_llm *llm = script("[{\"reply\":\"ok\",\"delay_ms\":10}]");
  plan_scheduler_options o;
  plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
  o.budget_calls = 5;
  o.concurrency = 2;
  plan_scheduler *s = sched(llm, &o);
  reqset *r = reqs(10, "x%d");
  ASSERT_STATUS(run(s, r), PLAN_EBUDGET);
  int ok = 0, budget = 0;
  for (int i = 0; i < 10; i++) {
    if (r->resp[i].status == PLAN_OK)
      ok++;
    if (r->resp[i].status == PLAN_EBUDGET) {
      budget++;
      ASSERT_CONTAINS(r->resp[i].error, "call budget");
    }
  }
  ASSERT_EQ(ok, 5);
  ASSERT_EQ(budget, 5);
  ASSERT_CONTAINS(plan_scheduler_errmsg(s), "call budget");
  reqs_free(r);
  /* The budget is per run: the next batch stops at once. */
  r = reqs(2, "y%d");
  ASSERT_STATUS(run(s, r), PLAN_EBUDGET);
  ASSERT_STATUS(r->resp[0].status, PLAN_EBUDGET);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_budget_tokens(void) {
  plan_llm *llm = script("[{\"reply\":\"ok\",\"usage\":{\"prompt_tokens\":10,"
                         "\"completion_tokens\":5}}]");
  plan_scheduler_options o;
  plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
  o.budget_tokens = 40;
  o.concurrency = 1;
  plan_scheduler *s = sched(llm, &o);
  reqset *r = reqs(5, "x%d");
  ASSERT_STATUS(run(s, r), PLAN_EBUDGET);
  ASSERT_OK(r->resp[2].status);
  ASSERT_STATUS(r->resp[3].status, PLAN_EBUDGET);
  ASSERT_CONTAINS(r->resp[3].error, "token budget");
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  ASSERT_EQ(st.prompt_tokens + st.completion_tokens, 45);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_budget_wall(void) {
  plan_llm *llm = script("[{\"reply\":\"ok\",\"delay_ms\":1000}]");
  plan_scheduler_options o;
  plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
  o.budget_wall_ms = 2500;
  o.concurrency = 1;
  plan_scheduler *s = sched(llm, &o);
  reqset *r = reqs(5, "x%d");
  uint64_t t0 = sim_now;
  ASSERT_STATUS(run(s, r), PLAN_EBUDGET);
  ASSERT(sim_now - t0 <= 2600 * MS);
  ASSERT_OK(r->resp[0].status);
  ASSERT_OK(r->resp[1].status);
  ASSERT_STATUS(r->resp[2].status, PLAN_EBUDGET);
  ASSERT_STATUS(r->resp[4].status, PLAN_EBUDGET);
  plan__scripted_stats ss;
  plan__scripted_stats_get(llm, &ss);
  ASSERT_EQ(ss.canceled, 1);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

/* A rate limit pauses every dispatch and halves the in-flight cap. */
static void test_rate_limit_pause(void) {
  plan_llm *llm = script("[{\"call\":1,\"error\":\"rate_limit\","
                         "\"retry_after_ms\":500},"
                         " {\"reply\":\"ok\",\"delay_ms\":100}]");
  plan_scheduler_options o;
  plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
  o.concurrency = 8;
  plan_scheduler *s = sched(llm, &o);
  reqset *r = reqs(16, "x%d");
  uint64_t t0 = sim_now;
  ASSERT_OK(run(s, r));
  for (int i = 0; i < 16; i++)
    ASSERT_OK(r->resp[i].status);
  /* Calls 2..8 ran at t=0..100 ms; then the pause to 500 ms, then 9 more
   * at a cap of 4 that grows back by one per success. */
  uint64_t wall = sim_now - t0;
  ASSERT(wall >= 700 * MS);
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  ASSERT_EQ(st.rate_limited, 1);
  ASSERT_EQ(st.attempts, 17);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

/* A reply whose rate-limit headers say a budget is used up pauses new
 * dispatches until it is restored: no 429 is needed. One call at a time:
 * call 1 (100 ms) says "nothing left for 400 ms", so call 2 starts at 500
 * ms, not 100 ms; the wait is capped like a server wait. */
static void test_ratelimit_headers_throttle(void) {
  plan_llm *llm = script("[{\"call\":1,\"reply\":\"a\",\"delay_ms\":100,"
                         "\"ratelimit_wait_ms\":400},"
                         " {\"reply\":\"b\",\"delay_ms\":100}]");
  plan_scheduler_options o;
  plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
  o.concurrency = 1;
  plan_scheduler *s = sched(llm, &o);
  reqset *r = reqs(2, "y%d");
  uint64_t t0 = sim_now;
  ASSERT_OK(run(s, r));
  ASSERT_OK(r->resp[0].status);
  ASSERT_OK(r->resp[1].status);
  ASSERT_EQ(r->resp[0].ratelimit_wait_ms, 400);
  ASSERT_EQ(sim_now - t0, 600 * MS);
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  ASSERT_EQ(st.throttled, 1);
  ASSERT_EQ(st.rate_limited, 0);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);

  /* Beyond max_retry_after_ms the pause is the cap. */
  llm = script("[{\"call\":1,\"reply\":\"a\",\"delay_ms\":100,"
               "\"ratelimit_wait_ms\":99999999},"
               " {\"reply\":\"b\",\"delay_ms\":100}]");
  plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
  o.concurrency = 1;
  o.max_retry_after_ms = 1000;
  s = sched(llm, &o);
  r = reqs(2, "z%d");
  t0 = sim_now;
  ASSERT_OK(run(s, r));
  ASSERT_EQ(sim_now - t0, 1200 * MS);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_truncated_and_logprobs(void) {
  plan_llm *llm = script(
      "[{\"match\":\"long\",\"reply\":\"{\\\"a\\\": [1, 2\",\"finish\":"
      "\"length\"},"
      " {\"reply\":\"sure\",\"logprobs\":[{\"token\":\"sure\",\"logprob\":-0.1,"
      "\"top\":[{\"token\":\"sure\",\"logprob\":-0.1},{\"token\":\"likely\","
      "\"logprob\":-2.5}]}]}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(2, "x%d");
  snprintf(r->text[0], sizeof r->text[0], "a long one");
  ASSERT_OK(run(s, r));
  ASSERT_OK(r->resp[0].status);
  ASSERT(r->resp[0].choices[0].truncated);
  ASSERT_EQ(r->resp[0].choices[0].finish, PLAN_FINISH_LENGTH);
  ASSERT_EQ(r->resp[1].choices[0].n_logprobs, 1);
  ASSERT_STR_EQ(r->resp[1].choices[0].logprobs[0].top[1].token, "likely");
  ASSERT_NEAR(r->resp[1].choices[0].logprobs[0].top[1].logprob, -2.5, 1e-12);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_invalid_requests(void) {
  plan_llm *llm = script("[{\"reply\":\"ok\"}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(4, "x%d");
  r->req[0].n_messages = 0;
  r->req[1].temperature = 3.0;
  r->req[2].version = 99;
  ASSERT_OK(run(s, r));
  ASSERT_STATUS(r->resp[0].status, PLAN_EINVAL);
  ASSERT_CONTAINS(r->resp[0].error, "request 0: no messages");
  ASSERT_CONTAINS(r->resp[1].error, "temperature");
  ASSERT_CONTAINS(r->resp[2].error, "plan_llm_request_init");
  ASSERT_OK(r->resp[3].status);
  ASSERT_EQ(calls_of(llm), 1);
  reqs_free(r);
  ASSERT_STATUS(plan_scheduler_run(NULL, NULL, 0, NULL), PLAN_EMISUSE);
  ASSERT_STATUS(plan_scheduler_run(s, NULL, 3, NULL), PLAN_EMISUSE);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
  plan_scheduler *bad = NULL;
  ASSERT_STATUS(plan_scheduler_create(NULL, NULL, &bad, NULL), PLAN_EMISUSE);
  ASSERT(bad == NULL);
  plan_scheduler_destroy(NULL);
}

/* A blocking custom backend (complete() only) runs one request at a time;
 * a backend without n support gets n single-choice requests. */
static int blocking_calls;
static plan_status blocking_complete(void *self, const plan_llm_request *req,
                                     plan_llm_response *resp) {
  (void)self;
  blocking_calls++;
  ASSERT_EQ(req->n, 1);
  char text[64];
  snprintf(text, sizeof text, "b%d/%u", blocking_calls, req->sample_index);
  resp->status = PLAN_OK;
  return plan_llm_response_add_choice(resp, text, strlen(text),
                                      PLAN_FINISH_STOP);
}
static void blocking_destroy(void *self) {
  (void)self;
}
static const plan_llm_vtbl blocking_vtbl = {
    PLAN_LLM_ABI_VERSION, "blocking", 0, NULL, NULL, blocking_complete, NULL,
    blocking_destroy,     NULL};

static void test_blocking_backend(void) {
  plan_llm *llm = NULL;
  ASSERT_OK(plan_llm_custom_create(&blocking_vtbl, NULL, &llm, NULL));
  ASSERT_STR_EQ(plan_llm_name(llm), "blocking");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(3, "x%d");
  r->req[1].n = 3;
  r->req[1].sample_index = 2;
  ASSERT_OK(run(s, r));
  ASSERT_EQ(blocking_calls, 5);
  ASSERT_EQ(r->resp[1].n_choices, 3);
  /* Split samples get sample indices sample*n + i. */
  ASSERT_CONTAINS(r->resp[1].choices[0].text, "/6");
  ASSERT_CONTAINS(r->resp[1].choices[2].text, "/8");
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  ASSERT_EQ(st.max_in_flight, 1);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
  /* Bad vtables are refused. */
  plan_llm_vtbl bad = blocking_vtbl;
  bad.complete = NULL;
  plan_error e;
  ASSERT_STATUS(plan_llm_custom_create(&bad, NULL, &llm, &e), PLAN_EINVAL);
  bad = blocking_vtbl;
  bad.abi_version = 99;
  ASSERT_STATUS(plan_llm_custom_create(&bad, NULL, &llm, &e), PLAN_EINVAL);
  ASSERT_CONTAINS(e.text, "abi_version");
}

static void test_script_errors(void) {
  plan_llm *llm = NULL;
  plan_error e;
  ASSERT_STATUS(plan_llm_scripted_create("[{", NULL, &llm, &e), PLAN_EPARSE);
  ASSERT_STATUS(plan_llm_scripted_create("{}", NULL, &llm, &e), PLAN_EPARSE);
  ASSERT_CONTAINS(e.text, "expected an array");
  ASSERT_STATUS(plan_llm_scripted_create("[{\"match\":\"(\",\"reply\":\"x\"}]",
                                         NULL, &llm, &e),
                PLAN_EPARSE);
  ASSERT_CONTAINS(e.text, "script[0].match");
  ASSERT_STATUS(
      plan_llm_scripted_create("[{\"reply\":\"x\"},{\"error\":\"bogus\"}]",
                               NULL, &llm, &e),
      PLAN_EPARSE);
  ASSERT_CONTAINS(e.text, "script[1].error: unknown fault 'bogus'");
  ASSERT_STATUS(
      plan_llm_scripted_create("[{\"replly\":\"x\"}]", NULL, &llm, &e),
      PLAN_EPARSE);
  ASSERT_CONTAINS(e.text, "unknown field");
  ASSERT_STATUS(plan_llm_scripted_create("[{\"call\":0,\"reply\":\"x\"}]", NULL,
                                         &llm, &e),
                PLAN_EPARSE);
  ASSERT(llm == NULL);
  /* No rule matching is a clear, non-retried error. */
  llm = script("[{\"match\":\"^only$\",\"reply\":\"x\"}]");
  plan_scheduler *s = sched(llm, NULL);
  reqset *r = reqs(1, "other%d");
  ASSERT_OK(run(s, r));
  ASSERT_STATUS(r->resp[0].status, PLAN_EBACKEND);
  ASSERT_CONTAINS(r->resp[0].error, "no rule matches");
  ASSERT_EQ(r->resp[0].attempts, 1);
  reqs_free(r);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

/* Allocation failure at every point of a small batch: each run ends with
 * ENOMEM somewhere (the return value or a response) and leaks nothing
 * (ASan's leak check runs at exit). */
static size_t oom_count, oom_fail_at;
static void *oom_malloc(void *ud, size_t n) {
  (void)ud;
  return ++oom_count == oom_fail_at ? NULL : malloc(n ? n : 1);
}
static void *oom_realloc(void *ud, void *p, size_t n) {
  (void)ud;
  return ++oom_count == oom_fail_at ? NULL : realloc(p, n ? n : 1);
}
static void oom_free(void *ud, void *p) {
  (void)ud;
  free(p);
}

static void test_oom(void) {
  plan_llm *llm = script("[{\"call\":2,\"error\":\"http_503\"},"
                         "{\"reply\":\"r\",\"choices\":1}]");
  plan_global_cleanup();
  plan_allocator a = {oom_malloc, oom_realloc, oom_free, NULL};
  ASSERT_OK(plan_global_init(&a));
  bool succeeded = false;
  for (oom_fail_at = 1; oom_fail_at < 2000 && !succeeded; oom_fail_at++) {
    oom_count = 0;
    plan_scheduler_options o;
    plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
    o.clock = &sim_clock;
    plan_scheduler *s = NULL;
    if (plan_scheduler_create(llm, &o, &s, NULL) != PLAN_OK)
      continue;
    reqset *r = reqs(3, "x%d");
    r->req[2].n = 2;
    plan_status st = run(s, r);
    bool all_ok = st == PLAN_OK;
    for (int i = 0; i < 3; i++)
      all_ok = all_ok && r->resp[i].status == PLAN_OK &&
               r->resp[i].n_choices == (i == 2 ? 2u : 1u);
    succeeded = all_ok;
    reqs_free(r);
    plan_scheduler_destroy(s);
  }
  ASSERT(succeeded);
  plan_global_cleanup();
  ASSERT_OK(plan_global_init(NULL));
  plan_llm_destroy(llm);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_basic_batch);
  RUN(test_concurrency);
  RUN(test_retry_backoff);
  RUN(test_retry_after);
  RUN(test_retry_after_over_cap);
  RUN(test_never_retry);
  RUN(test_max_attempts);
  RUN(test_every_fault_at_call_n);
  RUN(test_coalesce);
  RUN(test_fill_ignored_n);
  RUN(test_n_honoured);
  RUN(test_budget_calls);
  RUN(test_budget_tokens);
  RUN(test_budget_wall);
  RUN(test_rate_limit_pause);
  RUN(test_ratelimit_headers_throttle);
  RUN(test_truncated_and_logprobs);
  RUN(test_invalid_requests);
  RUN(test_blocking_backend);
  RUN(test_script_errors);
  RUN(test_oom);
  TEST_END();
}
