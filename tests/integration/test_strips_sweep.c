/* tests/integration/test_strips_sweep.c: the PlanBench sweep of issue 3.
 * Over every instance of ../shared/data/planbench (Blocksworld 1..501 and
 * the 3-block set, Mystery Blocksworld and its 3-block set, Logistics
 * 1..286, Blocksworld-hard 1..110) it checks that
 *   - the validator accepts every ground-truth plan;
 *   - A* (LM-cut) solves the instance and its plan is valid and no longer
 *     than the ground truth (on blocksworld_hard within a node budget, and
 *     it counts how many it solves);
 *   - greedy best-first search (h_FF) solves it with a valid plan.
 * Two worker threads share the instances (the machine has two cores).
 *
 * Builds with sanitizers or without NDEBUG run a sample (every tenth
 * instance, and A* on Logistics and Blocksworld-hard with small node
 * budgets), since the full sweep would take many minutes there. The
 * environment variable PLAN_SWEEP=full or =sample overrides the choice;
 * PLAN_PLANBENCH_DIR overrides the data folder.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "solvers/strips/strips.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) ||                                        \
    __has_feature(undefined_behavior_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

typedef struct config {
  const char *name;
  const char *domain; /* relative to the data folder */
  const char *dir;
  int lo;
  int hi;
  int expect;     /* instance files present */
  const char *gt; /* ground_truth/<cfg>.json, or NULL */
  bool hard;      /* blocksworld_hard: plans in info.json, A* budgeted */
  /* Loaded in main. */
  plan__pddl_domain *dom;
  json_t *plans; /* id -> [step, ...] or info.json */
} config;

static config configs[] = {
    {"blocksworld", "instances/blocksworld/generated_domain.pddl",
     "instances/blocksworld/generated_basic", 1, 501, 501,
     "ground_truth/blocksworld.json", false, NULL, NULL},
    {"blocksworld_3", "instances/blocksworld/generated_domain.pddl",
     "instances/blocksworld/generated_basic_3", 1, 101, 101,
     "ground_truth/blocksworld_3.json", false, NULL, NULL},
    {"mystery_blocksworld",
     "instances/blocksworld/mystery/generated_domain.pddl",
     "instances/blocksworld/mystery/generated_basic", 0, 501, 502,
     "ground_truth/mystery_blocksworld.json", false, NULL, NULL},
    {"mystery_blocksworld_3",
     "instances/blocksworld/mystery/generated_domain.pddl",
     "instances/blocksworld/mystery/generated_basic_3", 1, 101, 101,
     "ground_truth/mystery_blocksworld_3.json", false, NULL, NULL},
    {"logistics", "instances/logistics/generated_domain.pddl",
     "instances/logistics/generated_basic", 1, 286, 286,
     "ground_truth/logistics.json", false, NULL, NULL},
    {"blocksworld_hard", "instances/blocksworld_hard/generated_domain.pddl",
     "instances/blocksworld_hard/generated", 1, 110, 110,
     "instances/blocksworld_hard/info.json", true, NULL, NULL},
};

typedef struct job {
  config *cfg;
  int id;
  /* Results. */
  bool present;
  int gt_len; /* -1: no ground truth */
  bool gt_valid;
  plan_status astar;
  int astar_len;
  bool astar_valid;
  plan_status gbfs;
  int gbfs_len;
  bool gbfs_valid;
  uint64_t expanded;
  double astar_s;
  char error[200];
} job;

static job *jobs;
static size_t n_jobs;
static atomic_size_t next_job;
static bool full;
static char data_dir[1024];

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The ground-truth steps of a job as strings (borrowed from the JSON). */
static size_t gt_steps(const job *j, const char **out, size_t cap,
                       char **owned) {
  char key[64];
  *owned = NULL;
  if (j->cfg->hard) {
    snprintf(key, sizeof key, "instance-%d.pddl", j->id);
    const char *plan = json_string_value(
        json_object_get(json_object_get(j->cfg->plans, key), "plan"));
    if (!plan)
      return SIZE_MAX;
    char *copy = strdup(plan);
    size_t n = 0;
    for (char *p = copy; p && *p && n < cap;) {
      char *nl = strchr(p, '\n');
      if (nl)
        *nl = '\0';
      if (*p)
        out[n++] = p;
      p = nl ? nl + 1 : NULL;
    }
    *owned = copy;
    return n;
  }
  snprintf(key, sizeof key, "%d", j->id);
  json_t *arr = json_object_get(json_object_get(j->cfg->plans, "plans"), key);
  if (!json_is_array(arr))
    return SIZE_MAX;
  size_t n = 0;
  for (size_t i = 0; i < json_array_size(arr) && n < cap; i++)
    out[n++] = json_string_value(json_array_get(arr, i));
  return n;
}

