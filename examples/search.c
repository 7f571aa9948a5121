/* examples/search.c: embedding the search of libplan with your own
 * components. The puzzle is the classic water jugs: a 3-litre jug A and a
 * 5-litre jug B, a tap and a sink; measure exactly 4 litres in B. A state
 * is the text "A=a B=b".
 *
 * Run 1 supplies all four parts as exact callbacks (no LLM at all): the
 * proposer lists the moves that change something, the simulator applies
 * one, the evaluator scores how close B is to 4 litres, the goal test
 * checks B. Run 2 keeps the exact proposer, simulator and goal test but
 * leaves the evaluator NULL, so the library's LLM value function scores
 * the states; the scripted backend stands in for a model (it says "sure"
 * for any state with 4 litres in a jug and "likely" otherwise). Swap in
 * plan_llm_openai_create to ask a real one:
 *   plan_llm_options o;
 *   plan_llm_options_init(&o, PLAN_LLM_OPTIONS_VERSION);
 *   o.base_url = "http://localhost:8000/v1";
 *   o.model = "Qwen2.5-7B-Instruct";
 *   plan_llm_openai_create(&o, &llm, &err);
 *
 * Build against an installed libplan:
 *   cc search.c $(pkg-config --cflags --libs plan)
 * or in CMake: find_package(plan) + target_link_libraries(app plan::plan).
 */
#include <plan.h>
#include <stdio.h>
#include <string.h>

enum { CAP_A = 3, CAP_B = 5, TARGET = 4 };

static const char *const moves[] = {"fill A",  "fill B",      "empty A",
                                    "empty B", "pour A to B", "pour B to A"};

static bool read_state(const char *state, int *a, int *b) {
  return sscanf(state, "A=%d B=%d", a, b) == 2;
}

/* The state after move m, or false when m changes nothing. */
static bool apply(int a, int b, const char *m, int *na, int *nb) {
  *na = a;
  *nb = b;
  if (!strcmp(m, "fill A"))
    *na = CAP_A;
  else if (!strcmp(m, "fill B"))
    *nb = CAP_B;
  else if (!strcmp(m, "empty A"))
    *na = 0;
  else if (!strcmp(m, "empty B"))
    *nb = 0;
  else if (!strcmp(m, "pour A to B")) {
    int x = a < CAP_B - b ? a : CAP_B - b;
    *na = a - x;
    *nb = b + x;
  } else if (!strcmp(m, "pour B to A")) {
    int x = b < CAP_A - a ? b : CAP_A - a;
    *na = a + x;
    *nb = b - x;
  } else {
    return false;
  }
  return *na != a || *nb != b;
}

static plan_status propose(void *ud, const char *state,
                           plan_action_sink *sink) {
  (void)ud;
  int a, b, na, nb;
  if (!read_state(state, &a, &b))
    return PLAN_EINVAL;
  for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
    if (!apply(a, b, moves[i], &na, &nb))
      continue;
    plan_status st = plan_action_sink_add(sink, moves[i]);
    if (st != PLAN_OK)
      return st == PLAN_EBUDGET ? PLAN_OK : st; /* the search stops itself */
  }
  return PLAN_OK;
}

static plan_status simulate(void *ud, const char *state, const char *action,
                            plan_state_buf *out) {
  (void)ud;
  int a, b, na, nb;
  if (!read_state(state, &a, &b))
    return PLAN_EINVAL;
  if (!apply(a, b, action, &na, &nb))
    return PLAN_ENOTFOUND; /* not applicable: the candidate is pruned */
  char text[32];
  int n = snprintf(text, sizeof text, "A=%d B=%d", na, nb);
  return plan_state_buf_append(out, text, (size_t)n);
}

static plan_status evaluate(void *ud, const char *state, double *out) {
  int *calls = ud;
  int a, b;
  if (!read_state(state, &a, &b))
    return PLAN_ENOTFOUND; /* unknown, not 0 */
  (*calls)++;
  int d = b > TARGET ? b - TARGET : TARGET - b;
  *out = 1.0 - d / 5.0;
  return PLAN_OK;
}

