/* benchmarks/perf/travel_solve.c: how fast the exact travel solver answers.
 * Times plan__travel_solve per query on the 45 TravelPlanner train queries
 * (sole planning: each query's own reference information; and the full
 * embedded database) and on generated queries that follow the benchmark's
 * generator and budget formula (benchmarks/travelplanner). Every plan is
 * checked with the evaluator in both modes (not timed). Prints one JSON
 * object: per set the count, plans found, plans passing both modes, and
 * the median, p90, max and mean solve time in milliseconds; the database
 * load time and the peak resident memory (getrusage).
 *
 *   travel_solve [--source DIR] [--generated N] [--seed S] [--quick]
 *
 * DIR is the repository (default "."): the database is DIR/data/travel,
 * the train queries DIR/../shared/data/travelplanner/train (skipped when
 * absent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "benchmarks/travelplanner/travelplanner.h"
#include "core/core.h"
#include "core/json.h"
#include "solvers/travel/db.h"
#include "solvers/travel/eval.h"
#include "solvers/travel/query.h"
#include "solvers/travel/solver.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct set {
  const char *name;
  double *ms;
  size_t n, found, passed, infeasible;
  uint64_t nodes;
};

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Solves q on db, records the time and checks a plan in both modes. */
static int run_one(struct set *s, plan__travel_db *db,
                   const plan__travel_query *q) {
  plan__travel_solution sol;
  plan_error err;
  double t0 = now_ms();
  plan_status st = plan__travel_solve(db, q, NULL, &sol, &err);
  double dt = now_ms() - t0;
  if (st != PLAN_OK) {
    fprintf(stderr, "travel_solve: %s query %lld: %s\n", s->name,
            (long long)q->idx, err.text);
    return 1;
  }
  s->ms[s->n++] = dt;
  s->nodes += sol.stats.nodes;
  if (sol.found) {
    s->found++;
    bool both = true;
    for (int m = 0; m < 2; m++) {
      plan__travel_verdict v;
      if (plan__travel_eval_plan(db, q, sol.plan, (plan__travel_eval_mode)m,
                                 &v) != PLAN_OK ||
          !v.final_pass)
        both = false;
    }
    s->passed += both;
    if (!both)
      fprintf(stderr,
              "travel_solve: %s query %lld: plan fails the "
              "evaluator\n",
              s->name, (long long)q->idx);
  } else {
    s->infeasible++;
  }
  plan__travel_solution_clear(&sol);
  return 0;
}

static json_t *set_json(struct set *s) {
  json_t *o = json_object();
  json_object_set_new(o, "queries", json_integer((json_int_t)s->n));
  json_object_set_new(o, "found", json_integer((json_int_t)s->found));
  json_object_set_new(o, "passed_both_modes",
                      json_integer((json_int_t)s->passed));
  json_object_set_new(o, "infeasible", json_integer((json_int_t)s->infeasible));
  json_object_set_new(o, "nodes", json_integer((json_int_t)s->nodes));
  if (s->n) {
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
      sum += s->ms[i];
    qsort(s->ms, s->n, sizeof *s->ms, cmp_double);
    json_object_set_new(o, "median_ms", json_real(s->ms[s->n / 2]));
    json_object_set_new(o, "p90_ms", json_real(s->ms[(s->n * 9) / 10]));
    json_object_set_new(o, "max_ms", json_real(s->ms[s->n - 1]));
    json_object_set_new(o, "mean_ms", json_real(sum / (double)s->n));
  }
  return o;
}

