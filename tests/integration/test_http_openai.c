/* tests/integration/test_http_openai.c: the OpenAI-compatible HTTP backend
 * (llm/http_openai.c over llm/http.c) over real loopback sockets against
 * the mockllm test double. The backend is driven directly through its
 * vtable with a small local loop (start tickets, drive until done), without
 * the scheduler, so every test sees exactly one attempt per request and
 * its classification. Every test also checks that the API key appears in
 * no message. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "llm/http.h"
#include "mockllm_proc.h"
#include "test.h"

#define KEY "sk-test-DO-NOT-LEAK-7f3a9c"
#define MODEL "mock-model"

#include "http_harness.h"

static plan_llm *make_llm(const char *base_url, long timeout_ms,
                          size_t max_bytes) {
  plan_llm_options o;
  plan_llm_options_init(&o, PLAN_LLM_OPTIONS_VERSION);
  o.base_url = base_url;
  o.api_key = KEY;
  o.model = MODEL;
  o.timeout_ms = timeout_ms;
  o.connect_timeout_ms = 2000;
  o.max_response_bytes = max_bytes;
  plan_llm *llm = NULL;
  plan_error err;
  ASSERT_OK(plan_llm_openai_create(&o, &llm, &err));
  ASSERT(llm);
  assert_no_key(plan__http_describe(plan_llm_self(llm)));
  return llm;
}

/* One request with default fields (plus the given options) against a
 * canned reply; the response goes to out. */
static void ask_canned(canned *c, const char *reply, size_t max_bytes,
                       const plan_llm_request *base, plan_llm_response *out) {
  canned_start(c, reply);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", c->port);
  plan_llm *llm = make_llm(url, 5000, max_bytes);
  ask(llm, "canned", base, out);
  plan_llm_destroy(llm);
  canned_finish(c);
}

/* ======================================================================
 * Create, options, describe, helpers
 * ====================================================================== */

static void expect_create_fails(const plan_llm_options *o, const char *what) {
  plan_llm *llm = (plan_llm *)1;
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_STATUS(plan_llm_openai_create(o, &llm, &err), PLAN_EINVAL);
  ASSERT(llm == NULL);
  ASSERT_EQ(err.code, PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, what);
  assert_no_key(err.text);
}

static void test_create_options(void) {
  plan_llm_options o;
  plan_llm_options_init(&o, PLAN_LLM_OPTIONS_VERSION);
  o.api_key = KEY;
  o.version = 99;
  expect_create_fails(&o, "options.version");
  o.version = PLAN_LLM_OPTIONS_VERSION;
  o.base_url = "ftp://example.com/v1";
  expect_create_fails(&o, "http:// or https://");
  o.base_url = "http://127.0.0.1:1/v1?api-version=1";
  expect_create_fails(&o, "query");
  o.base_url = "http://";
  expect_create_fails(&o, "base_url");
  o.base_url = "http://127.0.0.1:1/v1";
  o.max_response_bytes = 10;
  expect_create_fails(&o, "max_response_bytes");
  o.max_response_bytes = 0;
  o.timeout_ms = -1;
  expect_create_fails(&o, "timeouts");
  o.timeout_ms = 0;
  o.api_key = "sk-with\r\nX-Injected: 1";
  expect_create_fails(&o, "api_key");
  o.api_key = KEY;
  ASSERT_STATUS(plan_llm_openai_create(&o, NULL, NULL), PLAN_EMISUSE);

  /* Defaults: the public endpoint, described without the key. */
  plan_llm *llm = NULL;
  ASSERT_OK(plan_llm_openai_create(NULL, &llm, NULL));
  ASSERT_STR_EQ(plan_llm_name(llm), "openai");
  ASSERT_STR_EQ(plan_llm_vtable(llm)->describe(plan_llm_self(llm)),
                "openai https://api.openai.com/v1 model=(request)");
  ASSERT(plan_llm_vtable(llm)->caps & PLAN_LLM_CAP_N);
  plan_llm_destroy(llm);

  /* A trailing slash is dropped; userinfo never reaches describe. */
  o.base_url = "http://user:pw@127.0.0.1:1234/v1/";
  o.model = "m1";
  ASSERT_OK(plan_llm_openai_create(&o, &llm, NULL));
  const char *d = plan_llm_vtable(llm)->describe(plan_llm_self(llm));
  ASSERT_STR_EQ(d, "openai http://127.0.0.1:1234/v1 model=m1");
  assert_no_key(d);
  plan_llm_destroy(llm);
  plan_llm_destroy(NULL);
}

