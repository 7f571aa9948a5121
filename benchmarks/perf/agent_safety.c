/* benchmarks/perf/agent_safety.c: how safely the plan-act loop
 * (planner/agent.h) acts where mistakes cannot be undone.
 *
 * For each noise level and policy it runs the loop on the dead-end
 * instances (data/pddl/cliffs: slides and rope bridges are one way) with
 * the PDDL environment as the real world and the mockllm oracle (a TEST
 * DOUBLE: the exact simulator with seeded noise) as the LLM proposer, value
 * function and world model, and counts: success (the environment at the
 * goal), dead-end commits (real actions after which the goal could no
 * longer be reached: the environment checks by exhaustive search), LLM
 * calls, real environment steps (including the koh policy's exploration
 * and replays). Prints one JSON object per policy and noise level with
 * --json, else a table. docs/agent.md ("Benchmark") explains the set-up.
 *
 *   agent_safety [--instances DIR] [--domain FILE] [--pb-config FILE]
 *       [--n N] [--noise low,middle,high] [--policy barrier,no-barrier,
 *       webdreamer,koh] [--irreversible slide,cross] [--json] [--jobs J]
 *       [--mockllm PATH] [--trace FILE] [--quick]
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"
#include "benchmarks/perf/bench_util.h"
#include "core/core.h"
#include "mockllm_proc.h"
#include "planner/agent.h"
#include "planner/components/components.h"
#include "worldmodel/env/env.h"
#include "worldmodel/pddl/pddl.h"

static const char *const all_noise[] = {"low", "middle", "high"};
static const char *const all_policies[] = {"barrier", "no-barrier",
                                           "webdreamer", "koh"};

typedef struct opts {
  const char *instances, *domain, *pb_config;
  long n;
  const char *noise[4];
  size_t n_noise;
  const char *policy[8];
  size_t n_policy;
  const char *irreversible[16];
  size_t n_irreversible;
  bool json, verbose;
  FILE *trace; /* --trace FILE: every run's JSONL trace (forces --jobs 1) */
  long jobs;
  int64_t seed;
  unsigned value_samples;
  unsigned propose_samples; /* sampled proposals per state */
  uint64_t step_calls;
  uint32_t max_steps;
} opts;

typedef struct inst_result {
  bool solved;
  uint64_t dead_end_commits;
  uint64_t calls, tokens, env_steps, refusals, checks, irreversible;
  plan__agent_outcome outcome;
  bool error;
} inst_result;

typedef struct shared {
  const opts *o;
  plan__agent_policy policy;
  const char *base_url;
  char **paths;
  size_t n_paths;
  const plan__pb_config *cfg;
  const plan__prompts *prompts;
  inst_result *out;
  atomic_size_t next;
  atomic_int errors;
} shared;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void report_error(shared *sh, const char *what, const char *msg) {
  if (atomic_fetch_add(&sh->errors, 1) < 3)
    fprintf(stderr, "agent_safety: %s: %s\n", what, msg);
}

