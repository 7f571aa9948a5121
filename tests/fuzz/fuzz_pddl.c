/* tests/fuzz/fuzz_pddl.c: libFuzzer harness for worldmodel/pddl and the
 * STRIPS solver. Each input is parsed as a domain, as a problem of a fixed
 * small typed domain (grounded, searched with small budgets, and the plans
 * found checked by the validator), and as a plan file validated against a
 * fixed task. Besides memory errors (ASan/UBSan) it checks the contracts:
 * failures leave the out-parameter NULL and give a message that names the
 * source, successes give well-formed results, and any plan the solver
 * returns is valid. The corpus (tests/fuzz/corpus/pddl/) is replayed as a
 * ctest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "solvers/strips/strips.h"
#include "worldmodel/pddl/pddl_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok) {
  if (!ok)
    abort();
}

static const char FIXED_DOMAIN[] =
    "(define (domain fz)\n"
    " (:requirements :strips :typing :negative-preconditions :equality)\n"
    " (:types block - object)\n"
    " (:constants table - block)\n"
    " (:predicates (on ?x - block ?y - block) (clear ?x - block)\n"
    "   (holding ?x - block) (handempty) (ontable ?x))\n"
    " (:action pick-up :parameters (?x - block)\n"
    "   :precondition (and (clear ?x) (ontable ?x) (handempty)\n"
    "                      (not (= ?x table)))\n"
    "   :effect (and (holding ?x) (not (clear ?x)) (not (ontable ?x))\n"
    "                (not (handempty))))\n"
    " (:action put-down :parameters (?x - block) :precondition (holding ?x)\n"
    "   :effect (and (clear ?x) (handempty) (ontable ?x)\n"
    "                (not (holding ?x))))\n"
    " (:action stack :parameters (?x ?y - block)\n"
    "   :precondition (and (holding ?x) (clear ?y) (not (= ?x ?y)))\n"
    "   :effect (and (handempty) (clear ?x) (on ?x ?y) (not (clear ?y))\n"
    "                (not (holding ?x))))\n"
    " (:action unstack :parameters (?x ?y - block)\n"
    "   :precondition (and (on ?x ?y) (clear ?x) (handempty)\n"
    "                      (not (holding ?y)))\n"
    "   :effect (and (holding ?x) (clear ?y) (not (on ?x ?y))\n"
    "                (not (clear ?x)) (not (handempty)))))\n";

static const char FIXED_PROBLEM[] =
    "(define (problem fp) (:domain fz) (:objects a b c - block)\n"
    " (:init (handempty) (ontable a) (on b a) (clear b) (ontable c)\n"
    "        (clear c))\n"
    " (:goal (and (on a b) (not (ontable b)))))\n";

static void check_error(plan_status st, const plan_error *err,
                        const char *src) {
  check(st != PLAN_OK);
  check(err->code == st);
  check(err->text[0] != '\0');
  if (st == PLAN_EPARSE || st == PLAN_EINVAL)
    check(strncmp(err->text, src, strlen(src)) == 0);
}

static void check_solution(const plan__pddl_task *t,
                           const plan__strips_result *r) {
  const char *names[512];
  check(r->n_plan < 512);
  for (size_t i = 0; i < r->n_plan; i++) {
    check(r->plan[i] < t->n_actions);
    names[i] = t->actions[r->plan[i]].name;
  }
  plan__pddl_report rep;
  check(plan__pddl_validate(t, names, r->n_plan, &rep) == PLAN_OK);
  check(rep.valid);
  plan__pddl_report_free(&rep);
}

static void fuzz_task(const plan__pddl_task *t) {
  /* The state formatting and lookups round-trip. */
  plan__buf b;
  plan__buf_init(&b, 0);
  check(plan__pddl_state_format(t, t->init, true, &b) == PLAN_OK);
  plan__buf_free(&b);
  for (size_t i = 0; i < t->n_actions && i < 64; i++)
    check(plan__pddl_action_lookup(t, t->actions[i].name) == (long)i);
  for (size_t i = 0; i < t->n_facts && i < 64; i++)
    check(plan__pddl_fact_lookup(t, t->facts[i].name) == (long)i);
  for (int algo = 0; algo < 2; algo++) {
    plan__strips_options o;
    plan__strips_options_init(&o, PLAN__STRIPS_OPTIONS_VERSION);
    o.algo = (plan__strips_algo)algo;
    o.max_nodes = 300;
    plan__strips_result r;
    plan_status st = plan__strips_solve(t, &o, &r);
    check(st == PLAN_OK || st == PLAN_ENOTFOUND || st == PLAN_EBUDGET);
    check((st == PLAN_OK) == r.solved);
    if (st == PLAN_OK)
      check_solution(t, &r);
    plan__strips_result_free(&r);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static plan__pddl_domain *fixed;
  static plan__pddl_task *fixed_task;
  plan_error err;
  if (!fixed) {
    plan__pddl_problem *p = NULL;
    check(plan__pddl_domain_parse(FIXED_DOMAIN, strlen(FIXED_DOMAIN), "fixed",
                                  &fixed, &err) == PLAN_OK);
    check(plan__pddl_problem_parse(fixed, FIXED_PROBLEM, strlen(FIXED_PROBLEM),
                                   "fixed", &p, &err) == PLAN_OK);
    check(plan__pddl_task_create(fixed, p, &fixed_task, &err) == PLAN_OK);
    plan__pddl_problem_free(p);
  }
  const char *text = (const char *)data;

  /* 1. As a domain. */
  plan__pddl_domain *d = (plan__pddl_domain *)&err;
  plan_status st = plan__pddl_domain_parse(text, size, "fuzz.pddl", &d, &err);
  if (st == PLAN_OK) {
    check(d != NULL && plan__pddl_domain_name(d) != NULL);
    /* Its own text as a problem: exercises the problem parser with the
     * domain's predicates. */
    plan__pddl_problem *p = NULL;
    if (plan__pddl_problem_parse(d, text, size, "fuzz.pddl", &p, &err) ==
        PLAN_OK)
      plan__pddl_problem_free(p);
    plan__pddl_domain_free(d);
  } else {
    check(d == NULL);
    check_error(st, &err, "fuzz.pddl:");
  }

  /* 2. As a problem of the fixed domain, then grounded and solved. */
  plan__pddl_problem *p = (plan__pddl_problem *)&err;
  st = plan__pddl_problem_parse(fixed, text, size, "fuzz.pddl", &p, &err);
  if (st == PLAN_OK && p->n_objects > 64) {
    /* Grounding is quadratic in the objects here; keep runs fast. */
    plan__pddl_problem_free(p);
  } else if (st == PLAN_OK) {
    plan__pddl_task *t = (plan__pddl_task *)&err;
    st = plan__pddl_task_create(fixed, p, &t, &err);
    if (st == PLAN_OK) {
      check(t->n_words * 64 >= t->n_facts);
      fuzz_task(t);
      plan__pddl_task_free(t);
    } else {
      check(t == NULL);
      check(st == PLAN_EBUDGET || st == PLAN_ENOMEM);
    }
    plan__pddl_problem_free(p);
  } else {
    check(p == NULL);
    check_error(st, &err, "fuzz.pddl:");
  }

  /* 3. As a plan for the fixed task. */
  plan__pddl_plan plan;
  st = plan__pddl_plan_parse(text, size, "fuzz.plan", &plan, &err);
  if (st == PLAN_OK) {
    plan__pddl_report rep;
    check(plan__pddl_validate(fixed_task, (const char *const *)plan.steps,
                              plan.n, &rep) == PLAN_OK);
    check(rep.message != NULL);
    check(rep.valid == (rep.verdict == PLAN__PDDL_VALID));
    check(rep.valid || rep.n_unmet > 0 ||
          rep.verdict == PLAN__PDDL_UNKNOWN_ACTION);
    check(rep.failed_step == SIZE_MAX || rep.failed_step < plan.n);
    plan__buf b;
    plan__buf_init(&b, 0);
    check(plan__pddl_report_render(&rep, "fuzz.plan", &b) == PLAN_OK);
    check(plan__pddl_report_json(&rep, &b) == PLAN_OK);
    plan__buf_free(&b);
    plan__pddl_report_free(&rep);
    for (size_t i = 0; i < plan.n; i++)
      (void)plan__pddl_action_lookup(fixed_task, plan.steps[i]);
    plan__pddl_plan_free(&plan);
  } else {
    check(plan.n == 0 && plan.steps == NULL);
    check_error(st, &err, "fuzz.plan:");
  }
  return 0;
}
