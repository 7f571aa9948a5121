/* tests/integration/test_mockllm_oracle.c: the noisy PDDL oracle brain of
 * the mockllm test double (benchmarks/mockllm/brain_oracle.c), driven over
 * real HTTP through the OpenAI backend and the scheduler, with prompts
 * rendered from the components' default templates (data/prompts, as
 * plan__comp_prompt renders them) on PlanBench Blocksworld instances.
 *
 * - exact answers (--noise none) checked against the simulator and the
 *   optimal planner, every role, along optimal plans;
 * - the named noise levels: malformed, inapplicable and wrong-state rates
 *   and the value sigma, measured over thousands of samples;
 * - determinism: same prompt + seed + choice index, same answer, whatever
 *   the order or concurrency of the requests;
 * - the test-double model name, prompt errors and start-up errors.
 *
 * Needs ../shared/data/planbench (skipped with a message without it). */
#include <math.h>

#include "benchmarks/planbench/planbench.h"
#include "core/core.h"
#include "mockllm_proc.h"
#include "planner/components/comp_int.h"
#include "solvers/strips/strips.h"
#include "test.h"
#include "worldmodel/pddl/pddl.h"

static const char *data = PLAN_SOURCE_DIR "/../shared/data/planbench";
#define DOMAIN "/instances/blocksworld/generated_domain.pddl"
#define PROBLEMS "/instances/blocksworld/generated_basic"

static char domain_path[512], problems_path[512];

/* ======================================================================
 * Fixture: a task, its config, the default templates, a client
 * ====================================================================== */

typedef struct fixture {
  plan__pddl_task *task;
  plan__pb_config *cfg;
  plan__prompts *prompts;
  plan__domain *dom;
  uint32_t *plan; /* an optimal plan */
  size_t n_plan;
} fixture;

static void fixture_open(fixture *fx, int instance) {
  memset(fx, 0, sizeof *fx);
  char prob[600];
  snprintf(prob, sizeof prob, "%s/instance-%d.pddl", problems_path, instance);
  plan_error err;
  ASSERT_OK(plan__pddl_task_load(domain_path, prob, &fx->task, &err));
  ASSERT_OK(plan__pb_config_load(data, "blocksworld", &fx->cfg, &err));
  ASSERT_OK(plan__prompts_load(NULL, &fx->prompts, &err));
  ASSERT_OK(
      plan__domain_pddl_create(fx->task, fx->cfg, fx->prompts, &fx->dom, &err));
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
  plan__domain_free(fx->dom);
  plan__prompts_free(fx->prompts);
  plan__pb_config_free(fx->cfg);
  plan__pddl_task_free(fx->task);
}

/* The state after the first `steps` actions of the optimal plan. */
static uint64_t *state_after(const fixture *fx, size_t steps) {
  uint64_t *s = plan__calloc(fx->task->n_words, sizeof *s);
  ASSERT(s);
  plan__pddl_state_init(fx->task, s);
  for (size_t i = 0; i < steps; i++) {
    ASSERT(plan__pddl_applicable(fx->task, s, fx->plan[i]));
    plan__pddl_apply(fx->task, s, fx->plan[i], s);
  }
  return s;
}

/* The user message of role for the state after `steps` plan actions, with
 * that history, as plan__comp_prompt renders it. template_text overrides
 * the template (NULL: the default). action: the world prompt's action. */
