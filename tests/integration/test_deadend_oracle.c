/* tests/integration/test_deadend_oracle.c: the mockllm oracle brain
 * (benchmarks/mockllm/brain_oracle.c) on the dead-end domain
 * (data/pddl/cliffs, docs/deadend.md), over real HTTP with prompts rendered
 * from the default templates in the domain's natural language
 * (cliffs.yaml, passed with --pb-config). At --noise none:
 *
 * - along an optimal plan the judge says "on track" and then "success",
 *   and values are never "impossible";
 * - after a trap (an irreversible action into a dead end), at the start
 *   and along the plan, the judge says "failure" and every value sample is
 *   "impossible" (1 on a 1-10 scale): the value of a dead end is 0;
 * - the world role predicts the dead-end state exactly, and the proposers
 *   read back in the domain's words.
 *
 * The shipped instances are the oracle's --problem-dir, as the agent
 * benchmark uses them. */
#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"
#include "core/core.h"
#include "mockllm_proc.h"
#include "planner/components/comp_int.h"
#include "solvers/strips/strips.h"
#include "test.h"
#include "worldmodel/pddl/gen_deadend.h"
#include "worldmodel/pddl/pddl.h"

#define CLIFFS PLAN_SOURCE_DIR "/data/pddl/cliffs"

typedef struct fixture {
  plan__pddl_task *task;
  plan__pb_config *cfg;
  plan__prompts *prompts;
  plan__domain *dom;
  plan__state_space sp;
  plan__deadend_stats stats;
  uint32_t *plan; /* an optimal plan */
  size_t n_plan;
} fixture;

static void fixture_open(fixture *fx, int instance) {
  memset(fx, 0, sizeof *fx);
  char prob[600];
  snprintf(prob, sizeof prob, CLIFFS "/instances/instance-%d.pddl", instance);
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_OK(plan__pddl_task_load(CLIFFS "/domain.pddl", prob, &fx->task, &err));
  json_t *doc = plan__yaml_load(CLIFFS "/cliffs.yaml", &err);
  ASSERT(doc != NULL);
  ASSERT_OK(plan__pb_config_from_json(doc, "cliffs", &fx->cfg, &err));
  json_decref(doc);
  ASSERT_OK(plan__prompts_load(NULL, &fx->prompts, &err));
  ASSERT_OK(
      plan__domain_pddl_create(fx->task, fx->cfg, fx->prompts, &fx->dom, &err));
  ASSERT_OK(plan__state_space_build(fx->task, 0, &fx->sp, &err));
  size_t n_irr;
  const char *const *irr = plan__cliffs_irreversible(&n_irr);
  ASSERT_OK(
      plan__deadend_stats_compute(fx->task, &fx->sp, irr, n_irr, &fx->stats));
  plan__strips_result r;
  ASSERT_OK(plan__strips_solve(fx->task, NULL, &r));
  ASSERT(r.solved && r.n_plan > 0);
  fx->plan = plan__calloc(r.n_plan, sizeof *fx->plan);
  ASSERT(fx->plan);
  memcpy(fx->plan, r.plan, r.n_plan * sizeof *fx->plan);
  fx->n_plan = r.n_plan;
  plan__strips_result_free(&r);
}

static void fixture_close(fixture *fx) {
  plan__free(fx->plan);
  plan__state_space_free(&fx->sp);
  plan__domain_free(fx->dom);
  plan__prompts_free(fx->prompts);
  plan__pb_config_free(fx->cfg);
  plan__pddl_task_free(fx->task);
}

/* The state after the actions acts[0..n). */
static uint64_t *state_after(const fixture *fx, const uint32_t *acts,
                             size_t n) {
  uint64_t *s = plan__calloc(fx->task->n_words, sizeof *s);
  ASSERT(s);
  plan__pddl_state_init(fx->task, s);
  for (size_t i = 0; i < n; i++) {
    ASSERT(plan__pddl_applicable(fx->task, s, acts[i]));
    plan__pddl_apply(fx->task, s, acts[i], s);
  }
  return s;
}

/* The user message of role after acts[0..n) (that history), as
 * plan__comp_prompt renders it; action: the world prompt's action.
 * template_text overrides the template (NULL: the default). */