/* Solves with algo and validates; returns the status, fills len/valid. */
static plan_status solve(const plan__pddl_task *t, plan__strips_algo algo,
                         uint64_t max_nodes, int *len, bool *valid,
                         uint64_t *expanded) {
  plan__strips_options o;
  plan__strips_options_init(&o, PLAN__STRIPS_OPTIONS_VERSION);
  o.algo = algo;
  o.max_nodes = max_nodes;
  plan__strips_result r;
  plan_status st = plan__strips_solve(t, &o, &r);
  *len = -1;
  *valid = false;
  if (expanded)
    *expanded = r.expanded;
  if (st == PLAN_OK) {
    const char **names = calloc(r.n_plan + 1, sizeof *names);
    for (size_t i = 0; i < r.n_plan; i++)
      names[i] = t->actions[r.plan[i]].name;
    plan__pddl_report rep;
    if (plan__pddl_validate(t, names, r.n_plan, &rep) == PLAN_OK) {
      *valid = rep.valid;
      plan__pddl_report_free(&rep);
    }
    free(names);
    *len = (int)r.n_plan;
  }
  plan__strips_result_free(&r);
  return st;
}

static void run_job(job *j) {
  char path[1400];
  snprintf(path, sizeof path, "%s/%s/instance-%d.pddl", data_dir, j->cfg->dir,
           j->id);
  FILE *f = fopen(path, "rb");
  if (!f)
    return;
  fclose(f);
  j->present = true;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__pddl_problem *p = NULL;
  plan__pddl_task *t = NULL;
  if (plan__pddl_problem_load(j->cfg->dom, path, &p, &err) ||
      plan__pddl_task_create(j->cfg->dom, p, &t, &err)) {
    snprintf(j->error, sizeof j->error, "%s", err.text);
    plan__pddl_problem_free(p);
    return;
  }
  plan__pddl_problem_free(p);

  const char *steps[128];
  char *owned;
  size_t n = gt_steps(j, steps, 128, &owned);
  j->gt_len = n == SIZE_MAX ? -1 : (int)n;
  if (n != SIZE_MAX) {
    plan__pddl_report rep;
    if (plan__pddl_validate(t, steps, n, &rep) == PLAN_OK) {
      j->gt_valid = rep.valid;
      if (!rep.valid)
        snprintf(j->error, sizeof j->error, "ground truth: %s", rep.message);
      plan__pddl_report_free(&rep);
    }
  }
  free(owned);

  /* Node budgets: none for the full sweep except on blocksworld_hard. */
  uint64_t budget = 0;
  if (j->cfg->hard)
    budget = full ? 1000 : 300;
  else if (!full && !strcmp(j->cfg->name, "logistics"))
    budget = 20000;
  double t0 = now_s();
  j->astar = solve(t, PLAN__STRIPS_ASTAR, budget, &j->astar_len,
                   &j->astar_valid, &j->expanded);
  j->astar_s = now_s() - t0;
  j->gbfs = solve(t, PLAN__STRIPS_GBFS, 0, &j->gbfs_len, &j->gbfs_valid, NULL);
  plan__pddl_task_free(t);
}

static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    size_t k = atomic_fetch_add(&next_job, 1);
    if (k >= n_jobs)
      return NULL;
    run_job(&jobs[k]);
  }
}