static char *prompt_for(const fixture *fx, plan__prompt_role role, size_t steps,
                        const char *action, unsigned k,
                        const char *template_text) {
  uint64_t *s = state_after(fx, steps);
  plan__buf state;
  plan__buf hist;
  plan__buf out;
  plan__buf_init(&state, 0);
  plan__buf_init(&hist, 0);
  plan__buf_init(&out, 0);
  ASSERT_OK(plan__pddl_text_state(fx->cfg, fx->task, s, &state));
  for (size_t i = 0; i < steps; i++) {
    plan__buf_printf(&hist, "%s%zu. ", i ? "\n" : "", i + 1);
    ASSERT_OK(plan__pddl_text_action(
        fx->cfg, fx->task->actions[fx->plan[i]].name, &hist));
  }
  if (steps == 0)
    plan__buf_puts(&hist, "(none)");
  plan__buf act;
  plan__buf_init(&act, 0);
  if (action)
    ASSERT_OK(plan__pddl_text_action(fx->cfg, action, &act));
  plan__prompt_vars v = {.domain = fx->dom->intro,
                         .state = state.data,
                         .goal = fx->dom->goal,
                         .actions = fx->dom->actions,
                         .history = hist.data,
                         .action = act.data,
                         .k = k};
  const char *t =
      template_text ? template_text
                    : plan__prompts_text(fx->prompts, PLAN__FAMILY_PDDL, role);
  ASSERT_OK(plan__template_render(t, "test", &v, &out, NULL));
  char *text = plan__buf_take(&out);
  plan__buf_free(&state);
  plan__buf_free(&hist);
  plan__buf_free(&act);
  plan__free(s);
  return text;
}

typedef struct client {
  mockllm_proc m;
  plan_llm *llm;
  plan_scheduler *sched;
} client;

/* Starts the oracle with the given noise level and --seed. */
static void client_open(client *c, const char *noise, const char *seed) {
  const char *args[] = {"--brain",       "oracle",      "--domain", domain_path,
                        "--problem-dir", problems_path, "--noise",  noise,
                        "--seed",        seed,          NULL};
  ASSERT_EQ(mockllm_start(&c->m, args), 0);
  plan_llm_options lo;
  plan_llm_options_init(&lo, PLAN_LLM_OPTIONS_VERSION);
  lo.base_url = c->m.base_url;
  lo.model = "oracle";
  plan_error err;
  ASSERT_OK(plan_llm_openai_create(&lo, &c->llm, &err));
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so.concurrency = 16;
  so.max_attempts = 1;
  ASSERT_OK(plan_scheduler_create(c->llm, &so, &c->sched, &err));
}

static void client_close(client *c) {
  plan_scheduler_destroy(c->sched);
  plan_llm_destroy(c->llm);
  mockllm_stop(&c->m);
  ASSERT_EQ(c->m.exit_status, 0);
}

/* Runs one request per user text (n choices each, seed seeds[i]) as one
 * batch. The caller clears the responses. */
static void ask_many(client *c, char *const *users, size_t n_req, unsigned n,
                     const int64_t *seeds, plan_llm_response *out) {
  plan_message *msgs = plan__calloc(2 * n_req, sizeof *msgs);
  plan_llm_request *reqs = plan__calloc(n_req, sizeof *reqs);
  ASSERT(msgs && reqs);
  const char *system = plan__prompt_builtin("pddl-system.txt");
  ASSERT(system);
  for (size_t i = 0; i < n_req; i++) {
    msgs[2 * i] = (plan_message){"system", system};
    msgs[2 * i + 1] = (plan_message){"user", users[i]};
    plan_llm_request_init(&reqs[i], PLAN_LLM_REQUEST_VERSION);
    reqs[i].messages = &msgs[2 * i];
    reqs[i].n_messages = 2;
    reqs[i].n = n;
    reqs[i].has_seed = true;
    reqs[i].seed = seeds[i];
    plan_llm_response_init(&out[i]);
  }
  ASSERT_OK(plan_scheduler_run(c->sched, reqs, n_req, out));
  plan__free(msgs);
  plan__free(reqs);
}

static void ask(client *c, const char *user, unsigned n, int64_t seed,
                plan_llm_response *out) {
  char *u = (char *)user;
  ask_many(c, &u, 1, n, &seed, out);
  ASSERT_OK(out->status);
  ASSERT_EQ(out->n_choices, n);
}