static char *prompt_for(const fixture *fx, plan__prompt_role role,
                        const uint32_t *acts, size_t n, const char *action,
                        const char *template_text) {
  uint64_t *s = state_after(fx, acts, n);
  plan__buf state;
  plan__buf hist;
  plan__buf act;
  plan__buf out;
  plan__buf_init(&state, 0);
  plan__buf_init(&hist, 0);
  plan__buf_init(&act, 0);
  plan__buf_init(&out, 0);
  ASSERT_OK(plan__pddl_text_state(fx->cfg, fx->task, s, &state));
  for (size_t i = 0; i < n; i++) {
    plan__buf_printf(&hist, "%s%zu. ", i ? "\n" : "", i + 1);
    ASSERT_OK(plan__pddl_text_action(fx->cfg, fx->task->actions[acts[i]].name,
                                     &hist));
  }
  if (n == 0)
    plan__buf_puts(&hist, "(none)");
  if (action)
    ASSERT_OK(plan__pddl_text_action(fx->cfg, action, &act));
  plan__prompt_vars v = {.domain = fx->dom->intro,
                         .state = state.data,
                         .goal = fx->dom->goal,
                         .actions = fx->dom->actions,
                         .history = hist.data,
                         .action = act.data,
                         .k = 5};
  const char *t =
      template_text ? template_text
                    : plan__prompts_text(fx->prompts, PLAN__FAMILY_PDDL, role);
  ASSERT_OK(plan__template_render(t, "test", &v, &out, NULL));
  plan__buf_free(&state);
  plan__buf_free(&hist);
  plan__buf_free(&act);
  plan__free(s);
  return plan__buf_take(&out);
}

typedef struct client {
  mockllm_proc m;
  plan_llm *llm;
  plan_scheduler *sched;
} client;

static void client_open(client *c) {
  const char *args[] = {"--brain",
                        "oracle",
                        "--domain",
                        CLIFFS "/domain.pddl",
                        "--problem-dir",
                        CLIFFS "/instances",
                        "--pb-config",
                        CLIFFS "/cliffs.yaml",
                        "--noise",
                        "none",
                        NULL};
  ASSERT_EQ(mockllm_start(&c->m, args), 0);
  plan_llm_options lo;
  plan_llm_options_init(&lo, PLAN_LLM_OPTIONS_VERSION);
  lo.base_url = c->m.base_url;
  lo.model = "oracle";
  plan_error err;
  ASSERT_OK(plan_llm_openai_create(&lo, &c->llm, &err));
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so.concurrency = 8;
  so.max_attempts = 1;
  ASSERT_OK(plan_scheduler_create(c->llm, &so, &c->sched, &err));
}

static void client_close(client *c) {
  plan_scheduler_destroy(c->sched);
  plan_llm_destroy(c->llm);
  mockllm_stop(&c->m);
  ASSERT_EQ(c->m.exit_status, 0);
}

/* One request with n choices; the caller clears *out. */
static void ask(client *c, const char *user, unsigned n,
                plan_llm_response *out) {
  const char *system = plan__prompt_builtin("pddl-system.txt");
  ASSERT(system);
  plan_message msgs[2] = {{"system", system}, {"user", user}};
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.messages = msgs;
  req.n_messages = 2;
  req.n = n;
  req.has_seed = true;
  req.seed = 1;
  plan_llm_response_init(out);
  ASSERT_OK(plan_scheduler_run(c->sched, &req, 1, out));
  if (out->status != PLAN_OK)
    fprintf(stderr, "%s\n", out->error ? out->error : "?");
  ASSERT_OK(out->status);
  ASSERT_EQ(out->n_choices, n);
}

/* The default value template with its question replaced by a 1-10 scale. */
static char *number_template(const fixture *fx) {
  const char *t =
      plan__prompts_text(fx->prompts, PLAN__FAMILY_PDDL, PLAN__ROLE_VALUE);
  const char *q = strstr(t, "[QUESTION]\n");
  ASSERT(q);
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_append(&b, t, (size_t)(q - t));
  plan__buf_puts(&b, "[QUESTION]\nRate the conditions from 1 to 10. Answer "
                     "with the number only.\n");
  return plan__buf_take(&b);
}

/* Judge and value after acts[0..n): a dead end (failure, value 0) or a
 * state on an optimal path (on track or success, never impossible). */
static void check_state(client *c, const fixture *fx, const uint32_t *acts,
                        size_t n, bool dead, bool goal) {
  plan_llm_response r;
  char *u = prompt_for(fx, PLAN__ROLE_JUDGE, acts, n, NULL, NULL);
  ask(c, u, 1, &r);
  ASSERT_STR_EQ(r.choices[0].text, dead   ? "Status: failure"
                                   : goal ? "Status: success"
                                          : "Status: on track");
  plan_llm_response_clear(&r);
  plan__free(u);
  u = prompt_for(fx, PLAN__ROLE_VALUE, acts, n, NULL, NULL);
  ask(c, u, 20, &r);
  for (size_t j = 0; j < r.n_choices; j++) {
    const char *w = r.choices[j].text;
    if (dead)
      ASSERT_STR_EQ(w, "impossible");
    else
      ASSERT(!strcmp(w, "sure") || !strcmp(w, "likely"));
  }
  plan_llm_response_clear(&r);
  plan__free(u);
  if (!dead)
    return;
  char *num = number_template(fx);
  u = prompt_for(fx, PLAN__ROLE_VALUE, acts, n, NULL, num);
  ask(c, u, 3, &r);
  for (size_t j = 0; j < r.n_choices; j++)
    ASSERT_STR_EQ(r.choices[j].text, "1");
  plan_llm_response_clear(&r);
  plan__free(u);
  plan__free(num);
}