static int by_cost(const void *a, const void *b) {
  const job *x = a;
  const job *y = b;
  if (x->gt_len != y->gt_len)
    return x->gt_len > y->gt_len ? -1 : 1;
  if (x->cfg != y->cfg)
    return x->cfg < y->cfg ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

static void test_sweep(void) {
  const char *env = getenv("PLAN_PLANBENCH_DIR");
  snprintf(data_dir, sizeof data_dir, "%s",
           env ? env : PLAN_SOURCE_DIR "/../shared/data/planbench");
  const char *mode = getenv("PLAN_SWEEP");
  full = mode ? !strcmp(mode, "full") : !SANITIZED;
#ifndef NDEBUG
  if (!mode)
    full = false;
#endif
  fprintf(stderr, "data: %s (%s sweep)\n", data_dir, full ? "full" : "sampled");
  size_t cap = 0;
  for (size_t c = 0; c < PLAN_ARRAY_LEN(configs); c++)
    cap += (size_t)(configs[c].hi - configs[c].lo + 1);
  jobs = calloc(cap, sizeof *jobs);
  ASSERT(jobs);
  for (size_t c = 0; c < PLAN_ARRAY_LEN(configs); c++) {
    config *cfg = &configs[c];
    char path[1400];
    plan_error err;
    snprintf(path, sizeof path, "%s/%s", data_dir, cfg->domain);
    if (plan__pddl_domain_load(path, &cfg->dom, &err)) {
      fprintf(stderr,
              "cannot load the PlanBench data: %s\n"
              "(set PLAN_PLANBENCH_DIR to the planbench folder)\n",
              err.text);
      exit(1);
    }
    snprintf(path, sizeof path, "%s/%s", data_dir, cfg->gt);
    json_error_t jerr;
    cfg->plans = json_load_file(path, 0, &jerr);
    if (!cfg->plans) {
      fprintf(stderr, "%s: %s\n", path, jerr.text);
      exit(1);
    }
    for (int id = cfg->lo; id <= cfg->hi; id++) {
      if (!full && id % 10 != 3)
        continue;
      jobs[n_jobs].cfg = cfg;
      jobs[n_jobs].id = id;
      n_jobs++;
    }
  }
  /* Longest first (by ground-truth length, Logistics and the hard set
   * ahead), so the two threads finish together. */
  for (size_t k = 0; k < n_jobs; k++) {
    const char *steps[128];
    char *owned;
    size_t n = gt_steps(&jobs[k], steps, 128, &owned);
    free(owned);
    jobs[k].gt_len = n == SIZE_MAX ? 0 : (int)n;
    if (!strcmp(jobs[k].cfg->name, "logistics"))
      jobs[k].gt_len += 1000;
  }
  qsort(jobs, n_jobs, sizeof *jobs, by_cost);
  double t0 = now_s();
  pthread_t th[2];
  for (int i = 0; i < 2; i++)
    ASSERT(pthread_create(&th[i], NULL, worker, NULL) == 0);
  for (int i = 0; i < 2; i++)
    pthread_join(th[i], NULL);
  double wall = now_s() - t0;

  int failures = 0;
  fprintf(stderr, "%-22s %5s %6s %6s %6s %6s %6s %8s %6s\n", "config", "inst",
          "gt_ok", "astar", "=gt", "<gt", "gbfs", "astar_s", "worst");
  for (size_t c = 0; c < PLAN_ARRAY_LEN(configs); c++) {
    config *cfg = &configs[c];
    int present = 0;
    int gt_ok = 0;
    int astar = 0;
    int eq = 0;
    int lt = 0;
    int gbfs = 0;
    double secs = 0;
    double worst = 0;
    for (size_t k = 0; k < n_jobs; k++) {
      job *j = &jobs[k];
      if (j->cfg != cfg || !j->present)
        continue;
      present++;
      secs += j->astar_s;
      if (j->astar_s > worst)
        worst = j->astar_s;
      bool bad = j->error[0] != '\0';
      if (j->gt_len >= 0 && j->gt_valid)
        gt_ok++;
      else if (j->gt_len >= 0)
        bad = true;
      bool budgeted = j->astar == PLAN_EBUDGET &&
                      (cfg->hard || (!full && !strcmp(cfg->name, "logistics")));
      if (j->astar == PLAN_OK && j->astar_valid) {
        astar++;
        if (j->gt_len >= 0 && j->astar_len == j->gt_len)
          eq++;
        else if (j->gt_len >= 0 && j->astar_len < j->gt_len)
          lt++;
        else if (j->gt_len >= 0)
          bad = true; /* longer than the ground truth */
      } else if (!budgeted) {
        bad = true;
      }
      if (j->gbfs == PLAN_OK && j->gbfs_valid)
        gbfs++;
      else
        bad = true;
      if (bad) {
        failures++;
        fprintf(stderr,
                "FAIL %s %d: %s astar=%s len=%d valid=%d gt=%d gbfs=%s "
                "len=%d valid=%d\n",
                cfg->name, j->id, j->error, plan_status_name(j->astar),
                j->astar_len, j->astar_valid, j->gt_len,
                plan_status_name(j->gbfs), j->gbfs_len, j->gbfs_valid);
      }
    }
    fprintf(stderr, "%-22s %5d %6d %6d %6d %6d %6d %8.2f %6.2f\n", cfg->name,
            present, gt_ok, astar, eq, lt, gbfs, secs, worst);
    if (full && present != cfg->expect) {
      fprintf(stderr, "FAIL %s: %d instance files, expected %d\n", cfg->name,
              present, cfg->expect);
      failures++;
    }
    plan__pddl_domain_free(cfg->dom);
    json_decref(cfg->plans);
  }
  fprintf(stderr, "wall time %.1f s on 2 threads\n", wall);
  free(jobs);
  ASSERT_EQ(failures, 0);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_sweep);
  TEST_END();
}