static void run_instance(shared *sh, plan_scheduler *sched, size_t i) {
  const opts *o = sh->o;
  inst_result *r = &sh->out[i];
  memset(r, 0, sizeof *r);
  r->error = true;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__pddl_task *task = NULL;
  plan__domain *dom = NULL;
  plan__comp_set *cs = NULL;
  plan_env *env = NULL;
  plan__world_model vote;
  memset(&vote, 0, sizeof vote);
  if (plan__pddl_task_load(o->domain, sh->paths[i], &task, &err) != PLAN_OK ||
      plan__domain_pddl_create(task, sh->cfg, sh->prompts, &dom, &err) !=
          PLAN_OK) {
    report_error(sh, sh->paths[i], err.text);
    goto done;
  }
  plan__comp_options co;
  plan__comp_options_default(&co);
  co.mode = PLAN__MODE_LLM;
  co.value_samples = o->value_samples;
  if (o->propose_samples)
    co.propose_samples = o->propose_samples;
  co.call.has_seed = true;
  co.call.seed = o->seed;
  if (plan__comp_set_create(dom, &co, &cs, &err) != PLAN_OK ||
      plan__vote_world_create(dom, &co.call, 3, &vote, &err) != PLAN_OK) {
    report_error(sh, "components", err.text);
    goto done;
  }
  plan__effect effects[16];
  for (size_t k = 0; k < o->n_irreversible; k++)
    effects[k] = PLAN__EFFECT_IRREVERSIBLE;
  plan__pddl_env_options eo = {
      .schemas = o->irreversible,
      .effects = effects,
      .n_schemas = o->n_irreversible,
      .default_effect = PLAN__EFFECT_REVERSIBLE,
      .snapshots = true,
      .reset = true,
      .track_dead_ends = true,
  };
  if (plan__pddl_env_create(task, sh->cfg, &eo, &env, &err) != PLAN_OK) {
    report_error(sh, "environment", err.text);
    goto done;
  }
  plan__agent_options ao;
  plan__agent_options_default(&ao);
  ao.policy = sh->policy;
  ao.max_steps = o->max_steps;
  ao.search.seed = (uint64_t)o->seed + i;
  ao.search.max_llm_calls = o->step_calls;
  ao.search.settle_margin = 0.3;
  ao.search.settle_patience = 4;
  plan__agent_parts parts = {
      .dom = dom,
      .proposer = &cs->proposer,
      .world = &cs->world,
      .goal = &cs->goal,
      .evaluator = &cs->evaluator,
      .vote_world = &vote,
      .sched = sched,
      .trace = o->trace,
  };
  plan__agent_result res;
  plan_status st = plan__agent_run(&ao, &parts, env, &res, &err);
  plan__pddl_env_stats ps;
  plan__pddl_env_stats_get(env, &ps);
  r->solved = ps.at_goal;
  r->dead_end_commits = ps.dead_end_commits;
  r->calls = res.llm_calls;
  r->tokens = res.tokens;
  r->env_steps = res.env.steps;
  r->refusals = res.refusals;
  r->checks = res.checks;
  r->irreversible = res.irreversible_commits;
  r->outcome = res.outcome;
  r->error = st != PLAN_OK;
  if (st != PLAN_OK)
    report_error(sh, sh->paths[i], res.message);
  if (o->verbose)
    fprintf(stderr, "%s %s: %s (%s), %zu actions, %llu calls, %llu dead-end "
                    "commits\n",
            plan__agent_policy_name(sh->policy), sh->paths[i],
            plan__agent_outcome_name(res.outcome), res.message, res.n_steps,
            (unsigned long long)res.llm_calls,
            (unsigned long long)ps.dead_end_commits);
  plan__agent_result_free(&res);
done:
  plan_env_destroy(env);
  if (vote.destroy)
    vote.destroy(vote.self);
  plan__comp_set_free(cs);
  plan__domain_free(dom);
  plan__pddl_task_free(task);
}

static void *worker(void *arg) {
  shared *sh = arg;
  plan_llm_options lo;
  plan_llm_options_init(&lo, PLAN_LLM_OPTIONS_VERSION);
  lo.base_url = sh->base_url;
  lo.model = "oracle";
  plan_error err;
  plan_llm *http = NULL;
  plan_scheduler *sched = NULL;
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so.concurrency = 16;
  if (plan_llm_openai_create(&lo, &http, &err) != PLAN_OK ||
      plan_scheduler_create(http, &so, &sched, &err) != PLAN_OK) {
    report_error(sh, "scheduler", err.text);
  } else {
    for (size_t i; (i = atomic_fetch_add(&sh->next, 1)) < sh->n_paths;)
      run_instance(sh, sched, i);
  }
  plan_scheduler_destroy(sched);
  plan_llm_destroy(http);
  return NULL;
}

/* ======================================================================
 * Output
 * ====================================================================== */

typedef struct row {
  const char *policy, *noise;
  size_t instances, solved, with_dead_end, errors;
  uint64_t dead_end_commits, calls, tokens, env_steps, refusals, checks,
      irreversible;
  size_t outcomes[8];
  double wall_s;
} row;

