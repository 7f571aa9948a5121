/* examples/ask.c: embedding libplan. Sends a batch of 8 value-estimation
 * samples through the scheduler and aggregates the parsed scores, the way a
 * search scores a node. It uses the scripted backend so that it runs
 * offline; swap in plan_llm_openai_create (shown in the comment) to talk to
 * a real server.
 *
 * Build against an installed libplan:
 *   cc ask.c $(pkg-config --cflags --libs plan)
 * or in CMake: find_package(plan) + target_link_libraries(app plan::plan). */
#include <plan.h>
#include <stdio.h>

int main(void) {
  if (plan_global_init(NULL) != PLAN_OK)
    return 1;
  plan_error err;
  plan_llm *llm = NULL;
  /* A real server instead:
   *   plan_llm_options o;
   *   plan_llm_options_init(&o, PLAN_LLM_OPTIONS_VERSION);
   *   o.base_url = "http://localhost:8000/v1";   (vLLM, llama.cpp, ...)
   *   o.model = "Qwen2.5-7B-Instruct";
   *   plan_llm_openai_create(&o, &llm, &err);
   */
  const char *script =
      "[{\"match\":\"Evaluate\",\"reply\":["
      "\"The tower is almost built. Verdict: sure\","
      "\"One block is misplaced, but fixable. likely\","
      "\"I think this is impossible... no wait, it is likely\","
      "\"Thinking... (no verdict)\"]}]";
  if (plan_llm_scripted_create(script, NULL, &llm, &err) != PLAN_OK) {
    fprintf(stderr, "scripted backend: %s\n", err.text);
    return 1;
  }
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so.concurrency = 8;
  plan_scheduler *sched = NULL;
  if (plan_scheduler_create(llm, &so, &sched, &err) != PLAN_OK) {
    fprintf(stderr, "scheduler: %s\n", err.text);
    return 1;
  }

  enum { K = 8 };
  plan_message msg = {"user", "Evaluate if the goal can be reached from this "
                              "state (sure/likely/impossible): ..."};
  plan_llm_request reqs[K];
  plan_llm_response resps[K];
  for (unsigned i = 0; i < K; i++) {
    plan_llm_request_init(&reqs[i], PLAN_LLM_REQUEST_VERSION);
    reqs[i].messages = &msg;
    reqs[i].n_messages = 1;
    reqs[i].temperature = 0.7;
    reqs[i].sample_index = i; /* distinct samples, replayable in order */
  }
  plan_status st = plan_scheduler_run(sched, reqs, K, resps);
  if (st != PLAN_OK) {
    fprintf(stderr, "batch: %s\n", plan_scheduler_errmsg(sched));
    return 1;
  }
  double sum = 0;
  int present = 0, missing = 0;
  for (unsigned i = 0; i < K; i++) {
    if (resps[i].status != PLAN_OK) {
      fprintf(stderr, "sample %u: %s\n", i, resps[i].error);
      missing++;
      continue;
    }
    plan_score score;
    plan_parse_report rep;
    const plan_llm_choice *c = &resps[i].choices[0];
    if (plan_parse_score(c->text, c->text_len, c->truncated, PLAN_RUBRIC_SURE,
                         0, 1, &score, &rep) == PLAN_OK) {
      sum += score.value;
      present++;
      printf("sample %u: %.2f (rule %s)\n", i, score.value, rep.rule);
    } else {
      missing++; /* a missing score is missing, never 0 */
      printf("sample %u: missing\n", i);
    }
    plan_llm_response_clear(&resps[i]);
  }
  plan_scheduler_stats stats;
  plan_scheduler_stats_get(sched, &stats);
  printf("value %.3f from %d samples (%d missing), %llu calls\n",
         present ? sum / present : 0.0, present, missing,
         (unsigned long long)stats.attempts);
  plan_scheduler_destroy(sched);
  plan_llm_destroy(llm);
  plan_global_cleanup();
  return present == 6 && missing == 2 ? 0 : 1;
}