/* ======================================================================
 * Reading answers
 * ====================================================================== */

static bool is_malformed(const char *t) {
  return strcmp(t, "Let me think about this carefully before answering.") ==
             0 ||
         strcmp(t, "Hmm, I would need to look at the blocks again to tell.") ==
             0 ||
         strcmp(t, "{\"answer\": \"") == 0;
}

/* The action id an "Action: X" answer names, -1 if none. */
static long answer_action(const fixture *fx, const char *t) {
  const char *p = strstr(t, "Action: ");
  if (!p)
    return -1;
  p += strlen("Action: ");
  return plan__pddl_text_to_action(fx->cfg, fx->task, p, strlen(p));
}

/* Parses "Resulting State: ..." into out; false if it does not parse. */
static bool answer_state(const fixture *fx, const char *t, uint64_t *out) {
  const char *p = strstr(t, "Resulting State: ");
  if (!p)
    return false;
  size_t unknown = 0;
  ASSERT_OK(plan__pddl_text_parse_state(fx->cfg, fx->task, p, strlen(p), out,
                                        &unknown));
  return unknown == 0;
}

static double word_value(const char *t) {
  if (!strcmp(t, "sure"))
    return 1.0;
  if (!strcmp(t, "likely"))
    return 0.5;
  if (!strcmp(t, "impossible"))
    return 0.0;
  return -1;
}

/* A value template asking for a number on a scale: the default one with
 * the question replaced. */
static char *number_template(const fixture *fx, const char *question) {
  const char *t =
      plan__prompts_text(fx->prompts, PLAN__FAMILY_PDDL, PLAN__ROLE_VALUE);
  const char *q = strstr(t, "[QUESTION]\n");
  ASSERT(q);
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_append(&b, t, (size_t)(q - t));
  plan__buf_puts(&b, "[QUESTION]\n");
  plan__buf_puts(&b, question);
  return plan__buf_take(&b);
}

/* ======================================================================
 * Exact answers
 * ====================================================================== */