/* The traps of the state after acts[0..n): irreversible actions whose
 * successor is a dead end. Writes up to cap ids; returns their number. */
static size_t traps_after(const fixture *fx, const uint32_t *acts, size_t n,
                          uint32_t *out, size_t cap) {
  uint64_t *s = state_after(fx, acts, n);
  size_t i = plan__state_space_find(&fx->sp, s);
  ASSERT(i != SIZE_MAX);
  size_t k = 0;
  for (size_t e = fx->sp.first[i]; e < fx->sp.first[i + 1] && k < cap; e++) {
    const char *schema = fx->task->actions[fx->sp.edge_action[e]].schema;
    if (fx->sp.dist[fx->sp.edge_to[e]] == PLAN__DEADEND_UNREACHABLE &&
        (!strcmp(schema, "slide") || !strcmp(schema, "cross")))
      out[k++] = fx->sp.edge_action[e];
  }
  plan__free(s);
  return k;
}

static void check_instance(client *c, int instance) {
  fixture fx;
  fixture_open(&fx, instance);
  size_t L = fx.n_plan;
  uint32_t *acts = plan__calloc(L + 1, sizeof *acts);
  ASSERT(acts);
  size_t traps_seen = 0;
  for (size_t i = 0; i <= L; i++) {
    memcpy(acts, fx.plan, i * sizeof *acts);
    check_state(c, &fx, acts, i, false, i == L);
    if (i == L)
      break;
    uint32_t traps[8];
    size_t nt = traps_after(&fx, acts, i, traps, 8);
    if (i == 0)
      ASSERT_EQ(nt, fx.stats.init_traps);
    for (size_t k = 0; k < nt; k++) {
      acts[i] = traps[k];
      check_state(c, &fx, acts, i + 1, true, false);
      traps_seen++;
    }
    if (i == 0 && nt > 0) {
      /* The world model predicts the dead end exactly. */
      plan_llm_response r;
      const char *name = fx.task->actions[traps[0]].name;
      char *u = prompt_for(&fx, PLAN__ROLE_WORLD, acts, 0, name, NULL);
      ask(c, u, 1, &r);
      const char *p = strstr(r.choices[0].text, "Resulting State: ");
      ASSERT(p);
      uint64_t *got = plan__calloc(fx.task->n_words, sizeof *got);
      ASSERT(got);
      size_t unknown = 0;
      ASSERT_OK(plan__pddl_text_parse_state(fx.cfg, fx.task, p, strlen(p), got,
                                            &unknown));
      ASSERT_EQ(unknown, 0);
      uint64_t *want = state_after(&fx, traps, 1);
      ASSERT(!memcmp(got, want, fx.task->n_words * sizeof *got));
      plan__free(want);
      plan__free(got);
      plan_llm_response_clear(&r);
      plan__free(u);
      /* The proposer's answers are actions of the task, in words. */
      u = prompt_for(&fx, PLAN__ROLE_PROPOSE, acts, 0, NULL, NULL);
      ask(c, u, 8, &r);
      for (size_t j = 0; j < r.n_choices; j++) {
        const char *a = strstr(r.choices[j].text, "Action: ");
        ASSERT(a);
        a += strlen("Action: ");
        long id = plan__pddl_text_to_action(fx.cfg, fx.task, a, strlen(a));
        ASSERT(id >= 0);
        ASSERT(plan__pddl_applicable(fx.task, fx.task->init, (size_t)id));
      }
      plan_llm_response_clear(&r);
      plan__free(u);
    }
  }
  ASSERT(traps_seen >= fx.stats.init_traps);
  fprintf(stderr, "   instance %d: %zu steps, %zu dead ends judged\n", instance,
          L, traps_seen);
  plan__free(acts);
  fixture_close(&fx);
}

static void test_dead_ends(void) {
  client c;
  client_open(&c);
  check_instance(&c, 1); /* small */
  check_instance(&c, 2); /* medium, on a terrace map */
  check_instance(&c, 3);
  client_close(&c);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_dead_ends);
  TEST_END();
}
