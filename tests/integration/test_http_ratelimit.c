/* tests/integration/test_http_ratelimit.c: proactive throttling on the
 * providers' rate-limit headers, over real HTTP. mockllm (a loopback test
 * double) runs with --rate-limit N/MS: every reply says how many requests
 * are left in its window (x-ratelimit-* for OpenAI, anthropic-ratelimit-*
 * with an RFC 3339 reset time for Anthropic) and a request over the limit
 * gets a 429. The scheduler reads the headers and pauses when nothing is
 * left, so a run several windows long meets no 429 at all; the reply that
 * emptied the budget carries the wait. */
#include <string.h>

#include "core/core.h"
#include "mockllm_proc.h"
#include "plan.h"
#include "test.h"

#define N_REQ 10
#define LIMIT "4/300"

static mockllm_proc mock;

static void stop_server(void) {
  mockllm_stop(&mock);
}

static void run_provider(bool anthropic) {
  plan_llm_options lo;
  plan_llm_options_init(&lo, PLAN_LLM_OPTIONS_VERSION);
  lo.base_url = mock.base_url;
  lo.model = "mock";
  lo.api_key = "sk-test-ratelimit";
  plan_llm *llm = NULL;
  plan_error err;
  ASSERT_OK(anthropic ? plan_llm_anthropic_create(&lo, &llm, &err)
                      : plan_llm_openai_create(&lo, &llm, &err));
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so.concurrency = 1; /* one at a time: every reply is seen before the next */
  plan_scheduler *s = NULL;
  ASSERT_OK(plan_scheduler_create(llm, &so, &s, &err));
  plan_llm_request req[N_REQ];
  plan_llm_response resp[N_REQ];
  plan_message msg[N_REQ];
  char text[N_REQ][32];
  for (int i = 0; i < N_REQ; i++) {
    snprintf(text[i], sizeof text[i], "%s request %d",
             anthropic ? "anthropic" : "openai", i);
    msg[i].role = "user";
    msg[i].content = text[i];
    plan_llm_request_init(&req[i], PLAN_LLM_REQUEST_VERSION);
    req[i].messages = &msg[i];
    req[i].n_messages = 1;
    req[i].max_tokens = 16;
  }
  uint64_t t0 = plan__now_ns(NULL);
  ASSERT_OK(plan_scheduler_run(s, req, N_REQ, resp));
  double wall_ms = (double)(plan__now_ns(NULL) - t0) / 1e6;
  size_t waits = 0;
  for (int i = 0; i < N_REQ; i++) {
    ASSERT_OK(resp[i].status);
    ASSERT_EQ(resp[i].attempts, 1);
    if (resp[i].ratelimit_wait_ms >= 0) {
      waits++;
      ASSERT(resp[i].ratelimit_wait_ms <= 302); /* the window, rounded up */
    }
    plan_llm_response_clear(&resp[i]);
  }
  plan_scheduler_stats st;
  plan_scheduler_stats_get(s, &st);
  /* 10 requests at 4 per window: the 4th and 8th replies empty the budget,
   * and the scheduler waits for the next window instead of a 429. */
  ASSERT_EQ(st.rate_limited, 0);
  ASSERT_EQ(st.retries, 0);
  ASSERT(waits >= 2);
  ASSERT(st.throttled >= 2);
  ASSERT(wall_ms >= 500); /* at least two windows' ends were waited for */
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
}

static void test_openai(void) {
  run_provider(false);
}
static void test_anthropic(void) {
  run_provider(true);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  const char *args[] = {"--rate-limit", LIMIT, NULL};
  ASSERT_EQ(mockllm_start(&mock, args), 0);
  atexit(stop_server);
  RUN(test_openai);
  RUN(test_anthropic);
  TEST_END();
}
