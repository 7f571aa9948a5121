/* tests/unit/test_gen_deadend.c: the dead-end domain and its generator
 * (worldmodel/pddl/gen_deadend.c, docs/deadend.md): the exact state space
 * on a task small enough to check by hand, determinism of the generator
 * for a seed, the properties every generated instance must have (solvable
 * in the size's range, confirmed by A*; no plan without an irreversible
 * action; a trap at the start that leads into a dead end), the shipped
 * instances (exactly what the documented command writes), and the natural
 * language of data/pddl/cliffs/cliffs.yaml: every reachable state and
 * every ground action of an instance rendered and read back. */
#include <string.h>

#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"
#include "planner/components/components.h"
#include "solvers/strips/strips.h"
#include "test.h"
#include "worldmodel/pddl/gen_deadend.h"
#include "worldmodel/pddl/pddl.h"

#define CLIFFS PLAN_SOURCE_DIR "/data/pddl/cliffs"

TEST_COUNTING_ALLOCATOR()

/* ======================================================================
 * Helpers
 * ====================================================================== */

static plan__pddl_domain *cliffs_domain(void) {
  const char *t = plan__cliffs_domain_pddl();
  plan__pddl_domain *dom = NULL;
  plan_error err;
  ASSERT_OK(plan__pddl_domain_parse(t, strlen(t), "cliffs", &dom, &err));
  return dom;
}