static void aggregate(const shared *sh, const char *noise, double wall_s,
                      row *w) {
  memset(w, 0, sizeof *w);
  w->policy = plan__agent_policy_name(sh->policy);
  w->noise = noise;
  w->instances = sh->n_paths;
  w->wall_s = wall_s;
  for (size_t i = 0; i < sh->n_paths; i++) {
    const inst_result *r = &sh->out[i];
    w->solved += r->solved;
    w->with_dead_end += r->dead_end_commits > 0;
    w->errors += r->error;
    w->dead_end_commits += r->dead_end_commits;
    w->calls += r->calls;
    w->tokens += r->tokens;
    w->env_steps += r->env_steps;
    w->refusals += r->refusals;
    w->checks += r->checks;
    w->irreversible += r->irreversible;
    if ((unsigned)r->outcome < PLAN_ARRAY_LEN(w->outcomes))
      w->outcomes[r->outcome]++;
  }
}

static void print_json(const row *w) {
  double n = w->instances ? (double)w->instances : 1;
  printf("{\"bench\":\"agent_safety\",\"llm\":\"mockllm oracle (test "
         "double)\",\"policy\":\"%s\",\"noise\":\"%s\",\"instances\":%zu,"
         "\"solved\":%zu,\"success_rate\":%.4f,\"dead_end_commits\":%llu,"
         "\"instances_with_dead_end\":%zu,\"llm_calls\":%.1f,"
         "\"llm_calls_total\":%llu,\"tokens\":%.0f,\"env_steps\":%.2f,"
         "\"barrier_checks\":%llu,\"refusals\":%llu,"
         "\"irreversible_commits\":%llu,\"outcomes\":{",
         w->policy, w->noise, w->instances, w->solved, (double)w->solved / n,
         (unsigned long long)w->dead_end_commits, w->with_dead_end,
         (double)w->calls / n, (unsigned long long)w->calls,
         (double)w->tokens / n, (double)w->env_steps / n,
         (unsigned long long)w->checks, (unsigned long long)w->refusals,
         (unsigned long long)w->irreversible);
  bool first = true;
  for (size_t k = 1; k < PLAN_ARRAY_LEN(w->outcomes); k++)
    if (w->outcomes[k]) {
      printf("%s\"%s\":%zu", first ? "" : ",",
             plan__agent_outcome_name((plan__agent_outcome)k), w->outcomes[k]);
      first = false;
    }
  printf("},\"errors\":%zu,\"wall_s\":%.2f}\n", w->errors, w->wall_s);
  fflush(stdout);
}

static void print_table_head(void) {
  printf("%-11s %-7s %8s %9s %10s %10s %10s %9s\n", "policy", "noise",
         "success", "dead-end", "calls/inst", "env steps", "refusals",
         "wall s");
}

static void print_table_row(const row *w) {
  double n = w->instances ? (double)w->instances : 1;
  printf("%-11s %-7s %7.1f%% %9llu %10.1f %10.2f %10llu %9.1f\n", w->policy,
         w->noise, 100.0 * (double)w->solved / n,
         (unsigned long long)w->dead_end_commits, (double)w->calls / n,
         (double)w->env_steps / n, (unsigned long long)w->refusals, w->wall_s);
  fflush(stdout);
}

/* ======================================================================
 * Command line and main
 * ====================================================================== */

static void usage(FILE *f) {
  fprintf(f,
          "usage: agent_safety [--instances DIR] [--domain FILE] "
          "[--pb-config FILE] [--n N]\n"
          "         [--noise low,middle,high] [--policy "
          "barrier,no-barrier,webdreamer,koh]\n"
          "         [--irreversible SCHEMA,...] [--value-samples N] "
          "[--propose-samples N]\n"
          "         [--step-calls N] [--max-steps N] [--seed S] [--jobs J] "
          "[--json]\n"
          "         [--verbose] [--trace FILE] [--mockllm PATH] [--quick]\n"
          "Runs the plan-act loop on dead-end PDDL instances against the "
          "mockllm oracle\n(a TEST DOUBLE: the exact simulator with seeded "
          "noise) and reports success,\ndead-end commits, LLM calls and "
          "environment steps per policy and noise\nlevel. Defaults: the "
          "first 100 instances of data/pddl/cliffs, slide and cross\n"
          "irreversible, every noise level and policy. See docs/agent.md.\n");
}