static void check_exact_instance(client *c, int instance) {
  fixture fx;
  fixture_open(&fx, instance);
  const plan__pddl_task *t = fx.task;
  size_t L = fx.n_plan;
  char *num_tmpl = number_template(
      &fx, "Rate the conditions from 1 to 10. Answer with the number only.\n");
  for (size_t i = 0; i <= L; i++) {
    uint64_t *s = state_after(&fx, i);
    plan_llm_response r;

    /* propose: every sample an applicable action. */
    char *u = prompt_for(&fx, PLAN__ROLE_PROPOSE, i, NULL, 5, NULL);
    ask(c, u, 16, (int64_t)i, &r);
    for (size_t j = 0; j < r.n_choices; j++) {
      long a = answer_action(&fx, r.choices[j].text);
      ASSERT(a >= 0);
      ASSERT(plan__pddl_applicable(t, s, (size_t)a));
    }
    plan_llm_response_clear(&r);
    plan__free(u);

    /* propose-list with room for all: exactly the applicable actions. */
    u = prompt_for(&fx, PLAN__ROLE_PROPOSE_LIST, i, NULL, 50, NULL);
    ask(c, u, 1, 1, &r);
    uint32_t app[256];
    size_t n_app = plan__pddl_applicable_actions(t, s, app, 256);
    size_t listed = 0;
    for (char *line = r.choices[0].text; line && *line;) {
      char *e = strchr(line, '\n');
      size_t n = e ? (size_t)(e - line) : strlen(line);
      const char *dot = memchr(line, '.', n);
      ASSERT(dot);
      long a = plan__pddl_text_to_action(fx.cfg, t, dot + 2,
                                         n - (size_t)(dot + 2 - line));
      ASSERT(a >= 0);
      ASSERT(plan__pddl_applicable(t, s, (size_t)a));
      listed++;
      line = e ? e + 1 : NULL;
    }
    ASSERT_EQ(listed, n_app);
    plan_llm_response_clear(&r);
    plan__free(u);

    /* judge */
    u = prompt_for(&fx, PLAN__ROLE_JUDGE, i, NULL, 5, NULL);
    ask(c, u, 2, 1, &r);
    ASSERT_STR_EQ(r.choices[0].text,
                  i == L ? "Status: success" : "Status: on track");
    ASSERT_STR_EQ(r.choices[1].text, r.choices[0].text);
    plan_llm_response_clear(&r);
    plan__free(u);

    /* value: v = 1 - h/(2 h0) with h = L - i and h0 = L (the history
     * identifies the instance). On the 1-10 scale exactly round(1 + 9v);
     * the rubric words are the two around v, with mean v. */
    double v = 1.0 - (double)(L - i) / (2.0 * (double)L);
    u = prompt_for(&fx, PLAN__ROLE_VALUE, i, NULL, 5, num_tmpl);
    ask(c, u, 3, 1, &r);
    char want[16];
    snprintf(want, sizeof want, "%.0f", floor(1 + 9 * v + 0.5));
    for (size_t j = 0; j < r.n_choices; j++)
      ASSERT_STR_EQ(r.choices[j].text, want);
    plan_llm_response_clear(&r);
    plan__free(u);
    u = prompt_for(&fx, PLAN__ROLE_VALUE, i, NULL, 5, NULL);
    ask(c, u, 100, 2, &r);
    double sum = 0;
    for (size_t j = 0; j < r.n_choices; j++) {
      double w = word_value(r.choices[j].text);
      ASSERT(w >= 0.5); /* never "impossible" on an optimal path */
      if (i == 0)
        ASSERT(w == 0.5);
      if (i == L)
        ASSERT(w == 1.0);
      sum += w;
    }
    ASSERT_NEAR(sum / (double)r.n_choices, v, 0.15);
    plan_llm_response_clear(&r);
    plan__free(u);

    if (i < L) {
      /* world: the plan's next action gives the simulator's successor. */
      const char *name = t->actions[fx.plan[i]].name;
      u = prompt_for(&fx, PLAN__ROLE_WORLD, i, name, 5, NULL);
      ask(c, u, 3, 1, &r);
      uint64_t *want_s = state_after(&fx, i + 1);
      uint64_t *got = plan__calloc(t->n_words, sizeof *got);
      ASSERT(got);
      for (size_t j = 0; j < r.n_choices; j++) {
        ASSERT(answer_state(&fx, r.choices[j].text, got));
        ASSERT(memcmp(got, want_s, t->n_words * sizeof *got) == 0);
      }
      plan__free(got);
      plan__free(want_s);
      plan_llm_response_clear(&r);
      plan__free(u);
      /* ... and an inapplicable action is refused. */
      size_t bad = 0;
      while (bad < t->n_actions &&
             (plan__pddl_applicable(t, s, bad) ||
              (t->actions[bad].n_args == 2 &&
               t->actions[bad].args[0] == t->actions[bad].args[1])))
        bad++;
      ASSERT(bad < t->n_actions);
      u = prompt_for(&fx, PLAN__ROLE_WORLD, i, t->actions[bad].name, 5, NULL);
      ask(c, u, 1, 1, &r);
      ASSERT_CONTAINS(r.choices[0].text, "not applicable");
      plan_llm_response_clear(&r);
      plan__free(u);
    }
    plan__free(s);
  }
  plan__free(num_tmpl);
  fixture_close(&fx);
}

static void test_exact_roles(void) {
  client c;
  client_open(&c, "none", "0");
  check_exact_instance(&c, 1);
  check_exact_instance(&c, 7);
  check_exact_instance(&c, 42);
  client_close(&c);
}

/* ======================================================================
 * Noise levels
 * ====================================================================== */

struct level {
  const char *name;
  double inapplicable, wrong, sigma, malformed;
};