static bool is_goal(void *ud, const char *state) {
  (void)ud;
  int a, b;
  return read_state(state, &a, &b) && b == TARGET;
}

static void print_result(const char *title, plan_search *s, plan_status st) {
  plan_search_stats stats;
  plan_search_stats_get(s, &stats);
  printf("%s: %s, stop %s, %zu steps, %llu nodes, %llu LLM calls\n", title,
         plan_search_solved(s) ? "solved" : "not solved",
         plan_search_stop_reason(s), plan_search_plan_length(s),
         (unsigned long long)stats.nodes, (unsigned long long)stats.llm_calls);
  if (st != PLAN_OK)
    printf("  status %s: %s\n", plan_status_name(st), plan_search_errmsg(s));
  for (size_t i = 0; i < plan_search_plan_length(s); i++)
    printf("  %zu. %s\n", i + 1, plan_search_plan_step(s, i));
  printf("  final state: %s\n", plan_search_final_state(s));
}

int main(void) {
  if (plan_global_init(NULL) != PLAN_OK)
    return 1;
  int rc = 1;
  int value_calls = 0;
  plan_error err;
  plan_search *s = NULL;
  plan_llm *llm = NULL;

  /* Run 1: every part is ours. */
  plan_search_options o;
  plan_search_options_init(&o, PLAN_SEARCH_OPTIONS_VERSION);
  o.algo = PLAN_SEARCH_BEST_FIRST;
  o.propose = propose;
  o.simulate = simulate;
  o.evaluate = evaluate;
  o.is_goal = is_goal;
  o.ud = &value_calls;
  o.branching = 6; /* keep every applicable move */
  o.max_depth = 10;
  if (plan_search_create(NULL, &o, &s, &err) != PLAN_OK) {
    fprintf(stderr, "search: %s\n", err.text);
    goto done;
  }
  plan_status st = plan_search_run(s, "A=0 B=0");
  print_result("exact callbacks", s, st);
  if (st != PLAN_OK || !plan_search_solved(s) || value_calls == 0 ||
      (strcmp(plan_search_final_state(s), "A=3 B=4") &&
       strcmp(plan_search_final_state(s), "A=0 B=4")))
    goto done;
  plan_search_destroy(s);
  s = NULL;

  /* Run 2: the LLM's value function instead of ours. */
  const char *script =
      "[{\"match\":\"ROLE: value\\\\]\\\\n[\\\\s\\\\S]*\\\\[STATE\\\\]\\\\n"
      "[^\\\\n]*=4\",\"reply\":\"Four litres are there. sure\"},"
      " {\"match\":\"ROLE: value\",\"reply\":\"Not yet, but reachable: "
      "likely\"}]";
  if (plan_llm_scripted_create(script, NULL, &llm, &err) != PLAN_OK) {
    fprintf(stderr, "scripted backend: %s\n", err.text);
    goto done;
  }
  o.evaluate = NULL; /* NULL: the LLM default */
  o.goal = "exactly 4 litres of water in jug B";
  o.description = "Two jugs: A holds 3 litres, B holds 5 litres. You can "
                  "fill a jug from the tap, empty it, or pour one into the "
                  "other until it is empty or the other is full.";
  o.value_samples = 2;
  if (plan_search_create(llm, &o, &s, &err) != PLAN_OK) {
    fprintf(stderr, "search: %s\n", err.text);
    goto done;
  }
  st = plan_search_run(s, "A=0 B=0");
  print_result("LLM evaluator", s, st);
  plan_search_stats stats;
  plan_search_stats_get(s, &stats);
  if (st != PLAN_OK || !plan_search_solved(s) || stats.llm_calls == 0)
    goto done;
  rc = 0;
done:
  plan_search_destroy(s);
  plan_llm_destroy(llm);
  plan_global_cleanup();
  return rc;
}