static plan__pddl_task *task_from(const plan__pddl_domain *dom,
                                  const char *text) {
  plan__pddl_problem *prob = NULL;
  plan__pddl_task *task = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st =
      plan__pddl_problem_parse(dom, text, strlen(text), "p", &prob, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  ASSERT_OK(plan__pddl_task_create(dom, prob, &task, &err));
  plan__pddl_problem_free(prob);
  return task;
}

static plan__pb_config *cliffs_config(void) {
  plan_error err;
  memset(&err, 0, sizeof err);
  json_t *doc = plan__yaml_load(CLIFFS "/cliffs.yaml", &err);
  if (!doc)
    fprintf(stderr, "%s\n", err.text);
  ASSERT(doc != NULL);
  plan__pb_config *cfg = NULL;
  ASSERT_OK(plan__pb_config_from_json(doc, "cliffs", &cfg, &err));
  json_decref(doc);
  ASSERT_EQ(cfg->family, PLAN__PB_FAMILY_OTHER);
  return cfg;
}

static size_t n_irr;
static const char *const *irr;

static void analyse(const plan__pddl_task *task, size_t max_states,
                    plan__state_space *sp, plan__deadend_stats *st) {
  plan_error err;
  ASSERT_OK(plan__state_space_build(task, max_states, sp, &err));
  irr = plan__cliffs_irreversible(&n_irr);
  ASSERT_OK(plan__deadend_stats_compute(task, sp, irr, n_irr, st));
}

/* The state reached from state `from` of sp by ground action a. */
static size_t successor(const plan__pddl_task *task,
                        const plan__state_space *sp, size_t from,
                        const char *action) {
  long a = plan__pddl_action_lookup(task, action);
  ASSERT(a >= 0);
  for (size_t e = sp->first[from]; e < sp->first[from + 1]; e++)
    if (sp->edge_action[e] == (uint32_t)a)
      return sp->edge_to[e];
  ASSERT(!"action not applicable");
  return SIZE_MAX;
}

/* ======================================================================
 * The state space, by hand
 * ====================================================================== */

/* The robot at the mill, the crate at the farm (a trail between them), a
 * slide from the mill to the goal place, the harbor, and one from the farm
 * into the quarry, a pit. 14 reachable states: 8 from which the goal is
 * reachable, 6 dead ends (the robot at the harbor without the crate, or in
 * the quarry). */
static const char tiny[] =
    "(define (problem tiny) (:domain cliffs)\n"
    " (:objects mill farm harbor quarry red-crate)\n"
    " (:init (robot-at mill) (at red-crate farm) (trail mill farm)\n"
    "        (trail farm mill) (chute mill harbor) (chute farm quarry))\n"
    " (:goal (and (at red-crate harbor))))\n";

static void test_state_space(void) {
  plan__pddl_domain *dom = cliffs_domain();
  plan__pddl_task *task = task_from(dom, tiny);
  plan__state_space sp;
  plan__deadend_stats st;
  analyse(task, 0, &sp, &st);
  ASSERT_EQ(sp.n_states, 14);
  ASSERT_EQ(st.states, 14);
  ASSERT_EQ(st.dead_states, 6);
  ASSERT_EQ(st.optimal, 5);
  ASSERT(!st.reversible_solvable);
  /* At the start the slide to the harbor leaves the crate behind. */
  ASSERT_EQ(st.init_traps, 1);
  ASSERT_EQ(st.n_init_trap_actions, 1);
  ASSERT_STR_EQ(task->actions[st.init_trap_actions[0]].name,
                "(slide mill harbor)");
  /* The plan walk, pick up, walk back, slide, drop meets three traps:
   * the slide to the harbor at the start, the slide into the quarry with
   * and without the crate. */
  ASSERT_EQ(st.path_traps, 3);
  ASSERT_EQ(st.path_irreversible, 1);
  ASSERT_EQ(sp.dist[0], 5);
  size_t s = successor(task, &sp, 0, "(slide mill harbor)");
  ASSERT_EQ(sp.dist[s], PLAN__DEADEND_UNREACHABLE);
  s = successor(task, &sp, 0, "(walk mill farm)");
  ASSERT_EQ(sp.dist[s], 4);
  s = successor(task, &sp, s, "(pick-up red-crate farm)");
  ASSERT_EQ(sp.dist[s], 3);
  ASSERT_EQ(sp.dist[successor(task, &sp, s, "(slide farm quarry)")],
            PLAN__DEADEND_UNREACHABLE);
  s = successor(task, &sp, s, "(walk farm mill)");
  ASSERT_EQ(sp.dist[s], 2);
  s = successor(task, &sp, s, "(slide mill harbor)");
  ASSERT_EQ(sp.dist[s], 1);
  s = successor(task, &sp, s, "(drop red-crate harbor)");
  ASSERT_EQ(sp.dist[s], 0);
  ASSERT(plan__pddl_goal_reached(task, sp.states + s * sp.n_words));
  /* find: every state is found at its own index; one that is not
   * reachable (the robot at two places) is not. */
  for (size_t i = 0; i < sp.n_states; i++)
    ASSERT_EQ(plan__state_space_find(&sp, sp.states + i * sp.n_words), i);
  uint64_t *odd = plan__calloc(sp.n_words, sizeof *odd);
  ASSERT(odd);
  memcpy(odd, sp.states, sp.n_words * sizeof *odd);
  long f = plan__pddl_fact_lookup(task, "(robot-at harbor)");
  ASSERT(f >= 0);
  odd[f >> 6] |= (uint64_t)1 << (f & 63);
  ASSERT_EQ(plan__state_space_find(&sp, odd), SIZE_MAX);
  plan__free(odd);
  /* The transitions of state 0, in action id order. */
  ASSERT_EQ(sp.first[1] - sp.first[0], 2);
  ASSERT(sp.edge_action[sp.first[0]] < sp.edge_action[sp.first[0] + 1]);
  plan__state_space_free(&sp);
  plan__state_space_free(&sp); /* twice is fine */
  plan__state_space_free(NULL);

  /* The cap: 14 states fit in 14, not in 13. */
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_OK(plan__state_space_build(task, 14, &sp, &err));
  plan__state_space_free(&sp);
  ASSERT_STATUS(plan__state_space_build(task, 13, &sp, &err), PLAN_EBUDGET);
  ASSERT_CONTAINS(err.text, "more than 13 states");
  ASSERT(sp.states == NULL && sp.n_states == 0);

  /* With no irreversible schema, slides count as reversible: the goal is
   * reachable "reversibly" and nothing is a trap. */
  ASSERT_OK(plan__state_space_build(task, 0, &sp, &err));
  ASSERT_OK(plan__deadend_stats_compute(task, &sp, NULL, 0, &st));
  ASSERT(st.reversible_solvable);
  ASSERT_EQ(st.init_traps, 0);
  ASSERT_EQ(st.path_traps, 0);
  ASSERT_EQ(st.dead_states, 6);
  plan__state_space_free(&sp);
  plan__pddl_task_free(task);

  /* An unsolvable task: every state is a dead end. */
  char *dead = plan__strdup(tiny);
  ASSERT(dead);
  char *c = strstr(dead, "(chute mill harbor)");
  ASSERT(c);
  memcpy(c, "(chute harbor mill)", 19);
  task = task_from(dom, dead);
  analyse(task, 0, &sp, &st);
  ASSERT_EQ(st.optimal, PLAN__DEADEND_UNREACHABLE);
  ASSERT_EQ(st.dead_states, st.states);
  ASSERT_EQ(st.init_traps, 0);
  ASSERT_EQ(st.path_traps, 0);
  plan__state_space_free(&sp);
  plan__pddl_task_free(task);
  plan__free(dead);
  plan__pddl_domain_free(dom);
}

/* ======================================================================
 * The generator
 * ====================================================================== */

static char *generate(const plan__pddl_domain *dom, plan__deadend_size size,
                      uint64_t seed, uint32_t index,
                      plan__deadend_stats *stats) {
  plan__deadend_options o;
  memset(&o, 0, sizeof o);
  o.size = size;
  o.seed = seed;
  plan__deadend_instance inst;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st = plan__deadend_generate(dom, &o, index, &inst, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  if (stats)
    *stats = inst.stats;
  char *text = inst.pddl;
  inst.pddl = NULL;
  plan__deadend_instance_free(&inst);
  return text;
}

/* The text after the first line (the header's provenance line). */
static const char *after_first_line(const char *t) {
  const char *nl = strchr(t, '\n');
  ASSERT(nl);
  return nl + 1;
}

static void test_determinism(void) {
  plan__pddl_domain *dom = cliffs_domain();
  char *a[5];
  for (uint32_t k = 1; k <= 5; k++)
    a[k - 1] = generate(dom, PLAN__DEADEND_SMALL, 7, k, NULL);
  /* The same seed, the same text; instance 4 alone is instance 4. */
  for (uint32_t k = 5; k >= 1; k--) {
    char *b = generate(dom, PLAN__DEADEND_SMALL, 7, k, NULL);
    ASSERT_STR_EQ(a[k - 1], b);
    plan__free(b);
  }
  /* Different instances, seeds and sizes differ. */
  ASSERT(strcmp(after_first_line(a[0]), after_first_line(a[1])) != 0);
  char *other = generate(dom, PLAN__DEADEND_SMALL, 8, 1, NULL);
  ASSERT(strcmp(after_first_line(a[0]), after_first_line(other)) != 0);
  plan__free(other);
  char *med = generate(dom, PLAN__DEADEND_MEDIUM, 7, 1, NULL);
  ASSERT(strcmp(after_first_line(a[0]), after_first_line(med)) != 0);
  ASSERT_CONTAINS(med, "(problem cliffs-medium-7-1)");
  plan__free(med);
  ASSERT_CONTAINS(a[2], "; cliffs instance 3 of: plan gen-deadend --size "
                        "small --seed 7\n");
  ASSERT_CONTAINS(a[2], "(problem cliffs-small-7-3)");
  /* Mixed: odd instances are the small series', even ones the medium
   * series', up to the provenance line. */
  for (uint32_t k = 1; k <= 4; k++) {
    char *x = generate(dom, PLAN__DEADEND_MIXED, 7, k, NULL);
    char *y = generate(dom, k % 2 ? PLAN__DEADEND_SMALL : PLAN__DEADEND_MEDIUM,
                       7, k, NULL);
    ASSERT_STR_EQ(after_first_line(x), after_first_line(y));
    ASSERT_CONTAINS(x, "--size mixed --seed 7\n");
    plan__free(x);
    plan__free(y);
  }
  for (int k = 0; k < 5; k++)
    plan__free(a[k]);
  plan__pddl_domain_free(dom);
}

/* Checks the promises of gen_deadend.h on one problem text, with A* as a
 * second opinion on the optimal length and the dead end. */
static void check_instance(const plan__pddl_domain *dom,
                           const plan__pb_config *cfg, const char *text,
                           uint32_t len_min, uint32_t len_max) {
  plan__pddl_task *task = task_from(dom, text);
  plan__state_space sp;
  plan__deadend_stats st;
  analyse(task, 5000, &sp, &st);
  ASSERT(st.optimal >= len_min && st.optimal <= len_max);
  ASSERT(!st.reversible_solvable);
  ASSERT(st.init_traps >= 1);
  ASSERT(st.path_traps >= st.init_traps);
  ASSERT(st.path_irreversible >= 1);
  ASSERT(st.dead_states > 0 && st.dead_states < st.states);
  /* The header states the same numbers. */
  char line[160];
  plan__fmt(line, sizeof line, "optimal plan: %u steps;\n; %zu reachable",
            (unsigned)st.optimal, st.states);
  ASSERT_CONTAINS(text, line);
  plan__fmt(line, sizeof line, "traps: %zu at the start,\n; %zu along",
            st.init_traps, st.path_traps);
  ASSERT_CONTAINS(text, line);
  /* A* agrees on the optimal length, and the plan is valid. */
  plan__strips_result r;
  ASSERT_OK(plan__strips_solve(task, NULL, &r));
  ASSERT(r.solved);
  ASSERT_EQ(r.cost, st.optimal);
  const char **steps = plan__calloc(r.n_plan, sizeof *steps);
  ASSERT(steps);
  for (size_t i = 0; i < r.n_plan; i++)
    steps[i] = task->actions[r.plan[i]].name;
  plan__pddl_report rep;
  ASSERT_OK(plan__pddl_validate(task, steps, r.n_plan, &rep));
  ASSERT(rep.valid);
  plan__pddl_report_free(&rep);
  plan__free(steps);
  plan__strips_result_free(&r);
  /* A trap at the start: irreversible, and A* from the state it leads to
   * (grounded from its natural language, as the oracle does) finds no
   * plan. */
  uint32_t a = st.init_trap_actions[0];
  const char *schema = task->actions[a].schema;
  ASSERT(!strcmp(schema, "slide") || !strcmp(schema, "cross"));
  uint64_t *s = plan__calloc(task->n_words, sizeof *s);
  ASSERT(s);
  plan__pddl_state_init(task, s);
  plan__pddl_apply(task, s, a, s);
  size_t i = plan__state_space_find(&sp, s);
  ASSERT(i != SIZE_MAX);
  ASSERT_EQ(sp.dist[i], PLAN__DEADEND_UNREACHABLE);
  plan__buf state;
  plan__buf goal;
  plan__buf_init(&state, 0);
  plan__buf_init(&goal, 0);
  ASSERT_OK(plan__pddl_text_state(cfg, task, s, &state));
  ASSERT_OK(plan__pddl_text_goal(cfg, task, &goal));
  plan__pddl_task *dt = NULL;
  plan_error err;
  ASSERT_OK(plan__pddl_text_task(cfg, dom, state.data, goal.data, &dt, &err));
  ASSERT_STATUS(plan__strips_solve(dt, NULL, &r), PLAN_ENOTFOUND);
  plan__strips_result_free(&r);
  plan__pddl_task_free(dt);
  plan__buf_free(&state);
  plan__buf_free(&goal);
  plan__free(s);
  plan__state_space_free(&sp);
  plan__pddl_task_free(task);
}

static void test_generated_instances(void) {
  plan__pddl_domain *dom = cliffs_domain();
  plan__pb_config *cfg = cliffs_config();
  for (uint32_t k = 1; k <= 12; k++) {
    plan__deadend_stats st;
    char *t = generate(dom, PLAN__DEADEND_SMALL, 99, k, &st);
    ASSERT(st.optimal >= 4 && st.optimal <= 10);
    check_instance(dom, cfg, t, 4, 10);
    ASSERT_CONTAINS(t, "(define (problem cliffs-small-99-");
    plan__free(t);
    t = generate(dom, PLAN__DEADEND_MEDIUM, 99, k, &st);
    ASSERT(st.optimal >= 6 && st.optimal <= 12);
    ASSERT(st.states <= 5000);
    check_instance(dom, cfg, t, 6, 12);
    plan__free(t);
  }
  plan__pb_config_free(cfg);
  plan__pddl_domain_free(dom);
}

static void test_errors(void) {
  plan__pddl_domain *dom = cliffs_domain();
  plan__deadend_options o;
  memset(&o, 0, sizeof o);
  plan__deadend_instance inst;
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_STATUS(plan__deadend_generate(dom, &o, 0, &inst, &err), PLAN_EINVAL);
  ASSERT(inst.pddl == NULL);
  ASSERT_CONTAINS(err.text, "1-based");
  o.size = (plan__deadend_size)7;
  ASSERT_STATUS(plan__deadend_generate(dom, &o, 1, &inst, &err), PLAN_EINVAL);
  o.size = PLAN__DEADEND_SMALL;
  /* No map fits in 10 states. */
  o.max_states = 10;
  o.max_tries = 20;
  ASSERT_STATUS(plan__deadend_generate(dom, &o, 1, &inst, &err), PLAN_EBUDGET);
  ASSERT_CONTAINS(err.text, "no acceptable small map for instance 1 in 20");
  ASSERT(inst.pddl == NULL);
  /* Another domain. */
  static const char other[] =
      "(define (domain other) (:predicates (p)) (:action a :parameters () "
      ":precondition (p) :effect (not (p))))";
  plan__pddl_domain *od = NULL;
  ASSERT_OK(plan__pddl_domain_parse(other, strlen(other), "o", &od, &err));
  o.max_states = 0;
  ASSERT_STATUS(plan__deadend_generate(od, &o, 1, &inst, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "'other', not cliffs");
  plan__pddl_domain_free(od);
  /* Names. */
  plan__deadend_size z;
  ASSERT(plan__deadend_size_parse("medium", &z) && z == PLAN__DEADEND_MEDIUM);
  ASSERT(plan__deadend_size_parse("mixed", &z) && z == PLAN__DEADEND_MIXED);
  ASSERT(!plan__deadend_size_parse("large", &z));
  ASSERT_STR_EQ(plan__deadend_size_name(PLAN__DEADEND_SMALL), "small");
  size_t n;
  const char *const *names = plan__cliffs_irreversible(&n);
  ASSERT_EQ(n, 2);
  ASSERT(plan__deadend_is_irreversible("slide", names, n));
  ASSERT(plan__deadend_is_irreversible("cross", names, n));
  ASSERT(!plan__deadend_is_irreversible("walk", names, n));
  plan__deadend_instance_free(NULL);
  plan__pddl_domain_free(dom);
}

/* Every allocation failure is PLAN_ENOMEM and leaks nothing. */
static void test_oom(void) {
  plan_allocator a = {cnt_malloc, cnt_realloc, cnt_free, NULL};
  plan__pddl_domain *dom = NULL;
  bool done = false;
  for (fail_at = 1; !done; fail_at++) {
    plan_global_cleanup();
    ASSERT_OK(plan_global_init(&a));
    n_alloc = 0;
    live = 0;
    dom = NULL;
    const char *t = plan__cliffs_domain_pddl();
    plan_error err;
    plan_status st = plan__pddl_domain_parse(t, strlen(t), "c", &dom, &err);
    plan__deadend_options o;
    memset(&o, 0, sizeof o);
    o.size = PLAN__DEADEND_SMALL;
    o.seed = 1;
    plan__deadend_instance inst;
    memset(&inst, 0, sizeof inst);
    if (st == PLAN_OK)
      st = plan__deadend_generate(dom, &o, 9, &inst, &err);
    if (st == PLAN_OK) {
      done = true;
      ASSERT(inst.pddl != NULL);
      ASSERT_EQ(inst.tries, 1); /* keeps the loop short */
    } else {
      ASSERT_STATUS(st, PLAN_ENOMEM);
      ASSERT(inst.pddl == NULL);
    }
    plan__deadend_instance_free(&inst);
    plan__pddl_domain_free(dom);
    ASSERT_EQ(live, 0);
  }
  fail_at = 0;
  plan_global_cleanup();
  ASSERT_OK(plan_global_init(NULL));
}

/* ======================================================================
 * The shipped files
 * ====================================================================== */

static char *slurp(const char *path) {
  char *text = NULL;
  size_t len;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st = plan__read_file(path, 0, &text, &len, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  return text;
}

static void test_domain_files(void) {
  char *f = slurp(CLIFFS "/domain.pddl");
  ASSERT_STR_EQ(f, plan__cliffs_domain_pddl());
  plan__free(f);
  f = slurp(CLIFFS "/instances/domain.pddl");
  ASSERT_STR_EQ(f, plan__cliffs_domain_pddl());
  plan__free(f);
}

/* data/pddl/cliffs/instances holds what the README's command writes:
 * plan gen-deadend --n 100 --seed 1 --size mixed. */
static void test_shipped_instances(void) {
  plan__pddl_domain *dom = cliffs_domain();
  plan__pb_config *cfg = cliffs_config();
  for (uint32_t k = 1; k <= 100; k++) {
    char path[512];
    plan__fmt(path, sizeof path, CLIFFS "/instances/instance-%u.pddl",
              (unsigned)k);
    char *file = slurp(path);
    char *gen = generate(dom, PLAN__DEADEND_MIXED, 1, k, NULL);
    ASSERT_STR_EQ(file, gen);
    if (k <= 10)
      check_instance(dom, cfg, file, 4, 12);
    plan__free(gen);
    plan__free(file);
  }
  /* No instance-101. */
  FILE *f = fopen(CLIFFS "/instances/instance-101.pddl", "r");
  ASSERT(f == NULL);
  plan__pb_config_free(cfg);
  plan__pddl_domain_free(dom);
}

/* ======================================================================
 * Natural language: every state and action, both ways
 * ====================================================================== */

static void roundtrip_instance(const plan__pddl_domain *dom,
                               const plan__pb_config *cfg, const char *text,
                               bool via_task) {
  plan__pddl_task *task = task_from(dom, text);
  plan__state_space sp;
  plan__deadend_stats st;
  analyse(task, 5000, &sp, &st);
  uint64_t *back = plan__calloc(task->n_words, sizeof *back);
  ASSERT(back);
  plan__buf t;
  plan__buf goal;
  plan__buf_init(&t, 0);
  plan__buf_init(&goal, 0);
  ASSERT_OK(plan__pddl_text_goal(cfg, task, &goal));
  ASSERT_CONTAINS(goal.data, "crate is at the ");
  for (size_t i = 0; i < sp.n_states; i++) {
    const uint64_t *s = sp.states + i * sp.n_words;
    plan__buf_reset(&t);
    ASSERT_OK(plan__pddl_text_state(cfg, task, s, &t));
    ASSERT(strchr(t.data, '(') == NULL); /* no PDDL left in the words */
    size_t unknown = 99;
    ASSERT_OK(
        plan__pddl_text_parse_state(cfg, task, t.data, t.len, back, &unknown));
    ASSERT_EQ(unknown, 0);
    ASSERT(!memcmp(back, s, task->n_words * sizeof *s));
    if (!via_task)
      continue;
    /* As a prompt writes it, grounded on its own (the oracle's way). */
    plan__buf line;
    plan__buf_init(&line, 0);
    plan__buf_printf(&line, "As initial conditions I have that, %s.", t.data);
    plan__buf gl;
    plan__buf_init(&gl, 0);
    plan__buf_printf(&gl, "My goal is to have that %s.", goal.data);
    plan__pddl_task *tt = NULL;
    plan_error err;
    ASSERT_OK(plan__pddl_text_task(cfg, dom, line.data, gl.data, &tt, &err));
    size_t n_true = 0;
    for (uint32_t f = 0; f < tt->n_facts; f++) {
      if (!plan__pddl_state_has(tt->init, f))
        continue;
      n_true++;
      long g = plan__pddl_fact_lookup(task, tt->facts[f].name);
      ASSERT(g >= 0 && plan__pddl_state_has(s, (uint32_t)g));
    }
    size_t n_orig = 0;
    for (uint32_t f = 0; f < task->n_facts; f++)
      n_orig += plan__pddl_state_has(s, f);
    ASSERT_EQ(n_true, n_orig);
    ASSERT_EQ(plan__pddl_goal_reached(tt, tt->init), sp.dist[i] == 0);
    plan__pddl_task_free(tt);
    plan__buf_free(&line);
    plan__buf_free(&gl);
  }
  /* Every ground action: words and back, also capitalised with a final
   * period, and in PDDL syntax. */
  for (size_t a = 0; a < task->n_actions; a++) {
    plan__buf_reset(&t);
    ASSERT_OK(plan__pddl_text_action(cfg, task->actions[a].name, &t));
    ASSERT(strchr(t.data, '(') == NULL);
    ASSERT_EQ(plan__pddl_text_to_action(cfg, task, t.data, t.len), (long)a);
    t.data[0] = (char)(t.data[0] - 'a' + 'A');
    plan__buf_puts(&t, ".");
    ASSERT_EQ(plan__pddl_text_to_action(cfg, task, t.data, t.len), (long)a);
    const char *name = task->actions[a].name;
    ASSERT_EQ(plan__pddl_text_to_action(cfg, task, name, strlen(name)),
              (long)a);
  }
  plan__buf_free(&t);
  plan__buf_free(&goal);
  plan__free(back);
  plan__state_space_free(&sp);
  plan__pddl_task_free(task);
}

static void test_language(void) {
  plan__pddl_domain *dom = cliffs_domain();
  plan__pb_config *cfg = cliffs_config();
  /* A small instance through the full prompt path, a medium one through
   * the state reader. */
  char *t = generate(dom, PLAN__DEADEND_SMALL, 1, 1, NULL);
  roundtrip_instance(dom, cfg, t, true);
  plan__free(t);
  t = generate(dom, PLAN__DEADEND_MEDIUM, 1, 2, NULL);
  roundtrip_instance(dom, cfg, t, false);
  plan__free(t);
  /* The words of the tiny task. */
  plan__pddl_task *task = task_from(dom, tiny);
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__pddl_text_state(cfg, task, task->init, &b));
  ASSERT_STR_EQ(b.data,
                "the red crate is at the farm, a slide leads down from the "
                "farm to the quarry, a slide leads down from the mill to the "
                "harbor, the robot is at the mill, a trail leads from the "
                "farm to the mill and a trail leads from the mill to the "
                "farm");
  plan__pddl_task_free(task);
  /* Text that names no action, or an object the task does not have. */
  const char *bad[] = {"walk from the mill", "walk to the farm",
                       "fly from the mill to the farm",
                       "walk from the moon to the farm", ""};
  t = generate(dom, PLAN__DEADEND_SMALL, 1, 1, NULL);
  task = task_from(dom, t);
  for (size_t i = 0; i < PLAN_ARRAY_LEN(bad); i++)
    ASSERT_EQ(plan__pddl_text_to_action(cfg, task, bad[i], strlen(bad[i])), -1);
  plan__buf_reset(&b);
  ASSERT_OK(plan__pddl_text_action(cfg, "(cross mill farm)", &b));
  ASSERT_STR_EQ(b.data, "cross the rope bridge from the mill to the farm");
  plan__buf_reset(&b);
  ASSERT_OK(plan__pddl_text_action(cfg, "(pick-up blue-crate well)", &b));
  ASSERT_STR_EQ(b.data, "pick up the blue crate at the well");
  plan__buf_free(&b);
  plan__free(t);
  plan__pddl_task_free(task);
  plan__pb_config_free(cfg);
  plan__pddl_domain_free(dom);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_state_space);
  RUN(test_determinism);
  RUN(test_generated_instances);
  RUN(test_errors);
  RUN(test_oom);
  RUN(test_domain_files);
  RUN(test_shipped_instances);
  RUN(test_language);
  TEST_END();
}