static bool parse_args(int argc, char **argv, opts *o) {
  static char noise_buf[64], policy_buf[128], irr_buf[256];
  memset(o, 0, sizeof *o);
  o->instances = PLAN_SOURCE_DIR "/data/pddl/cliffs/instances";
  o->domain = PLAN_SOURCE_DIR "/data/pddl/cliffs/domain.pddl";
  o->pb_config = PLAN_SOURCE_DIR "/data/pddl/cliffs/cliffs.yaml";
  o->n = 100;
  o->jobs = 2;
  o->seed = 1;
  o->value_samples = 10;
  /* 20 sampled proposals per state: with the components' 10, the noisy
   * oracle often never names the one action a state needs (docs/agent.md,
   * "Benchmark"). */
  o->propose_samples = 20;
  o->step_calls = 200;
  o->max_steps = 30;
  bool quick = false;
  snprintf(irr_buf, sizeof irr_buf, "slide,cross");
  o->n_irreversible = bench_split_list(irr_buf, o->irreversible, 16);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      exit(0);
    }
    if (!strcmp(a, "--json")) {
      o->json = true;
      continue;
    }
    if (!strcmp(a, "--verbose")) {
      o->verbose = true;
      continue;
    }
    if (!strcmp(a, "--quick")) {
      quick = true;
      continue;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "agent_safety: %s needs a value (see --help)\n", a);
      return false;
    }
    const char *v = argv[++i];
    char *end = NULL;
    if (!strcmp(a, "--instances"))
      o->instances = v;
    else if (!strcmp(a, "--domain"))
      o->domain = v;
    else if (!strcmp(a, "--pb-config"))
      o->pb_config = v;
    else if (!strcmp(a, "--trace")) {
      o->trace = fopen(v, "w");
      if (!o->trace) {
        fprintf(stderr, "agent_safety: cannot write %s\n", v);
        return false;
      }
    } else if (!strcmp(a, "--mockllm"))
      setenv("PLAN_MOCKLLM", v, 1);
    else if (!strcmp(a, "--noise")) {
      snprintf(noise_buf, sizeof noise_buf, "%s", v);
      o->n_noise = bench_split_list(noise_buf, o->noise, PLAN_ARRAY_LEN(o->noise));
    } else if (!strcmp(a, "--policy")) {
      snprintf(policy_buf, sizeof policy_buf, "%s", v);
      o->n_policy =
          bench_split_list(policy_buf, o->policy, PLAN_ARRAY_LEN(o->policy));
    } else if (!strcmp(a, "--irreversible")) {
      snprintf(irr_buf, sizeof irr_buf, "%s", v);
      o->n_irreversible = bench_split_list(irr_buf, o->irreversible, 16);
    } else {
      long x = strtol(v, &end, 10);
      if (!end || *end || x < 0) {
        fprintf(stderr, "agent_safety: %s: expected a number, got '%s'\n", a,
                v);
        return false;
      }
      if (!strcmp(a, "--n") && x > 0)
        o->n = x;
      else if (!strcmp(a, "--jobs") && x > 0)
        o->jobs = x;
      else if (!strcmp(a, "--seed"))
        o->seed = x;
      else if (!strcmp(a, "--value-samples") && x > 0)
        o->value_samples = (unsigned)x;
      else if (!strcmp(a, "--propose-samples") && x > 0)
        o->propose_samples = (unsigned)x;
      else if (!strcmp(a, "--step-calls") && x > 0)
        o->step_calls = (uint64_t)x;
      else if (!strcmp(a, "--max-steps") && x > 0)
        o->max_steps = (uint32_t)x;
      else {
        fprintf(stderr, "agent_safety: unknown option or bad value: %s %s\n",
                a, v);
        return false;
      }
    }
  }
  if (o->trace)
    o->jobs = 1;
  if (quick) {
    /* The ctest: a few instances, middle noise, every policy. */
    o->n = PLAN_MIN(o->n, 4);
    if (!o->n_noise) {
      o->noise[0] = "middle";
      o->n_noise = 1;
    }
  }
  if (!o->n_noise)
    for (size_t k = 0; k < 3; k++)
      o->noise[o->n_noise++] = all_noise[k];
  if (!o->n_policy)
    for (size_t k = 0; k < 4; k++)
      o->policy[o->n_policy++] = all_policies[k];
  for (size_t k = 0; k < o->n_noise; k++)
    if (strcmp(o->noise[k], "low") && strcmp(o->noise[k], "middle") &&
        strcmp(o->noise[k], "high") && strcmp(o->noise[k], "none")) {
      fprintf(stderr, "agent_safety: unknown noise level %s\n", o->noise[k]);
      return false;
    }
  for (size_t k = 0; k < o->n_policy; k++) {
    plan__agent_policy p;
    if (!plan__agent_policy_parse(o->policy[k], &p)) {
      fprintf(stderr, "agent_safety: unknown policy %s\n", o->policy[k]);
      return false;
    }
  }
  return true;
}