int main(int argc, char **argv) {
  const char *source = ".";
  long generated = 200;
  uint64_t seed = 1;
  size_t train_limit = 45;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick")) {
      generated = 20;
      train_limit = 10;
    } else if (!strcmp(argv[i], "--source") && i + 1 < argc) {
      source = argv[++i];
    } else if (!strcmp(argv[i], "--generated") && i + 1 < argc) {
      generated = strtol(argv[++i], NULL, 10);
    } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
      seed = strtoull(argv[++i], NULL, 10);
    } else {
      fprintf(stderr, "usage: travel_solve [--source DIR] [--generated N] "
                      "[--seed S] [--quick]\n");
      return 2;
    }
  }
  if (generated < 0 || generated > 100000) {
    fprintf(stderr, "travel_solve: bad --generated\n");
    return 2;
  }
  if (plan_global_init(NULL) != PLAN_OK)
    return 1;
  json_object_seed(1);
  int rc = 1;
  char path[4096];
  plan_error err;
  plan__travel_db *db = NULL;
  plan__travel_query **train = NULL, **gen = NULL;
  size_t n_train = 0, n_loaded = 0;
  char *refs = NULL;
  struct set sets[3] = {{"train_sole_planning", NULL, 0, 0, 0, 0, 0},
                        {"train_full_database", NULL, 0, 0, 0, 0, 0},
                        {"generated", NULL, 0, 0, 0, 0, 0}};
  for (int i = 0; i < 3; i++) {
    sets[i].ms = calloc((size_t)(generated > 45 ? generated : 45) + 1,
                        sizeof *sets[i].ms);
    if (!sets[i].ms)
      goto out;
  }

  plan__fmt(path, sizeof path, "%s/data/travel", source);
  double t0 = now_ms();
  if (plan__travel_db_load(path, NULL, &db, &err) != PLAN_OK) {
    fprintf(stderr, "travel_solve: %s\n", err.text);
    goto out;
  }
  double load_ms = now_ms() - t0;

  /* The train queries, if the shared data is there. */
  plan__fmt(path, sizeof path,
            "%s/../shared/data/travelplanner/train/train_queries.jsonl",
            source);
  bool have_train =
      plan__travel_queries_load(path, db, &train, &n_train, &err) == PLAN_OK;
  size_t len;
  plan__fmt(path, sizeof path,
            "%s/../shared/data/travelplanner/train/train_ref_info.jsonl",
            source);
  n_loaded = have_train ? n_train : 0;
  if (have_train && plan__read_file(path, 0, &refs, &len, &err) != PLAN_OK)
    have_train = false;
  if (have_train) {
    if (n_train > train_limit)
      n_train = train_limit;
    char *line = refs;
    for (size_t i = 0; i < n_train && line; i++) {
      size_t n = strcspn(line, "\n");
      plan__travel_db *ref = NULL;
      if (plan__travel_db_from_ref_text(line, n, &ref, &err) != PLAN_OK) {
        fprintf(stderr, "travel_solve: reference %zu: %s\n", i + 1, err.text);
        goto out;
      }
      int bad = run_one(&sets[0], ref, train[i]);
      plan__travel_db_free(ref);
      if (bad)
        goto out;
      line = line[n] ? line + n + 1 : NULL;
    }
    for (size_t i = 0; i < n_train; i++)
      if (run_one(&sets[1], db, train[i]))
        goto out;
  }

  /* Generated queries. */
  double gen_ms = 0;
  if (generated > 0) {
    plan__travel_gen_options go;
    plan__travel_gen_options_init(&go, PLAN__TRAVEL_GEN_OPTIONS_VERSION);
    t0 = now_ms();
    if (plan__travel_gen_queries(db, (size_t)generated, seed, &go, &gen,
                                 &err) != PLAN_OK) {
      fprintf(stderr, "travel_solve: generator: %s\n", err.text);
      goto out;
    }
    gen_ms = now_ms() - t0;
    for (long i = 0; i < generated; i++)
      if (run_one(&sets[2], db, gen[i]))
        goto out;
  }

  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  json_t *o = json_object();
  json_object_set_new(o, "bench", json_string("travel_solve"));
  json_object_set_new(o, "database_load_ms", json_real(load_ms));
  json_object_set_new(o, "generate_ms", json_real(gen_ms));
  json_object_set_new(o, "seed", json_integer((json_int_t)seed));
  for (int i = 0; i < 3; i++)
    json_object_set_new(o, sets[i].name,
                        (i < 2 && !have_train) ? json_null()
                                               : set_json(&sets[i]));
  json_object_set_new(o, "peak_rss_kb", json_integer(ru.ru_maxrss));
  char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(4));
  json_decref(o);
  if (s) {
    puts(s);
    free(s);
  }
  rc = 0;
  for (int i = 0; i < 3; i++)
    if (sets[i].passed != sets[i].found)
      rc = 1;
  if (have_train && (sets[0].found != sets[0].n || sets[1].found != sets[1].n))
    rc = 1;

out:
  for (int i = 0; i < 3; i++)
    free(sets[i].ms);
  plan__free(refs);
  plan__travel_queries_free(train, n_loaded);
  plan__travel_queries_free(gen, gen ? (size_t)generated : 0);
  plan__travel_db_free(db);
  plan_global_cleanup();
  return rc;
}