static void test_retry_after_parse(void) {
  ASSERT_EQ(plan__http_retry_after("1500", NULL, 0), 1500);
  ASSERT_EQ(plan__http_retry_after("12.2", "9", 0), 13); /* ms wins */
  ASSERT_EQ(plan__http_retry_after(NULL, "2", 0), 2000);
  ASSERT_EQ(plan__http_retry_after(NULL, "0.25", 0), 250);
  ASSERT_EQ(plan__http_retry_after("-5", NULL, 0), 0);
  ASSERT_EQ(plan__http_retry_after("junk", "3", 0), 3000);
  ASSERT_EQ(plan__http_retry_after(NULL, "soon", 0), -1);
  ASSERT_EQ(plan__http_retry_after(NULL, NULL, 0), -1);
  ASSERT_EQ(plan__http_retry_after("", "", 0), -1);
  ASSERT_EQ(plan__http_retry_after(NULL, "nan", 0), -1);
  /* HTTP dates are made relative to now (seconds since the epoch). */
  const int64_t t = 1445412480; /* Wed, 21 Oct 2015 07:28:00 GMT */
  ASSERT_EQ(
      plan__http_retry_after(NULL, "Wed, 21 Oct 2015 07:28:00 GMT", t - 30),
      30000);
  ASSERT_EQ(
      plan__http_retry_after(NULL, "Wed, 21 Oct 2015 07:28:00 GMT", t + 30), 0);
}

/* The rate-limit headers: durations, RFC 3339 times, and the wait until
 * every used-up budget is restored. */
