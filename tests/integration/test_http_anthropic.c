/* tests/integration/test_http_anthropic.c: the Anthropic Messages backend
 * (llm/http_anthropic.c over llm/http.c) over real loopback sockets against
 * the mockllm test double, which checks requests the way the service does
 * (system messages must be a top-level field, temperature in [0, 1],
 * max_tokens and anthropic-version required). The backend is driven
 * directly through its vtable with a small local loop, one attempt per
 * request, without the scheduler. Every test checks that the API key
 * appears in no message. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "llm/http.h"
#include "mockllm_proc.h"
#include "test.h"

#define KEY "sk-ant-test-DO-NOT-LEAK-51c0de"
#define MODEL "claude-mock"

#include "http_harness.h"

static plan_llm *make_llm(const char *base_url, const char *model,
                          long timeout_ms, size_t max_bytes) {
  plan_llm_options o;
  plan_llm_options_init(&o, PLAN_LLM_OPTIONS_VERSION);
  o.base_url = base_url;
  o.api_key = KEY;
  o.model = model;
  o.timeout_ms = timeout_ms;
  o.connect_timeout_ms = 2000;
  o.max_response_bytes = max_bytes;
  plan_llm *llm = NULL;
  plan_error err;
  ASSERT_OK(plan_llm_anthropic_create(&o, &llm, &err));
  ASSERT(llm);
  assert_no_key(plan__http_describe(plan_llm_self(llm)));
  return llm;
}

/* One request (prompt "canned") against a canned reply. */
static void ask_canned(canned *c, const char *reply,
                       const plan_llm_request *base, plan_llm_response *out) {
  canned_start(c, reply);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", c->port);
  plan_llm *llm = make_llm(url, MODEL, 5000, 0);
  ask(llm, "canned", base, out);
  plan_llm_destroy(llm);
  canned_finish(c);
}

#define OK_HEAD                                                                \
  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"                      \
  "request-id: req_canned\r\nConnection: close\r\n\r\n"

/* ======================================================================
 * Create, options, request checks
 * ====================================================================== */