#define REQS 20
#define PER 100 /* choices per request: 2000 samples per role */

static void check_level(const struct level *lv) {
  client c;
  client_open(&c, lv->name, "3");
  fixture fx;
  fixture_open(&fx, 12);
  const plan__pddl_task *t = fx.task;
  uint64_t *s0 = state_after(&fx, 0);
  uint64_t *s1 = state_after(&fx, 1);
  char *users[REQS];
  int64_t seeds[REQS];
  plan_llm_response r[REQS];
  size_t malformed = 0;
  size_t total = 0;

  /* propose */
  for (size_t i = 0; i < REQS; i++) {
    users[i] = prompt_for(&fx, PLAN__ROLE_PROPOSE, 0, NULL, 5, NULL);
    seeds[i] = (int64_t)i;
  }
  ask_many(&c, users, REQS, PER, seeds, r);
  size_t well = 0;
  size_t inapp = 0;
  for (size_t i = 0; i < REQS; i++) {
    ASSERT_OK(r[i].status);
    for (size_t j = 0; j < r[i].n_choices; j++, total++) {
      const char *x = r[i].choices[j].text;
      if (is_malformed(x)) {
        malformed++;
        continue;
      }
      long a = answer_action(&fx, x);
      ASSERT(a >= 0);
      well++;
      inapp += !plan__pddl_applicable(t, s0, (size_t)a);
    }
    plan_llm_response_clear(&r[i]);
    plan__free(users[i]);
  }
  double rate_inapp = (double)inapp / (double)well;

  /* world */
  const char *name = t->actions[fx.plan[0]].name;
  for (size_t i = 0; i < REQS; i++)
    users[i] = prompt_for(&fx, PLAN__ROLE_WORLD, 0, name, 5, NULL);
  ask_many(&c, users, REQS, PER, seeds, r);
  uint64_t *got = plan__calloc(t->n_words, sizeof *got);
  ASSERT(got);
  size_t well_w = 0;
  size_t wrong = 0;
  for (size_t i = 0; i < REQS; i++) {
    ASSERT_OK(r[i].status);
    for (size_t j = 0; j < r[i].n_choices; j++, total++) {
      const char *x = r[i].choices[j].text;
      if (is_malformed(x)) {
        malformed++;
        continue;
      }
      ASSERT(answer_state(&fx, x, got));
      well_w++;
      wrong += memcmp(got, s1, t->n_words * sizeof *got) != 0;
    }
    plan_llm_response_clear(&r[i]);
    plan__free(users[i]);
  }
  plan__free(got);
  double rate_wrong = (double)wrong / (double)well_w;

  /* value at the initial state (v = 0.5) on a 0-1000 scale: the noise is
   * N(0, sigma) clamped to [0, 1], so P(|x - 0.5| <= sigma) = 0.683 and
   * P(|x - 0.5| <= sigma / 2) = 0.383 as long as sigma <= 0.5. */
  char *tmpl = number_template(
      &fx, "Rate the conditions from 0 to 1000. Answer with the number "
           "only.\n");
  for (size_t i = 0; i < REQS; i++)
    users[i] = prompt_for(&fx, PLAN__ROLE_VALUE, 0, NULL, 5, tmpl);
  ask_many(&c, users, REQS, PER, seeds, r);
  size_t well_v = 0;
  size_t in1 = 0;
  size_t in_half = 0;
  double sum = 0;
  for (size_t i = 0; i < REQS; i++) {
    ASSERT_OK(r[i].status);
    for (size_t j = 0; j < r[i].n_choices; j++, total++) {
      const char *x = r[i].choices[j].text;
      if (is_malformed(x)) {
        malformed++;
        continue;
      }
      double d;
      ASSERT(plan__parse_double(x, &d));
      d = d / 1000.0 - 0.5;
      sum += d;
      well_v++;
      in1 += fabs(d) <= lv->sigma + 0.0005;
      in_half += fabs(d) <= lv->sigma / 2 + 0.0005;
    }
    plan_llm_response_clear(&r[i]);
    plan__free(users[i]);
  }
  plan__free(tmpl);
  double rate_mal = (double)malformed / (double)total;
  fprintf(stderr,
          "   %s: malformed %.3f (want %.2f), inapplicable %.3f (%.2f), "
          "wrong states %.3f (%.2f), |noise| <= sigma %.3f (0.683), "
          "<= sigma/2 %.3f (0.383), mean noise %+.3f\n",
          lv->name, rate_mal, lv->malformed, rate_inapp, lv->inapplicable,
          rate_wrong, lv->wrong, (double)in1 / (double)well_v,
          (double)in_half / (double)well_v, sum / (double)well_v);
  ASSERT_NEAR(rate_mal, lv->malformed, 0.02);
  ASSERT_NEAR(rate_inapp, lv->inapplicable, 0.04);
  ASSERT_NEAR(rate_wrong, lv->wrong, 0.04);
  ASSERT_NEAR((double)in1 / (double)well_v, 0.683, 0.04);
  ASSERT_NEAR((double)in_half / (double)well_v, 0.383, 0.04);
  ASSERT_NEAR(sum / (double)well_v, 0.0, 0.03);
  plan__free(s0);
  plan__free(s1);
  fixture_close(&fx);
  client_close(&c);
}