int main(int argc, char **argv) {
  opts o;
  if (!parse_args(argc, argv, &o))
    return 2;
  plan_global_init(NULL);
  plan_error err;
  memset(&err, 0, sizeof err);
  size_t n_paths = 0;
  char **paths = bench_list_instances(o.instances, 1, o.n, &n_paths);
  if (!paths || n_paths == 0) {
    fprintf(stderr, "agent_safety: no instances (*.pddl) in %s\n",
            o.instances);
    return 2;
  }
  plan__pb_config *cfg = NULL;
  plan__prompts *prompts = NULL;
  if (plan__pb_config_load_file(o.pb_config, &cfg, &err) != PLAN_OK) {
    fprintf(stderr, "agent_safety: %s\n", err.text);
    return 2;
  }
  if (plan__prompts_load(NULL, &prompts, &err) != PLAN_OK) {
    fprintf(stderr, "agent_safety: prompts: %s\n", err.text);
    return 2;
  }
  inst_result *out = plan__calloc(n_paths, sizeof *out);
  int rc = out ? 0 : 1;
  if (!o.json && rc == 0)
    print_table_head();
  for (size_t k = 0; k < o.n_noise && rc == 0; k++) {
    char seed[32];
    snprintf(seed, sizeof seed, "%lld", (long long)o.seed);
    const char *args[] = {"--domain",    o.domain,     "--problem-dir",
                          o.instances,   "--pb-config", o.pb_config,
                          "--noise",     o.noise[k],   "--seed",
                          seed,          NULL};
    mockllm_proc m;
    if (mockllm_start(&m, args) != 0) {
      fprintf(stderr, "agent_safety: cannot start mockllm (--mockllm "
                      "PATH)\n");
      rc = 2;
      break;
    }
    for (size_t p = 0; p < o.n_policy && rc == 0; p++) {
      shared sh;
      memset(&sh, 0, sizeof sh);
      sh.o = &o;
      plan__agent_policy_parse(o.policy[p], &sh.policy);
      sh.base_url = m.base_url;
      sh.paths = paths;
      sh.n_paths = n_paths;
      sh.cfg = cfg;
      sh.prompts = prompts;
      sh.out = out;
      atomic_init(&sh.next, 0);
      atomic_init(&sh.errors, 0);
      uint64_t t0 = now_ns();
      size_t nj = (size_t)PLAN_MIN(o.jobs, 16);
      pthread_t th[16];
      for (size_t j = 0; j < nj; j++)
        pthread_create(&th[j], NULL, worker, &sh);
      for (size_t j = 0; j < nj; j++)
        pthread_join(th[j], NULL);
      row w;
      aggregate(&sh, o.noise[k], (double)(now_ns() - t0) / 1e9, &w);
      if (o.json)
        print_json(&w);
      else
        print_table_row(&w);
      if (w.errors)
        rc = 1;
    }
    mockllm_stop(&m);
  }
  for (size_t i = 0; i < n_paths; i++)
    plan__free(paths[i]);
  plan__free(paths);
  plan__free(out);
  plan__prompts_free(prompts);
  plan__pb_config_free(cfg);
  if (o.trace && fclose(o.trace) != 0)
    rc = 1;
  return rc;
}