static void test_create_options(void) {
  plan_llm_options o;
  plan_llm_options_init(&o, PLAN_LLM_OPTIONS_VERSION);
  o.api_key = KEY;
  o.anthropic_version = "2023-06-01\r\nX-Injected: 1";
  plan_llm *llm = (plan_llm *)1;
  plan_error err;
  ASSERT_STATUS(plan_llm_anthropic_create(&o, &llm, &err), PLAN_EINVAL);
  ASSERT(llm == NULL);
  ASSERT_CONTAINS(err.text, "anthropic: anthropic_version");
  o.anthropic_version = NULL;
  o.base_url = "file:///etc/passwd";
  ASSERT_STATUS(plan_llm_anthropic_create(&o, &llm, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "anthropic: base_url must start with http://");
  assert_no_key(err.text);

  ASSERT_OK(plan_llm_anthropic_create(NULL, &llm, NULL));
  ASSERT_STR_EQ(plan_llm_name(llm), "anthropic");
  ASSERT_STR_EQ(plan_llm_vtable(llm)->describe(plan_llm_self(llm)),
                "anthropic https://api.anthropic.com/v1 model=(request)");
  /* No n: the scheduler fans k samples out as k requests. */
  ASSERT_EQ(plan_llm_vtable(llm)->caps & PLAN_LLM_CAP_N, 0);
  plan_llm_destroy(llm);

  llm = make_llm(mock.base_url, MODEL, 5000, 0);
  char want[96];
  snprintf(want, sizeof want, "anthropic http://127.0.0.1:%d/v1 model=%s",
           mock.port, MODEL);
  ASSERT_STR_EQ(plan_llm_vtable(llm)->describe(plan_llm_self(llm)), want);
  plan_llm_destroy(llm);
}

static void test_start_errors(void) {
  plan_llm *llm = make_llm(mock.base_url, NULL, 5000, 0);
  const plan_llm_vtbl *vt = plan_llm_vtable(llm);
  plan_llm_ticket t;
  plan__llm_ticket_init(&t, NULL, NULL);
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  plan_message m = msg_user("hi");
  req.messages = &m;
  req.n_messages = 1;
  /* The Messages API requires a model. */
  ASSERT_STATUS(vt->start(plan_llm_self(llm), &req, &t), PLAN_EINVAL);
  ASSERT_CONTAINS(plan_llm_errmsg(llm), "anthropic: no model");
  req.model = MODEL;
  plan_message sys = {"system", "only a system prompt"};
  req.messages = &sys;
  ASSERT_STATUS(vt->start(plan_llm_self(llm), &req, &t), PLAN_EINVAL);
  ASSERT_CONTAINS(plan_llm_errmsg(llm), "no user or assistant message");
  req.messages = &m;
  req.json_schema = "[1,2]";
  ASSERT_STATUS(vt->start(plan_llm_self(llm), &req, &t), PLAN_EINVAL);
  ASSERT_CONTAINS(plan_llm_errmsg(llm), "json_schema");
  ASSERT(!t.done);
  plan_llm_destroy(llm);
}

/* ======================================================================
 * Successful replies
 * ====================================================================== */

static void test_success(void) {
  plan_llm *llm = make_llm(mock.base_url, MODEL, 5000, 0);
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  /* System messages become the top-level "system" field (the double
   * rejects them in messages) and temperature 1.5 is clamped to 1 (the
   * double rejects more). */
  plan_message msgs[4] = {{"system", "Be terse."},
                          {"user", "first question"},
                          {"assistant", "first answer"},
                          {"user", "hello there world"}};
  req.messages = msgs;
  req.n_messages = 4;
  req.temperature = 1.5;
  req.has_seed = true; /* not sent: the API has no seed */
  req.seed = 7;
  req.logprobs = true; /* not sent either */
  req.top_logprobs = 5;
  plan_llm_response r;
  run_batch(llm, &req, 1, &r, 10000);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_EQ(r.http_status, 200);
  ASSERT(r.error == NULL);
  ASSERT_EQ(r.n_choices, 1);
  ASSERT_STR_EQ(r.choices[0].text, "echo: hello there world");
  ASSERT_EQ(r.choices[0].finish, PLAN_FINISH_STOP);
  ASSERT(!r.choices[0].truncated);
  ASSERT(r.choices[0].logprobs == NULL);
  /* Words: system 2 + 2 + 2 + 3 in, 4 out. */
  ASSERT_EQ(r.prompt_tokens, 9);
  ASSERT_EQ(r.completion_tokens, 4);
  ASSERT_STR_EQ(r.model, MODEL);
  ASSERT(r.request_id && strncmp(r.request_id, "req_mock_", 9) == 0);
  ASSERT_EQ(r.retry_after_ms, -1);
  ASSERT_EQ(r.should_retry, -1);
  plan_llm_response_clear(&r);

  /* stop_sequences, top_p below 1, a negative temperature (clamped to 0). */
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  const char *stop[] = {" there"};
  req.stop = stop;
  req.n_stop = 1;
  req.top_p = 0.5;
  req.temperature = -1;
  ask(llm, "hello there world", &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_STR_EQ(r.choices[0].text, "echo: hello");
  ASSERT_EQ(r.choices[0].finish, PLAN_FINISH_STOP);
  plan_llm_response_clear(&r);

  /* n > 1 is not an Anthropic feature: one choice, reported honestly. */
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.n = 3;
  ask(llm, "three please", &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_EQ(r.n_choices, 1);
  ASSERT_STR_EQ(r.choices[0].text, "echo: three please");
  plan_llm_response_clear(&r);

  /* Structured output is output_config.format; the double accepts it. */
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.json_schema = "{\"type\":\"object\"}";
  ask(llm, "structured", &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_truncation(void) {
  plan_llm *llm = make_llm(mock.base_url, MODEL, 5000, 0);
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.max_tokens = 3;
  plan_llm_response r;
  ask(llm, "one two three four five", &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_STR_EQ(r.choices[0].text, "echo: one two");
  ASSERT_EQ(r.choices[0].finish, PLAN_FINISH_LENGTH); /* "max_tokens" */
  ASSERT(r.choices[0].truncated);
  ASSERT_EQ(r.completion_tokens, 3);
  plan_llm_response_clear(&r);

  ask(llm, "a b c d e f g [[fault:length]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT(r.choices[0].truncated);
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

/* ======================================================================
 * Faults
 * ====================================================================== */

static void test_rate_limits(void) {
  plan_llm *llm = make_llm(mock.base_url, MODEL, 5000, 0);
  plan_llm_response r;
  ask(llm, "x [[fault:429,retry_after=1.5]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.http_status, 429);
  ASSERT_EQ(r.retry_after_ms, 1500);
  ASSERT_EQ(r.should_retry, -1);
  ASSERT_CONTAINS(r.error, "anthropic: HTTP 429: Rate limit reached");
  ASSERT(r.request_id && strncmp(r.request_id, "req_mock_", 9) == 0);
  plan_llm_response_clear(&r);

  ask(llm, "x [[fault:429,retry_after_ms=75]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.retry_after_ms, 75);
  plan_llm_response_clear(&r);

  /* Overloaded: Anthropic's 529 is a rate limit to the scheduler. */
  ask(llm, "x [[fault:529,retry_after=3]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.http_status, 529);
  ASSERT_EQ(r.retry_after_ms, 3000);
  ASSERT_STR_EQ(r.error,
                "anthropic: HTTP 529: Overloaded (mockllm injected fault "
                "529).");
  plan_llm_response_clear(&r);

  /* Billing: waiting never helps. */
  ask(llm, "x [[fault:429quota]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ERATELIMIT);
  ASSERT_EQ(r.should_retry, 0);
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_http_errors(void) {
  plan_llm *llm = make_llm(mock.base_url, MODEL, 5000, 0);
  static const struct {
    const char *prompt;
    int status;
    const char *msg;
  } cases[] = {
      {"x [[fault:500]]", 500,
       "anthropic: HTTP 500: Internal server error (mockllm injected fault "
       "500)."},
      {"x [[fault:503]]", 503,
       "anthropic: HTTP 503: Service unavailable (mockllm injected fault "
       "503)."},
      {"x [[fault:400]]", 400,
       "anthropic: HTTP 400: Bad request (mockllm injected fault 400)."},
      {"x [[fault:401]]", 401,
       "anthropic: HTTP 401: Incorrect API key (mockllm injected fault "
       "401)."},
  };
  for (size_t i = 0; i < PLAN_ARRAY_LEN(cases); i++) {
    plan_llm_response r;
    ask(llm, cases[i].prompt, NULL, &r);
    ASSERT_STATUS(r.status, PLAN_EHTTP);
    ASSERT_EQ(r.http_status, cases[i].status);
    ASSERT_STR_EQ(r.error, cases[i].msg);
    ASSERT_EQ(r.n_choices, 0);
    plan_llm_response_clear(&r);
  }
  plan_llm_destroy(llm);
}

static void test_bad_bodies(void) {
  plan_llm *llm = make_llm(mock.base_url, MODEL, 5000, 0);
  plan_llm_response r;
  ask(llm, "x [[fault:invalid_json]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EPARSE);
  ASSERT_EQ(r.http_status, 200);
  ASSERT_CONTAINS(r.error,
                  "anthropic: invalid JSON in HTTP 200 reply at byte ");
  plan_llm_response_clear(&r);

  /* content: [] */
  ask(llm, "x [[fault:empty_choices]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EBACKEND);
  ASSERT_CONTAINS(r.error, "anthropic: empty choices");
  ASSERT_EQ(r.n_choices, 0);
  plan_llm_response_clear(&r);

  ask(llm, "x [[fault:truncated]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.http_status, 200);
  ASSERT_CONTAINS(r.error, "anthropic: 127.0.0.1:");
  plan_llm_response_clear(&r);

  ask(llm, "x [[fault:reset]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.http_status, 0);
  ASSERT_CONTAINS(r.error, "(curl error 52)");
  plan_llm_response_clear(&r);

  ask(llm, "still here", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_oversized_and_timeout(void) {
  /* The double takes a while to build its 20 MiB body: not under the
   * short timeout used for the stall below. */
  plan_llm *llm = make_llm(mock.base_url, MODEL, 10000, 2048);
  plan_llm_response r;
  ask(llm, "x [[fault:oversized]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EBUDGET);
  ASSERT_EQ(r.should_retry, 0);
  ASSERT_CONTAINS(r.error, "anthropic: 127.0.0.1:");
  ASSERT_CONTAINS(r.error, "max_response_bytes (2048)");
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);

  llm = make_llm(mock.base_url, MODEL, 300, 2048);
  double ms = ask(llm, "x [[fault:stall,stall_ms=5000]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_ETIMEOUT);
  ASSERT_CONTAINS(r.error, "timed out");
  ASSERT(ms >= 250 && ms < test_timeout_ms(2500));
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

static void test_refused(void) {
  char url[64];
  int port = dead_port();
  snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", port);
  plan_llm *llm = make_llm(url, MODEL, 5000, 0);
  plan_llm_response r;
  ask(llm, "anyone?", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.http_status, 0);
  char where[48];
  snprintf(where, sizeof where, "anthropic: 127.0.0.1:%d: ", port);
  ASSERT_CONTAINS(r.error, where);
  ASSERT_CONTAINS(r.error, "(curl error 7)");
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

/* ======================================================================
 * The exact wire format and the rarer reply shapes (canned server)
 * ====================================================================== */

static void test_wire_request(void) {
  canned c;
  plan_llm_response r;
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  plan_message msgs[5] = {{"system", "Rule one."},
                          {"user", "question"},
                          {"developer", "Rule two."},
                          {"assistant", "answer"},
                          {"tool", "canned"}};
  req.messages = msgs;
  req.n_messages = 5;
  req.temperature = 1.7;
  req.n = 4;
  req.has_seed = true;
  req.seed = 1;
  req.logprobs = true;
  const char *stop[] = {"END"};
  req.stop = stop;
  req.n_stop = 1;
  req.json_schema = "{\"type\":\"object\"}";
  ask_canned(&c, OK_HEAD "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}",
             &req, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_STR_EQ(r.request_id, "req_canned");
  plan_llm_response_clear(&r);
  ASSERT(strncmp(c.request, "POST /v1/messages HTTP/1.1\r\n", 28) == 0);
  ASSERT_CONTAINS(c.request, "\r\nx-api-key: " KEY "\r\n");
  ASSERT_CONTAINS(c.request, "\r\nanthropic-version: 2023-06-01\r\n");
  ASSERT(!strstr(c.request, "Authorization"));
  ASSERT(!strstr(c.request, "Expect:"));
  /* System and developer text joined into "system"; the tool turn became
   * a user turn; temperature clamped to 1; no top_p (it is 1), no n, seed
   * or logprobs; max_tokens defaulted. */
  ASSERT_STR_EQ(canned_body(&c),
                "{\"model\":\"" MODEL "\",\"max_tokens\":1024,"
                "\"system\":\"Rule one.\\n\\nRule two.\",\"messages\":["
                "{\"role\":\"user\",\"content\":\"question\"},"
                "{\"role\":\"assistant\",\"content\":\"answer\"},"
                "{\"role\":\"user\",\"content\":\"canned\"}],"
                "\"temperature\":1.0,\"stop_sequences\":[\"END\"],"
                "\"output_config\":{\"format\":{\"type\":\"json_schema\","
                "\"schema\":{\"type\":\"object\"}}}}");

  /* The version option; top_p below 1 is sent. */
  canned_start(&c, OK_HEAD "{\"content\":[]}");
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", c.port);
  plan_llm_options o;
  plan_llm_options_init(&o, PLAN_LLM_OPTIONS_VERSION);
  o.base_url = url;
  o.model = MODEL;
  o.anthropic_version = "2099-01-01";
  plan_llm *llm = NULL;
  ASSERT_OK(plan_llm_anthropic_create(&o, &llm, NULL));
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.top_p = 0.5;
  req.max_tokens = 9;
  ask(llm, "v", &req, &r);
  plan_llm_destroy(llm);
  canned_finish(&c);
  ASSERT_STATUS(r.status, PLAN_EBACKEND); /* content: [] */
  plan_llm_response_clear(&r);
  ASSERT_CONTAINS(c.request, "\r\nanthropic-version: 2099-01-01\r\n");
  ASSERT(!strstr(c.request, "x-api-key")); /* no key, no header */
  ASSERT_STR_EQ(canned_body(&c),
                "{\"model\":\"" MODEL "\",\"max_tokens\":9,\"messages\":["
                "{\"role\":\"user\",\"content\":\"v\"}],"
                "\"temperature\":1.0,\"top_p\":0.5}");
}

static void test_reply_shapes(void) {
  canned c;
  plan_llm_response r;
  /* Thinking and tool blocks are skipped, text blocks joined; cache
   * tokens count as input; max_tokens means truncated. */
  ask_canned(&c,
             OK_HEAD "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":"
                     "\"assistant\",\"model\":\"claude-x\",\"content\":["
                     "{\"type\":\"thinking\",\"thinking\":\"hmm\","
                     "\"signature\":\"s\"},"
                     "{\"type\":\"text\",\"text\":\"Hello, \"},"
                     "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\","
                     "\"input\":{}},"
                     "{\"type\":\"text\",\"text\":\"world\"}],"
                     "\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,"
                     "\"usage\":{\"input_tokens\":10,"
                     "\"cache_creation_input_tokens\":5,"
                     "\"cache_read_input_tokens\":100,\"output_tokens\":7}}",
             NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_EQ(r.n_choices, 1);
  ASSERT_STR_EQ(r.choices[0].text, "Hello, world");
  ASSERT_EQ(r.choices[0].finish, PLAN_FINISH_LENGTH);
  ASSERT(r.choices[0].truncated);
  ASSERT_EQ(r.prompt_tokens, 115);
  ASSERT_EQ(r.completion_tokens, 7);
  ASSERT_STR_EQ(r.model, "claude-x");
  plan_llm_response_clear(&r);

  /* Only thinking: an empty reply whose stop reason says why. */
  ask_canned(&c,
             OK_HEAD
             "{\"content\":[{\"type\":\"thinking\",\"thinking\":\"x\"}],"
             "\"stop_reason\":\"refusal\"}",
             NULL, &r);
  ASSERT_STATUS(r.status, PLAN_OK);
  ASSERT_STR_EQ(r.choices[0].text, "");
  ASSERT_EQ(r.choices[0].finish, PLAN_FINISH_REFUSAL);
  plan_llm_response_clear(&r);

  ask_canned(&c, OK_HEAD "{\"type\":\"message\"}", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EBACKEND);
  ASSERT_CONTAINS(r.error, "anthropic: empty choices");
  plan_llm_response_clear(&r);

  /* An error event's shape inside a 200. */
  ask_canned(&c,
             OK_HEAD "{\"type\":\"error\",\"error\":{\"type\":"
                     "\"overloaded_error\",\"message\":\"Overloaded\"}}",
             NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EBACKEND);
  ASSERT_STR_EQ(r.error,
                "anthropic: error object in HTTP 200 reply: Overloaded");
  plan_llm_response_clear(&r);
}

/* ======================================================================
 * Concurrency, reuse, the key
 * ====================================================================== */

static void test_concurrent(void) {
  const char *args[] = {"--latency-ms", "200", NULL};
  ASSERT_EQ(mockllm_start(&slow, args), 0);
  plan_llm *llm = make_llm(slow.base_url, MODEL, 10000, 0);
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
  ASSERT(ms < test_timeout_ms(N * 200 / 4));
  plan__http_stats st;
  plan__http_stats_get(plan_llm_self(llm), &st);
  ASSERT_EQ(st.max_in_flight, N);
  ASSERT_EQ(st.transfers, N);
  long conc = 0;
  ASSERT_EQ(mockllm_stats(&slow, "max_concurrent", &conc), 0);
  ASSERT(conc >= N / 2);
  plan_llm_destroy(llm);
  mockllm_stop(&slow);
  ASSERT_EQ(slow.exit_status, 0);
}

static void test_reuse(void) {
  plan_llm *llm = make_llm(mock.base_url, MODEL, 5000, 0);
  ASSERT_EQ(mockllm_stats_reset(&mock), 0);
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
  long n = 0;
  ASSERT_EQ(mockllm_stats(&mock, "messages", &n), 0);
  ASSERT_EQ(n, 20);
  plan_llm_destroy(llm);
}

static void test_key_never_leaks(void) {
  plan_llm *llm = make_llm(mock.base_url, MODEL, 5000, 0);
  plan_llm_response r;
  ask(llm, "[[fault:" KEY "]]", NULL, &r);
  ASSERT_STATUS(r.status, PLAN_EHTTP);
  ASSERT_EQ(r.http_status, 400);
  ASSERT_CONTAINS(r.error, "[redacted]");
  assert_no_key(r.error);
  assert_no_key(plan_llm_errmsg(llm));
  plan_llm_response_clear(&r);
  plan_llm_destroy(llm);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  atexit(stop_servers);
  ASSERT_EQ(mockllm_start(&mock, NULL), 0);
  RUN(test_create_options);
  RUN(test_start_errors);
  RUN(test_success);
  RUN(test_truncation);
  RUN(test_rate_limits);
  RUN(test_http_errors);
  RUN(test_bad_bodies);
  RUN(test_oversized_and_timeout);
  RUN(test_refused);
  RUN(test_wire_request);
  RUN(test_reply_shapes);
  RUN(test_concurrent);
  RUN(test_reuse);
  RUN(test_key_never_leaks);
  mockllm_stop(&mock);
  ASSERT_EQ(mock.exit_status, 0);
  TEST_END();
}
