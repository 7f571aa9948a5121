/* benchmarks/perf/llm_concurrency.c: how well the scheduler overlaps LLM
 * calls. Starts the loopback mock server (a test double) with a fixed
 * latency per request, then sends the same number of requests through the
 * real OpenAI-compatible HTTP backend at several concurrency levels and
 * reports wall time, the ideal (requests / concurrency x latency), their
 * ratio, and the speedup over concurrency 1. Prints JSON.
 *
 *   llm_concurrency [--mockllm PATH] [--requests N] [--latency-ms MS]
 *                   [--levels 1,4,16,64] [--quick]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mockllm_proc.h"
#include "plan.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  long requests = 256, latency = 100;
  unsigned levels[8] = {1, 4, 16, 64};
  size_t n_levels = 4;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick")) {
      requests = 64;
      latency = 20;
    } else if (!strcmp(argv[i], "--mockllm") && i + 1 < argc) {
      setenv("PLAN_MOCKLLM", argv[++i], 1);
    } else if (!strcmp(argv[i], "--requests") && i + 1 < argc) {
      requests = strtol(argv[++i], NULL, 10);
    } else if (!strcmp(argv[i], "--latency-ms") && i + 1 < argc) {
      latency = strtol(argv[++i], NULL, 10);
    } else if (!strcmp(argv[i], "--levels") && i + 1 < argc) {
      n_levels = 0;
      for (char *p = argv[++i]; *p && n_levels < 8;) {
        long v = strtol(p, &p, 10);
        if (v < 1 || v > 1024) {
          fprintf(stderr, "llm_concurrency: bad --levels\n");
          return 2;
        }
        levels[n_levels++] = (unsigned)v;
        if (*p == ',')
          p++;
      }
    } else {
      fprintf(stderr, "usage: llm_concurrency [--mockllm PATH] [--requests N] "
                      "[--latency-ms MS] [--levels 1,4,16,64] [--quick]\n");
      return 2;
    }
  }
  if (requests < 1 || requests > 100000 || latency < 0) {
    fprintf(stderr, "llm_concurrency: bad --requests or --latency-ms\n");
    return 2;
  }
  if (!getenv("PLAN_MOCKLLM")) {
    fprintf(stderr, "llm_concurrency: pass --mockllm PATH (or set "
                    "PLAN_MOCKLLM)\n");
    return 2;
  }
  if (plan_global_init(NULL) != PLAN_OK)
    return 1;
  char lat[32];
  snprintf(lat, sizeof lat, "%ld", latency);
  const char *args[] = {"--latency-ms", lat, "--quiet", NULL};
  mockllm_proc mock;
  if (mockllm_start(&mock, args) != 0) {
    fprintf(stderr, "llm_concurrency: cannot start mockllm\n");
    return 1;
  }
  plan_llm_options lo;
  plan_llm_options_init(&lo, PLAN_LLM_OPTIONS_VERSION);
  lo.base_url = mock.base_url;
  lo.model = "mock";
  lo.max_connections = 128;
  plan_llm *llm = NULL;
  plan_error err;
  if (plan_llm_openai_create(&lo, &llm, &err) != PLAN_OK) {
    fprintf(stderr, "llm_concurrency: %s\n", err.text);
    mockllm_stop(&mock);
    return 1;
  }
  plan_message msg = {"user", "Propose the next action."};
  plan_llm_request *reqs = calloc((size_t)requests, sizeof *reqs);
  plan_llm_response *resps = calloc((size_t)requests, sizeof *resps);
  if (!reqs || !resps)
    return 1;
  for (long i = 0; i < requests; i++) {
    plan_llm_request_init(&reqs[i], PLAN_LLM_REQUEST_VERSION);
    reqs[i].messages = &msg;
    reqs[i].n_messages = 1;
    reqs[i].sample_index = (unsigned)i;
  }
  printf("{\"benchmark\":\"llm_concurrency\",\"server\":\"mockllm (loopback "
         "test double)\",\"requests\":%ld,\"latency_ms\":%ld,\"levels\":[",
         requests, latency);
  double base = 0;
  int failures = 0;
  double ratio16 = 0;
  for (size_t k = 0; k < n_levels; k++) {
    plan_scheduler_options so;
    plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
    so.concurrency = levels[k];
    plan_scheduler *s = NULL;
    if (plan_scheduler_create(llm, &so, &s, &err) != PLAN_OK)
      return 1;
    double t0 = now_s();
    plan_status st = plan_scheduler_run(s, reqs, (size_t)requests, resps);
    double wall = now_s() - t0;
    if (st != PLAN_OK)
      failures++;
    for (long i = 0; i < requests; i++) {
      if (resps[i].status != PLAN_OK) {
        if (!failures)
          fprintf(stderr, "llm_concurrency: %s\n", resps[i].error);
        failures++;
      }
      plan_llm_response_clear(&resps[i]);
    }
    plan_scheduler_stats ss;
    plan_scheduler_stats_get(s, &ss);
    plan_scheduler_destroy(s);
    long rounds = (requests + levels[k] - 1) / levels[k];
    double ideal = (double)rounds * (double)latency / 1000.0;
    if (k == 0)
      base = wall;
    if (levels[k] == 16)
      ratio16 = ideal > 0 ? wall / ideal : 0;
    printf("%s{\"concurrency\":%u,\"wall_seconds\":%.4f,\"ideal_seconds\":%.4f,"
           "\"ratio_to_ideal\":%.3f,\"speedup_vs_first\":%.2f,"
           "\"max_in_flight\":%u,\"attempts\":%llu}",
           k ? "," : "", levels[k], wall, ideal, ideal > 0 ? wall / ideal : 0,
           wall > 0 ? base / wall : 0, ss.max_in_flight,
           (unsigned long long)ss.attempts);
    fflush(stdout);
  }
  printf("],\"goal\":\"concurrency 16 within 1.3x of ideal\","
         "\"ratio_at_16\":%.3f,\"meets_goal\":%s,\"failures\":%d}\n",
         ratio16, ratio16 > 0 && ratio16 <= 1.3 ? "true" : "false", failures);
  free(reqs);
  free(resps);
  plan_llm_destroy(llm);
  mockllm_stop(&mock);
  plan_global_cleanup();
  return failures ? 1 : 0;
}