static void test_ratelimit_parse(void) {
  ASSERT_EQ(plan__http_duration_ms("1s"), 1000);
  ASSERT_EQ(plan__http_duration_ms("6m0s"), 360000);
  ASSERT_EQ(plan__http_duration_ms("20ms"), 20);
  ASSERT_EQ(plan__http_duration_ms("1h2m3.5s"), 3723500);
  ASSERT_EQ(plan__http_duration_ms("0.25s"), 250);
  ASSERT_EQ(plan__http_duration_ms("12.1ms"), 13);
  ASSERT_EQ(plan__http_duration_ms(""), -1);
  ASSERT_EQ(plan__http_duration_ms("soon"), -1);
  ASSERT_EQ(plan__http_duration_ms("5"), -1);
  ASSERT_EQ(plan__http_duration_ms("-1s"), -1);
  ASSERT_EQ(plan__http_duration_ms("1x"), -1);
  ASSERT_EQ(plan__http_duration_ms(NULL), -1);
  /* 2015-10-21T07:28:00Z is 1445412480 s after the epoch. */
  ASSERT_EQ(plan__http_rfc3339_ms("2015-10-21T07:28:00Z"), 1445412480000LL);
  ASSERT_EQ(plan__http_rfc3339_ms("2015-10-21T07:28:00.250Z"), 1445412480250LL);
  ASSERT_EQ(plan__http_rfc3339_ms("2015-10-21T09:28:00+02:00"),
            1445412480000LL);
  ASSERT_EQ(plan__http_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  ASSERT_EQ(plan__http_rfc3339_ms("2024-02-29T00:00:00Z"), 1709164800000LL);
  ASSERT_EQ(plan__http_rfc3339_ms("2015-10-21 07:28:00"), -1); /* no zone */
  ASSERT_EQ(plan__http_rfc3339_ms("2015-13-21T07:28:00Z"), -1);
  ASSERT_EQ(plan__http_rfc3339_ms("yesterday"), -1);
  ASSERT_EQ(plan__http_rfc3339_ms(NULL), -1);

  plan__http_ratelimit rl;
  memset(&rl, 0, sizeof rl);
#define HDR(n, v) plan__http_ratelimit_header(&rl, n, strlen(n), v, strlen(v))
  ASSERT(HDR("X-RateLimit-Remaining-Requests", "3"));
  ASSERT(HDR("x-ratelimit-reset-requests", "1s"));
  ASSERT(!HDR("x-request-id", "abc"));
  ASSERT_EQ(plan__http_ratelimit_wait(&rl, 0), -1); /* 3 left */
  ASSERT(HDR("x-ratelimit-remaining-tokens", "0"));
  ASSERT(HDR("x-ratelimit-reset-tokens", "6m0s"));
  ASSERT_EQ(plan__http_ratelimit_wait(&rl, 0), 360000);
  ASSERT(HDR("x-ratelimit-remaining-requests", "0"));
  ASSERT_EQ(plan__http_ratelimit_wait(&rl, 0), 360000); /* the longest */
  memset(&rl, 0, sizeof rl);
  ASSERT(HDR("anthropic-ratelimit-requests-remaining", "0"));
  ASSERT(HDR("anthropic-ratelimit-requests-reset", "2015-10-21T07:28:00Z"));
  ASSERT_EQ(plan__http_ratelimit_wait(&rl, 1445412480000LL - 1500), 1500);
  ASSERT_EQ(plan__http_ratelimit_wait(&rl, 1445412480000LL + 1500), 0);
  memset(&rl, 0, sizeof rl);
  ASSERT(HDR("anthropic-ratelimit-output-tokens-remaining", "0"));
  ASSERT(HDR("anthropic-ratelimit-output-tokens-reset", "never"));
  ASSERT_EQ(plan__http_ratelimit_wait(&rl, 0), -1); /* unreadable reset */
#undef HDR
}

static void test_start_errors(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  const plan_llm_vtbl *vt = plan_llm_vtable(llm);
  plan_llm_ticket t;
  plan__llm_ticket_init(&t, NULL, NULL);
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  ASSERT_STATUS(vt->start(plan_llm_self(llm), &req, &t), PLAN_EINVAL);
  ASSERT_CONTAINS(plan_llm_errmsg(llm), "openai: ");
  ASSERT_CONTAINS(plan_llm_errmsg(llm), "no messages");
  plan_message m = msg_user("hi");
  req.messages = &m;
  req.n_messages = 1;
  req.json_schema = "{not json";
  ASSERT_STATUS(vt->start(plan_llm_self(llm), &req, &t), PLAN_EINVAL);
  ASSERT_CONTAINS(plan_llm_errmsg(llm), "json_schema");
  req.json_schema = "{\"type\":\"object\"}";
  req.json_schema_name = "bad name!";
  ASSERT_STATUS(vt->start(plan_llm_self(llm), &req, &t), PLAN_EINVAL);
  ASSERT_CONTAINS(plan_llm_errmsg(llm), "json_schema_name");
  ASSERT(!t.done);
  plan__http_stats st;
  plan__http_stats_get(plan_llm_self(llm), &st);
  ASSERT_EQ(st.in_flight, 0);
  assert_no_key(plan_llm_errmsg(llm));
  plan_llm_destroy(llm);
}

/* ======================================================================
 * Successful replies
 * ====================================================================== */

static void test_success(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  plan_message msgs[3] = {{"system", "You are terse."},
                          {"user", "first question"},
                          {"user", "hello there world"}};
  req.messages = msgs;
  req.n_messages = 3;
  req.temperature = 0.7;
  req.top_p = 0.9;
  req.has_seed = true;
  req.seed = 42;
  const char *stop[] = {"NEVER"};
  req.stop = stop;
  req.n_stop = 1;
  plan_llm_response r;
  run_batch(llm, &req, 1, &r, 10000);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_EQ(r.http_status, 200);
  ASSERT(r.error == NULL);
  ASSERT_EQ(r.n_choices, 1);
  ASSERT_STR_EQ(r.choices[0].text, "echo: hello there world");
  ASSERT_EQ(r.choices[0].text_len, strlen("echo: hello there world"));
  ASSERT_EQ(r.choices[0].finish, PLAN_FINISH_STOP);
  ASSERT(!r.choices[0].truncated);
  ASSERT(r.choices[0].logprobs == NULL);
  /* The double counts words: 3 + 2 + 3 in, 4 out. */
  ASSERT_EQ(r.prompt_tokens, 8);
  ASSERT_EQ(r.completion_tokens, 4);
  ASSERT_STR_EQ(r.model, MODEL);
  ASSERT(r.request_id && strncmp(r.request_id, "req-mock-", 9) == 0);
  ASSERT_EQ(r.retry_after_ms, -1);
  ASSERT_EQ(r.should_retry, -1);
  ASSERT_EQ(r.attempts, 1);
  ASSERT(r.latency_ms > 0);
  plan_llm_response_clear(&r);

  /* The request's model wins over the default. */
  req.model = "other-model";
  run_batch(llm, &req, 1, &r, 10000);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_STR_EQ(r.model, "other-model");
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_n_choices(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.n = 3;
  plan_llm_response r;
  ask(llm, "pick one", &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_EQ(r.n_choices, 3);
  ASSERT_STR_EQ(r.choices[0].text, "echo: pick one #0");
  ASSERT_STR_EQ(r.choices[1].text, "echo: pick one #1");
  ASSERT_STR_EQ(r.choices[2].text, "echo: pick one #2");
  plan_llm_response_clear(&r);

  /* A server that ignores n answers with one choice; reported as is. */
  ask(llm, "pick one [[fault:ignore_n]]", &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_EQ(r.n_choices, 1);
  ASSERT_STR_EQ(r.choices[0].text, "echo: pick one");
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_logprobs(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.logprobs = true;
  req.top_logprobs = 3;
  plan_llm_response r;
  ask(llm, "alpha beta", &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_EQ(r.n_choices, 1);
  const plan_llm_choice *c = &r.choices[0];
  ASSERT_STR_EQ(c->text, "echo: alpha beta");
  ASSERT_EQ(c->n_logprobs, 3);
  char joined[64] = "";
  for (size_t i = 0; i < c->n_logprobs; i++) {
    const plan_token_logprob *lp = &c->logprobs[i];
    ASSERT(lp->logprob < 0 && lp->logprob >= -1.0);
    ASSERT_EQ(lp->n_top, 3);
    ASSERT_STR_EQ(lp->top[0].token, lp->token);
    ASSERT_NEAR(lp->top[0].logprob, lp->logprob, 1e-9);
    ASSERT(lp->top[1].logprob < lp->top[0].logprob + 1e-12);
    ASSERT(strlen(joined) + strlen(lp->token) < sizeof joined);
    memcpy(joined + strlen(joined), lp->token, strlen(lp->token) + 1);
  }
  ASSERT_STR_EQ(joined, c->text);
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_truncation_and_schema(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.max_tokens = 3;
  plan_llm_response r;
  ask(llm, "one two three four five", &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_STR_EQ(r.choices[0].text, "echo: one two");
  ASSERT_EQ(r.choices[0].finish, PLAN_FINISH_LENGTH);
  ASSERT(r.choices[0].truncated);
  plan_llm_response_clear(&r);

  /* The length fault: cut in half with finish_reason "length". */
  ask(llm, "a b c d e f g [[fault:length]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT(r.choices[0].truncated);
  ASSERT(r.choices[0].text_len < strlen("echo: a b c d e f g"));
  plan_llm_response_clear(&r);

  /* Structured output goes out as response_format json_schema. */
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.json_schema = "{\"type\":\"object\",\"properties\":{\"echo\":"
                    "{\"type\":\"string\"}},\"required\":[\"echo\"]}";
  req.json_schema_name = "echo_reply";
  ask(llm, "as json", &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  json_t *j = json_loads(r.choices[0].text, 0, NULL);
  ASSERT(json_is_object(j));
  ASSERT_STR_EQ(json_string_value(json_object_get(j, "echo")), "as json");
  json_decref(j);
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

/* ======================================================================
 * Faults
 * ====================================================================== */

static void test_rate_limits(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  plan_llm_response r;
  ask(llm, "x [[fault:429,retry_after=2]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.http_status, 429);
  ASSERT_EQ(r.retry_after_ms, 2000);
  ASSERT_EQ(r.should_retry, -1);
  ASSERT_EQ(r.n_choices, 0);
  ASSERT_CONTAINS(r.error, "openai: HTTP 429: Rate limit reached");
  ASSERT(r.request_id != NULL);
  plan_llm_response_clear(&r);

  ask(llm, "x [[fault:429,retry_after_ms=50,retry_after=7]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.retry_after_ms, 50);
  plan_llm_response_clear(&r);

  ask(llm, "x [[fault:429]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.retry_after_ms, -1);
  plan_llm_response_clear(&r);

  /* Out of quota: waiting never helps. */
  ask(llm, "x [[fault:429quota]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.should_retry, 0);
  ASSERT_CONTAINS(r.error, "exceeded your current quota");
  plan_llm_response_clear(&r);

  ask(llm, "x [[fault:529]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.http_status, 529);
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_http_errors(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  static const struct {
    const char *prompt;
    int status;
    const char *msg;
  } cases[] = {
      {"x [[fault:500]]", 500,
       "openai: HTTP 500: Internal server error (mockllm injected fault "
       "500)."},
      {"x [[fault:503,retry_after=1]]", 503,
       "openai: HTTP 503: Service unavailable (mockllm injected fault "
       "503)."},
      {"x [[fault:400]]", 400,
       "openai: HTTP 400: Bad request (mockllm injected fault 400)."},
      {"x [[fault:401]]", 401,
       "openai: HTTP 401: Incorrect API key (mockllm injected fault 401)."},
  };
  for (size_t i = 0; i < PLAN_ARRAY_LEN(cases); i++) {
    plan_llm_response r;
    ask(llm, cases[i].prompt, NULL, &r);
    ASSERT_STATUS(r.status, PLAN_EHTTP);
    ASSERT_EQ(r.http_status, cases[i].status);
    ASSERT_STR_EQ(r.error, cases[i].msg);
    ASSERT_EQ(r.n_choices, 0);
    ASSERT_EQ(r.retry_after_ms, cases[i].status == 503 ? 1000 : -1);
    ASSERT_STR_EQ(plan_llm_errmsg(llm), cases[i].msg);
    plan_llm_response_clear(&r);
  }
  plan_llm_destroy(llm);
}

static void test_bad_bodies(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  plan_llm_response r;
  ask(llm, "x [[fault:invalid_json]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EPARSE);
  ASSERT_EQ(r.http_status, 200);
  ASSERT_CONTAINS(r.error, "openai: invalid JSON in HTTP 200 reply at byte ");
  ASSERT_EQ(r.n_choices, 0);
  plan_llm_response_clear(&r);

  ask(llm, "x [[fault:empty_choices]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EBACKEND);
  ASSERT_EQ(r.http_status, 200);
  ASSERT_STR_EQ(r.error, "openai: empty choices");
  plan_llm_response_clear(&r);

  /* Content-Length promises more than arrives. */
  ask(llm, "x [[fault:truncated]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.http_status, 200);
  ASSERT_CONTAINS(r.error, "openai: 127.0.0.1:");
  ASSERT_CONTAINS(r.error, "(curl error ");
  plan_llm_response_clear(&r);

  /* The connection closes without any response. */
  ask(llm, "x [[fault:reset]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.http_status, 0);
  ASSERT_CONTAINS(r.error, "openai: 127.0.0.1:");
  plan_llm_response_clear(&r);

  /* The backend still works after each of those. */
  ask(llm, "fine", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_STR_EQ(r.choices[0].text, "echo: fine");
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_oversized(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 4096);
  plan_llm_response r;
  ask(llm, "x [[fault:oversized]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EBUDGET);
  ASSERT_EQ(r.should_retry, 0);
  ASSERT_CONTAINS(r.error, "max_response_bytes (4096)");
  plan_llm_response_clear(&r);
  /* A normal reply still fits. */
  ask(llm, "small", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_timeout(void) {
  plan_llm *llm = make_llm(mock.base_url, 300, 0);
  plan_llm_response r;
  double ms = ask(llm, "x [[fault:stall,stall_ms=5000]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ETIMEOUT);
  ASSERT_EQ(r.http_status, 0);
  ASSERT_CONTAINS(r.error, "openai: 127.0.0.1:");
  ASSERT_CONTAINS(r.error, "timed out");
  ASSERT(ms >= 250 && ms < test_timeout_ms(2500));
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_refused(void) {
  char url[64];
  int port = dead_port();
  snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", port);
  plan_llm *llm = make_llm(url, 5000, 0);
  plan_llm_response r;
  ask(llm, "anyone?", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.http_status, 0);
  char where[40];
  snprintf(where, sizeof where, "openai: 127.0.0.1:%d: ", port);
  ASSERT_CONTAINS(r.error, where);
  ASSERT_CONTAINS(r.error, "(curl error 7)");
  ASSERT_EQ(r.n_choices, 0);
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

/* ======================================================================
 * The exact wire format and the rarer reply shapes (canned server)
 * ====================================================================== */

#define OK_HEAD                                                                \
  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"                      \
  "Connection: close\r\n"

static void test_wire_request(void) {
  canned c;
  plan_llm_response r;
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.temperature = 0.7;
  req.top_p = 0.95;
  req.max_tokens = 64;
  req.n = 2;
  req.has_seed = true;
  req.seed = -3;
  req.logprobs = true;
  req.top_logprobs = 2;
  const char *stop[] = {"END", "\n\n"};
  req.stop = stop;
  req.n_stop = 2;
  req.json_schema = "{\"type\":\"object\"}";
  ask_canned(&c,
             OK_HEAD "\r\n"
                     "{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}      ",
             0, &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  plan_llm_response_clear(&r);
  ASSERT(strncmp(c.request, "POST /v1/chat/completions HTTP/1.1\r\n", 36) == 0);
  ASSERT_CONTAINS(c.request, "\r\nAuthorization: Bearer " KEY "\r\n");
  ASSERT_CONTAINS(c.request, "\r\nContent-Type: application/json\r\n");
  ASSERT(!strstr(c.request, "Expect:"));
  ASSERT_STR_EQ(canned_body(&c),
                "{\"model\":\"" MODEL "\",\"messages\":[{\"role\":\"user\","
                "\"content\":\"canned\"}],\"temperature\":0.7,"
                "\"top_p\":0.95,\"n\":2,\"max_tokens\":64,"
                "\"stop\":[\"END\",\"\\n\\n\"],\"seed\":-3,\"logprobs\":true,"
                "\"top_logprobs\":2,\"response_format\":{\"type\":"
                "\"json_schema\",\"json_schema\":{\"name\":\"response\","
                "\"schema\":{\"type\":\"object\"},\"strict\":true}}}");

  /* Defaults: temperature and top_p still explicit, n and the rest not. */
  ask_canned(&c,
             OK_HEAD "\r\n"
                     "{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}      ",
             0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  plan_llm_response_clear(&r);
  ASSERT_STR_EQ(canned_body(&c),
                "{\"model\":\"" MODEL "\",\"messages\":[{\"role\":\"user\","
                "\"content\":\"canned\"}],\"temperature\":1.0,"
                "\"top_p\":1.0}");
}

static void test_reply_shapes(void) {
  canned c;
  plan_llm_response r;
  /* Choices out of index order, null content, content as text parts, no
   * usage and no model, and no Content-Length (read until close). */
  ask_canned(&c,
             OK_HEAD
             "\r\n"
             "{\"choices\":["
             "{\"index\":2,\"message\":{\"content\":[{\"type\":\"text\","
             "\"text\":\"two \"},{\"type\":\"text\",\"text\":\"parts\"}]},"
             "\"finish_reason\":\"content_filter\"},"
             "{\"index\":0,\"message\":{\"content\":\"zero\"},"
             "\"finish_reason\":\"stop\"},"
             "{\"index\":1,\"message\":{\"content\":null,"
             "\"tool_calls\":[]},\"finish_reason\":\"tool_calls\"}]}",
             0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_EQ(r.n_choices, 3);
  ASSERT_STR_EQ(r.choices[0].text, "zero");
  ASSERT_EQ(r.choices[0].finish, PLAN_FINISH_STOP);
  ASSERT_STR_EQ(r.choices[1].text, "");
  ASSERT_EQ(r.choices[1].finish, PLAN_FINISH_TOOL_CALLS);
  ASSERT_STR_EQ(r.choices[2].text, "two parts");
  ASSERT_EQ(r.choices[2].finish, PLAN_FINISH_CONTENT_FILTER);
  ASSERT_EQ(r.prompt_tokens, 0);
  ASSERT(r.model == NULL);
  ASSERT(r.request_id == NULL);
  plan_llm_response_clear(&r);

  /* An error object inside a 200. */
  ask_canned(&c, OK_HEAD "\r\n{\"error\":{\"message\":\"model crashed\"}}", 0,
             NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EBACKEND);
  ASSERT_STR_EQ(r.error, "openai: error object in HTTP 200 reply: model "
                         "crashed");
  plan_llm_response_clear(&r);

  ask_canned(&c, OK_HEAD "\r\n[1,2]", 0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EPARSE);
  ASSERT_STR_EQ(r.error, "openai: HTTP 200 reply is not a JSON object");
  plan_llm_response_clear(&r);

  ask_canned(&c, OK_HEAD "\r\n{\"id\":\"x\"}", 0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EPARSE);
  ASSERT_CONTAINS(r.error, "no \"choices\" array");
  plan_llm_response_clear(&r);

  ask_canned(&c, OK_HEAD "\r\n{\"choices\":[{\"message\":{\"content\":7}}]}", 0,
             NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EPARSE);
  ASSERT_CONTAINS(r.error, "choices[0].message");
  ASSERT_EQ(r.n_choices, 0);
  plan_llm_response_clear(&r);

  ask_canned(&c,
             OK_HEAD "\r\n{\"choices\":[{\"message\":{\"content\":\"a\"},"
                     "\"logprobs\":{\"content\":[{\"token\":\"a\"}]}}]}",
             0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EPARSE);
  ASSERT_CONTAINS(r.error, "choices[0].logprobs.content[0]");
  ASSERT_EQ(r.n_choices, 0);
  plan_llm_response_clear(&r);

  ask_canned(&c, OK_HEAD "\r\n", 0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EPARSE);
  plan_llm_response_clear(&r);
}

static void test_error_shapes(void) {
  canned c;
  plan_llm_response r;
  /* x-should-retry wins; an HTTP date in the past means "now". */
  ask_canned(
      &c,
      "HTTP/1.1 429 Too Many Requests\r\nx-should-retry: true\r\n"
      "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
      "X-Request-Id: req-canned-1\r\nConnection: close\r\n\r\n"
      "{\"error\":{\"message\":\"You exceeded your current quota\","
      "\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}",
      0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.should_retry, 1);
  ASSERT_EQ(r.retry_after_ms, 0);
  ASSERT_STR_EQ(r.request_id, "req-canned-1");
  plan_llm_response_clear(&r);

  ask_canned(&c,
             "HTTP/1.1 500 Internal Server Error\r\nX-Should-Retry: false\r\n"
             "Connection: close\r\n\r\n",
             0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.should_retry, 0);
  ASSERT_STR_EQ(r.error, "openai: HTTP 500: (empty body)");
  plan_llm_response_clear(&r);

  /* A 429 no wait can fix. */
  ask_canned(
      &c,
      "HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\n\r\n"
      "{\"error\":{\"message\":\"Request too large for gpt-4o on tokens "
      "per min (TPM): Limit 30000, Requested 31538.\",\"type\":\"tokens\","
      "\"code\":\"rate_limit_exceeded\"}}",
      0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.should_retry, 0);
  plan_llm_response_clear(&r);

  /* A proxy's HTML page: a bounded excerpt, control characters blanked. */
  char html[1200] = "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
                    "Connection: close\r\n\r\n<html>\n<b>Bad Gateway</b>";
  size_t len = strlen(html);
  memset(html + len, 'z', 600);
  html[len + 600] = '\0';
  ask_canned(&c, html, 0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.http_status, 502);
  ASSERT_CONTAINS(r.error, "openai: HTTP 502: <html> <b>Bad Gateway</b>zzz");
  ASSERT(strlen(r.error) < 260);
  ASSERT(strcmp(r.error + strlen(r.error) - 3, "...") == 0);
  plan_llm_response_clear(&r);

  /* A body that echoes the key right where the excerpt is cut: no part of
   * the key survives. */
  char echo[600] = "HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n";
  len = strlen(echo);
  memset(echo + len, 'k', 190);
  snprintf(echo + len + 190, sizeof echo - len - 190, "%s and more", KEY);
  ask_canned(&c, echo, 0, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT(!strstr(r.error, "sk-test"));
  ASSERT_CONTAINS(r.error, "kkkk[redac");
  plan_llm_response_clear(&r);

  /* Ollama's string error, old vLLM's flat message, FastAPI's detail. */
  ask_canned(&c,
             "HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n"
             "{\"error\":\"model 'x' not found\"}",
             0, NULL, &r);
  ASSERT_STR_EQ(r.error, "openai: HTTP 404: model 'x' not found");
  plan_llm_response_clear(&r);
  ask_canned(&c,
             "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
             "{\"object\":\"error\",\"message\":\"flat message\",\"code\":400}",
             0, NULL, &r);
  ASSERT_STR_EQ(r.error, "openai: HTTP 400: flat message");
  plan_llm_response_clear(&r);
  ask_canned(&c,
             "HTTP/1.1 422 Unprocessable Entity\r\nConnection: close\r\n\r\n"
             "{\"detail\":\"field required\"}",
             0, NULL, &r);
  ASSERT_STR_EQ(r.error, "openai: HTTP 422: field required");
  plan_llm_response_clear(&r);
}

/* A body of unknown length is capped by the write callback. */
static void test_unannounced_oversize(void) {
  static char reply[8192];
  snprintf(reply, sizeof reply,
           OK_HEAD "\r\n{\"choices\":[{\"message\":{\"content\":\"");
  size_t len = strlen(reply);
  memset(reply + len, 'y', sizeof reply - len - 1);
  reply[sizeof reply - 1] = '\0';
  canned c;
  plan_llm_response r;
  ask_canned(&c, reply, 1024, NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EBUDGET);
  ASSERT_EQ(r.http_status, 200);
  ASSERT_EQ(r.should_retry, 0);
  ASSERT_CONTAINS(r.error, "max_response_bytes (1024)");
  plan_llm_response_clear(&r);
}

/* ======================================================================
 * Concurrency, reuse, cancel, the key
 * ====================================================================== */

static void test_concurrent(void) {
  const char *args[] = {"--latency-ms", "200", NULL};
  ASSERT_EQ(mockllm_start(&slow, args), 0);
  plan_llm *llm = make_llm(slow.base_url, 10000, 0);
  enum { N = 64 };
  plan_llm_request reqs[N];
  plan_message msgs[N];
  char texts[N][32];
  for (size_t i = 0; i < N; i++) {
    snprintf(texts[i], sizeof texts[i], "request %zu", i);
    msgs[i] = msg_user(texts[i]);
    plan_llm_request_init(&reqs[i], PLAN_LLM_REQUEST_VERSION);
    reqs[i].messages = &msgs[i];
    reqs[i].n_messages = 1;
  }
  plan_llm_response out[N];
  double ms = run_batch(llm, reqs, N, out, 20000);
  for (size_t i = 0; i < N; i++) {
    ASSERT_STATUS(out[i].status, PLAN_OK);
    char want[48];
    snprintf(want, sizeof want, "echo: request %zu", i);
    ASSERT_STR_EQ(out[i].choices[0].text, want);
    plan_llm_response_clear(&out[i]);
  }
  /* 64 x 200 ms one after the other would take 12.8 s. */
  ASSERT(ms < test_timeout_ms(N * 200 / 4));
  plan__http_stats st;
  plan__http_stats_get(plan_llm_self(llm), &st);
  ASSERT_EQ(st.max_in_flight, N);
  ASSERT_EQ(st.in_flight, 0);
  ASSERT_EQ(st.transfers, N);
  long conc = 0;
  ASSERT_EQ(mockllm_stats(&slow, "max_concurrent", &conc), 0);
  ASSERT(conc >= N / 2);
  plan_llm_destroy(llm);
  mockllm_stop(&slow);
  ASSERT_EQ(slow.exit_status, 0);
}

static void test_reuse(void) {
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  for (int i = 0; i < 20; i++) {
    plan_llm_response r;
    ask(llm, "again", NULL, &r);
    ASSERT_STATUS(r.status, PLAN_OK);
    plan_llm_response_clear(&r);
  }
  plan__http_stats st;
  plan__http_stats_get(plan_llm_self(llm), &st);
  ASSERT_EQ(st.transfers, 20);
  ASSERT(st.connects <= 2);
  ASSERT_EQ(st.pool_size, 1);
  plan_llm_destroy(llm);
}

static void test_cancel_and_destroy(void) {
  plan_llm *llm = make_llm(mock.base_url, 10000, 0);
  const plan_llm_vtbl *vt = plan_llm_vtable(llm);
  void *self = plan_llm_self(llm);
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  plan_message m = msg_user("slow [[fault:stall,stall_ms=3000]]");
  req.messages = &m;
  req.n_messages = 1;
  plan_llm_ticket t[3];
  size_t done = 0;
  for (int i = 0; i < 3; i++) {
    plan__llm_ticket_init(&t[i], count_done, &done);
    ASSERT_OK(vt->start(self, &req, &t[i]));
  }
  for (int i = 0; i < 4; i++)
    ASSERT_OK(vt->drive(self, 20));
  vt->cancel_all(self);
  ASSERT_EQ(done, 0);
  plan__http_stats st;
  plan__http_stats_get(self, &st);
  ASSERT_EQ(st.in_flight, 0);
  ASSERT_OK(vt->drive(self, 10)); /* nothing in flight: returns at once */

  /* The pooled handles serve new requests after a cancel. */
  plan_llm_response r;
  ask(llm, "after cancel", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_STR_EQ(r.choices[0].text, "echo: after cancel");
  plan_llm_response_clear(&r);

  /* Destroy with transfers in flight: no ticket completes, nothing leaks. */
  for (int i = 0; i < 3; i++) {
    plan__llm_ticket_init(&t[i], count_done, &done);
    ASSERT_OK(vt->start(self, &req, &t[i]));
  }
  ASSERT_OK(vt->drive(self, 20));
  plan_llm_destroy(llm);
  ASSERT_EQ(done, 0);
}

static void test_key_never_leaks(void) {
  /* A server that echoes what it was sent: the double quotes an unknown
   * fault kind back in its 400 message. */
  plan_llm *llm = make_llm(mock.base_url, 5000, 0);
  plan_llm_response r;
  ask(llm, "[[fault:" KEY "]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.http_status, 400);
  ASSERT_CONTAINS(r.error, "[redacted]");
  assert_no_key(r.error);
  assert_no_key(plan_llm_errmsg(llm));
  plan_llm_response_clear(&r);
  assert_no_key(plan_llm_vtable(llm)->describe(plan_llm_self(llm)));
  plan_llm_destroy(llm);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  atexit(stop_servers);
  ASSERT_EQ(mockllm_start(&mock, NULL), 0);
  RUN(test_create_options);
  RUN(test_retry_after_parse);
  RUN(test_ratelimit_parse);
  RUN(test_start_errors);
  RUN(test_success);
  RUN(test_n_choices);
  RUN(test_logprobs);
  RUN(test_truncation_and_schema);
  RUN(test_rate_limits);
  RUN(test_http_errors);
  RUN(test_bad_bodies);
  RUN(test_oversized);
  RUN(test_timeout);
  RUN(test_refused);
  RUN(test_wire_request);
  RUN(test_reply_shapes);
  RUN(test_error_shapes);
  RUN(test_unannounced_oversize);
  RUN(test_concurrent);
  RUN(test_reuse);
  RUN(test_cancel_and_destroy);
  RUN(test_key_never_leaks);
  mockllm_stop(&mock);
  ASSERT_EQ(mock.exit_status, 0);
  TEST_END();
}