static void test_noise_levels(void) {
  static const struct level levels[] = {
      {"low", 0.10, 0.05, 0.10, 0.02},
      {"middle", 0.30, 0.15, 0.25, 0.05},
      {"high", 0.50, 0.30, 0.40, 0.10},
  };
  for (size_t i = 0; i < PLAN_ARRAY_LEN(levels); i++)
    check_level(&levels[i]);
}

/* ======================================================================
 * Determinism
 * ====================================================================== */

/* The texts of a response joined, for comparisons (new string). */
static char *joined(const plan_llm_response *r) {
  plan__buf b;
  plan__buf_init(&b, 0);
  for (size_t j = 0; j < r->n_choices; j++) {
    plan__buf_puts(&b, r->choices[j].text);
    plan__buf_putc(&b, '\x1e');
  }
  return plan__buf_take(&b);
}

#define DET 12

static void test_determinism(void) {
  fixture fx;
  fixture_open(&fx, 3);
  char *users[DET];
  int64_t seeds[DET];
  static const plan__prompt_role roles[] = {
      PLAN__ROLE_PROPOSE, PLAN__ROLE_PROPOSE_LIST, PLAN__ROLE_VALUE,
      PLAN__ROLE_WORLD,   PLAN__ROLE_JUDGE,        PLAN__ROLE_VALUE};
  for (size_t i = 0; i < DET; i++) {
    plan__prompt_role role = roles[i % PLAN_ARRAY_LEN(roles)];
    size_t step = i % fx.n_plan;
    users[i] = prompt_for(&fx, role, step, fx.task->actions[fx.plan[step]].name,
                          4, NULL);
    seeds[i] = (int64_t)(i / 3);
  }
  char *first[DET];
  plan_llm_response r[DET];

  client c;
  client_open(&c, "high", "11");
  /* One concurrent batch. */
  ask_many(&c, users, DET, 20, seeds, r);
  for (size_t i = 0; i < DET; i++) {
    ASSERT_OK(r[i].status);
    ASSERT_STR_EQ(r[i].model, "mockllm-oracle-test-double");
    first[i] = joined(&r[i]);
    plan_llm_response_clear(&r[i]);
  }
  /* Sequentially, in reverse order: the same answers. */
  for (size_t k = DET; k-- > 0;) {
    ask(&c, users[k], 20, seeds[k], &r[0]);
    char *again = joined(&r[0]);
    ASSERT_STR_EQ(again, first[k]);
    plan__free(again);
    plan_llm_response_clear(&r[0]);
  }
  /* The choices of one request differ (high noise, 20 samples). */
  ask(&c, users[2], 20, 0, &r[0]);
  bool differ = false;
  for (size_t j = 1; j < r[0].n_choices; j++)
    differ = differ || strcmp(r[0].choices[j].text, r[0].choices[0].text);
  ASSERT(differ);
  char *seed0 = joined(&r[0]);
  plan_llm_response_clear(&r[0]);
  /* Another request seed, other answers. */
  ask(&c, users[2], 20, 99, &r[0]);
  char *seed99 = joined(&r[0]);
  ASSERT(strcmp(seed0, seed99) != 0);
  plan_llm_response_clear(&r[0]);
  client_close(&c);

  /* A fresh server with the same --seed answers the same; another --seed
   * differently. */
  client_open(&c, "high", "11");
  ask(&c, users[2], 20, 0, &r[0]);
  char *again = joined(&r[0]);
  ASSERT_STR_EQ(again, seed0);
  plan__free(again);
  plan_llm_response_clear(&r[0]);
  client_close(&c);
  client_open(&c, "high", "12");
  ask(&c, users[2], 20, 0, &r[0]);
  again = joined(&r[0]);
  ASSERT(strcmp(again, seed0) != 0);
  plan__free(again);
  plan_llm_response_clear(&r[0]);
  client_close(&c);

  plan__free(seed0);
  plan__free(seed99);
  for (size_t i = 0; i < DET; i++) {
    plan__free(first[i]);
    plan__free(users[i]);
  }
  fixture_close(&fx);
}

