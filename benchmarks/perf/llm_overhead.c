/* benchmarks/perf/llm_overhead.c: the engine's own CPU cost per LLM call.
 * Runs batches of requests through the scheduler against the scripted
 * backend with zero latency, so all time measured is ours: request
 * validation, canonical keys for coalescing, dispatch, completion, retry
 * bookkeeping and response assembly. Prints JSON.
 *
 *   llm_overhead [--calls N] [--batch B] [--quick]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plan.h"

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  long calls = 200000, batch = 256;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick"))
      calls = 20000;
    else if (!strcmp(argv[i], "--calls") && i + 1 < argc)
      calls = strtol(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
      batch = strtol(argv[++i], NULL, 10);
    else {
      fprintf(stderr,
              "usage: llm_overhead [--calls N] [--batch B] [--quick]\n");
      return 2;
    }
  }
  if (calls < 1 || batch < 1 || batch > 4096) {
    fprintf(stderr, "llm_overhead: bad --calls or --batch\n");
    return 2;
  }
  if (plan_global_init(NULL) != PLAN_OK)
    return 1;
  plan_llm *llm = NULL;
  plan_error err;
  if (plan_llm_scripted_create("[{\"reply\":\"move the red block onto the "
                               "blue block\"}]",
                               NULL, &llm, &err) != PLAN_OK) {
    fprintf(stderr, "llm_overhead: %s\n", err.text);
    return 1;
  }
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so.concurrency = 16;
  plan_scheduler *s = NULL;
  if (plan_scheduler_create(llm, &so, &s, &err) != PLAN_OK)
    return 1;

  /* Realistic prompts: a system message and a ~600-byte user message,
   * distinct per request so coalescing finds nothing to merge. */
  plan_llm_request *reqs = calloc((size_t)batch, sizeof *reqs);
  plan_llm_response *resps = calloc((size_t)batch, sizeof *resps);
  char(*text)[700] = calloc((size_t)batch, sizeof *text);
  plan_message(*msgs)[2] = calloc((size_t)batch, sizeof *msgs);
  if (!reqs || !resps || !text || !msgs)
    return 1;
  for (long i = 0; i < batch; i++) {
    int n = snprintf(text[i], sizeof text[i],
                     "State %ld: the red block is on the table, the blue "
                     "block is on the red block, the hand is empty.",
                     i);
    while (n < 600)
      n += snprintf(text[i] + n, sizeof text[i] - (size_t)n,
                    " Consider the next action carefully.");
    msgs[i][0] = (plan_message){"system", "You are a careful planner."};
    msgs[i][1] = (plan_message){"user", text[i]};
    plan_llm_request_init(&reqs[i], PLAN_LLM_REQUEST_VERSION);
    reqs[i].model = "bench-model";
    reqs[i].messages = msgs[i];
    reqs[i].n_messages = 2;
    reqs[i].temperature = 0.7;
    reqs[i].max_tokens = 256;
  }
  long done = 0;
  int failures = 0;
  double c0 = cpu_seconds(), w0 = wall_seconds();
  while (done < calls) {
    long k = calls - done < batch ? calls - done : batch;
    if (plan_scheduler_run(s, reqs, (size_t)k, resps) != PLAN_OK)
      failures++;
    for (long i = 0; i < k; i++) {
      if (resps[i].status != PLAN_OK)
        failures++;
      plan_llm_response_clear(&resps[i]);
    }
    done += k;
  }
  double cpu = cpu_seconds() - c0, wall = wall_seconds() - w0;
  double us = cpu / (double)calls * 1e6;
  printf("{\"benchmark\":\"llm_overhead\",\"backend\":\"scripted\","
         "\"calls\":%ld,\"batch\":%ld,\"cpu_seconds\":%.4f,"
         "\"wall_seconds\":%.4f,\"cpu_us_per_call\":%.3f,"
         "\"goal_us_per_call\":20,\"meets_goal\":%s,\"failures\":%d}\n",
         calls, batch, cpu, wall, us, us < 20.0 ? "true" : "false", failures);
  plan_scheduler_destroy(s);
  plan_llm_destroy(llm);
  free(reqs);
  free(resps);
  free(text);
  free(msgs);
  plan_global_cleanup();
  return failures ? 1 : 0;
}