/* ======================================================================
 * Errors
 * ====================================================================== */

static void test_errors(void) {
  client c;
  client_open(&c, "low", "0");
  plan_llm_response r;
  const char *bad[] = {
      "plan something",
      "[ROLE: value]\n[STATE]\nAs initial conditions I have that, the hand "
      "is empty and the purple block is clear.\n[GOAL]\nMy goal is to have "
      "that the red block is clear.\n",
      "[ROLE: propose]\nno state here\n"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(bad); i++) {
    char *u = (char *)bad[i];
    int64_t seed = 1;
    ask_many(&c, &u, 1, 1, &seed, &r);
    ASSERT(r.status != PLAN_OK);
    ASSERT_EQ(r.http_status, 400);
    ASSERT_CONTAINS(r.error, "oracle");
    plan_llm_response_clear(&r);
  }
  client_close(&c);

  /* Start-up: no --domain (exit 1), a bad level (exit 2), a problem folder
   * that holds no problem (exit 1). */
  mockllm_proc m;
  const char *no_domain[] = {"--brain", "oracle", NULL};
  ASSERT_EQ(mockllm_start(&m, no_domain), -1);
  ASSERT_EQ(m.exit_status, 1);
  const char *bad_noise[] = {"--domain", domain_path, "--noise", "loud", NULL};
  ASSERT_EQ(mockllm_start(&m, bad_noise), -1);
  ASSERT_EQ(m.exit_status, 2);
  const char *empty_dir[] = {"--domain", domain_path, "--problem-dir",
                             PLAN_SOURCE_DIR "/tests/integration", NULL};
  ASSERT_EQ(mockllm_start(&m, empty_dir), -1);
  ASSERT_EQ(m.exit_status, 1);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  snprintf(domain_path, sizeof domain_path, "%s%s", data, DOMAIN);
  snprintf(problems_path, sizeof problems_path, "%s%s", data, PROBLEMS);
  FILE *f = fopen(domain_path, "r");
  if (!f) {
    fprintf(stderr, "   (no PlanBench data at %s: skipped)\n", data);
    plan_global_cleanup();
    return 0;
  }
  fclose(f);
  RUN(test_exact_roles);
  RUN(test_noise_levels);
  RUN(test_determinism);
  RUN(test_errors);
  TEST_END();
}
