/* cli/cmd_travel.c: `plan --task travel.json`: a TravelPlanner query solved
 * by the exact travel solver (solvers/travel/solver.h). The task file is a
 * query object (org, dest, days, date, people_number, local_constraint,
 * budget, optionally reference_information for the benchmark's
 * sole-planning setting); a task with only a natural-language "query" is
 * translated by the configured model first. cli/cmd_task.c hands travel
 * tasks here.
 *
 * Output: the submission line {"idx", "query", "plan"} on stdout (one JSON
 * line, the benchmark's format), a day-by-day summary, the cost and the
 * evaluator's verdict in both modes on stderr. Without a plan: the line
 * with "plan": null and "conflicts", the conflicts in words on stderr, and
 * exit status 1; with --relax the smallest relaxation that has a plan is
 * applied and reported ("relaxed"). Usage and input errors exit with 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/llmconf.h"
#include "core/core.h"
#include "core/json.h"
#include "solvers/travel/db.h"
#include "solvers/travel/eval.h"
#include "solvers/travel/query.h"
#include "solvers/travel/relax.h"
#include "solvers/travel/solver.h"
#include "solvers/travel/translate.h"

#ifndef PLAN_SOURCE_DIR
#define PLAN_SOURCE_DIR "."
#endif

static const char prog[] = "plan --task";

static void travel_usage(FILE *f) {
  fprintf(f, "usage: plan --task TRAVEL.json [OPTIONS]\n"
             "\n"
             "Solves a TravelPlanner query exactly: the cheapest plan within "
             "budget\n"
             "(JSON submission line on stdout, summary and verdict on stderr), "
             "or\n"
             "the conflicts that make it impossible (exit status 1).\n"
             "\n"
             "Options:\n"
             "  --database DIR   database folder (default: the embedded "
             "data/travel;\n"
             "                   a task's reference_information is used when "
             "no\n"
             "                   --database is given)\n"
             "  --first          the first plan within budget, not the "
             "cheapest\n"
             "  --relax          when no plan exists, apply the smallest "
             "relaxation\n"
             "                   that has one and say what was changed\n"
             "  --relax-llm      let the model rank the relaxations (needs an "
             "LLM)\n"
             "  --samples K      translate a natural-language query K times "
             "and vote\n"
             "  --output FILE    also write the submission line to FILE\n"
             "\n"
             "A task with only a \"query\" text is translated by the model:\n");
  cli_llmconf_usage(f);
}

/* ======================================================================
 * Loading
 * ====================================================================== */

static bool is_dir(const char *path) {
  return access(path, F_OK) == 0;
}

/* The database: --database, else the task's reference information, else
 * the task's "database" (relative to the task file), else the embedded one
 * (PLAN_SOURCE_DIR/data/travel, then ./data/travel). */
static int open_db(const char *flag_dir, const json_t *task,
                   const char *task_path, plan__travel_db **out) {
  plan_error err;
  memset(&err, 0, sizeof err);
  const json_t *ref = json_object_get(task, "reference_information");
  if (!flag_dir && ref && !json_is_null(ref)) {
    if (plan__travel_db_from_ref(ref, out, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s: reference_information: %s\n", prog, task_path,
              err.text);
      return 2;
    }
    return 0;
  }
  char buf[4096];
  const char *dir = flag_dir;
  const char *rel = json_string_value(json_object_get(task, "database"));
  if (!dir && rel) {
    const char *slash = strrchr(task_path, '/');
    if (rel[0] == '/' || !slash)
      plan__fmt(buf, sizeof buf, "%s", rel);
    else
      plan__fmt(buf, sizeof buf, "%.*s/%s", (int)(slash - task_path), task_path,
                rel);
    dir = buf;
  }
  if (!dir) {
    plan__fmt(buf, sizeof buf, "%s/data/travel", PLAN_SOURCE_DIR);
    dir = is_dir(buf) ? buf : "data/travel";
    if (!is_dir(dir)) {
      fprintf(stderr,
              "%s: no travel database: the embedded one is not at %s or "
              "./data/travel; pass --database DIR\n",
              prog, buf);
      return 2;
    }
  }
  if (plan__travel_db_load(dir, NULL, out, &err) != PLAN_OK) {
    fprintf(stderr, "%s: database %s: %s\n", prog, dir, err.text);
    return 2;
  }
  return 0;
}

static bool has_structured_fields(const json_t *task) {
  return json_object_get(task, "org") || json_object_get(task, "dest") ||
         json_object_get(task, "days");
}

/* ======================================================================
 * Reporting
 * ====================================================================== */

/* One line saying what is being solved, and on which data. */
static void print_request(const plan__travel_query *q,
                          const plan__travel_db *db) {
  fprintf(stderr, "%s -> %s, %d days (%s to %s), %d %s, budget $%.0f", q->org,
          q->dest, q->days, q->dates[0], q->dates[q->days - 1],
          q->people_number, q->people_number == 1 ? "person" : "people",
          q->budget);
  if (q->visiting_city_number > 1)
    fprintf(stderr, ", %d cities", q->visiting_city_number);
  if (q->house_rule_text)
    fprintf(stderr, ", house rule: %s", q->house_rule_text);
  if (q->room_type_text)
    fprintf(stderr, ", room type: %s", q->room_type_text);
  if (q->transportation_text)
    fprintf(stderr, ", %s", q->transportation_text);
  for (size_t i = 0; i < q->n_cuisines; i++)
    fprintf(stderr, "%s%s", i ? ", " : ", cuisines: ", q->cuisines[i]);
  fprintf(stderr, "\ndata: %s\n", plan__travel_db_source(db));
}

static void print_conflicts(const plan__travel_solution *s) {
  fprintf(stderr, "no plan satisfies the request:\n");
  for (size_t i = 0; i < s->n_conflicts; i++) {
    const plan__travel_conflict *c = &s->conflicts[i];
    fprintf(stderr, "  - [%s] %s: %s\n",
            plan__travel_conflict_kind_name(c->kind), c->place, c->message);
  }
}

/* Prints the verdict of both modes; returns true when both pass. */
static bool print_verdicts(plan__travel_db *db, const plan__travel_query *q,
                           const json_t *plan) {
  bool all = true;
  for (int m = 0; m < 2; m++) {
    plan__travel_eval_mode mode =
        m ? PLAN__TRAVEL_EVAL_STRICT : PLAN__TRAVEL_EVAL_OFFICIAL;
    plan__travel_verdict v;
    if (plan__travel_eval_plan(db, q, plan, mode, &v) != PLAN_OK) {
      fprintf(stderr, "evaluator (%s): out of memory\n",
              plan__travel_eval_mode_name(mode));
      return false;
    }
    int cs = 0, hard = 0, hard_n = 0;
    for (int c = 0; c < PLAN__TRAVEL_N_CHECKS; c++) {
      bool is_hard = plan__travel_check_is_hard((plan__travel_check)c);
      if (is_hard && v.value[c] != PLAN__TRAVEL_NA)
        hard_n++;
      if (v.value[c] == PLAN__TRAVEL_PASS && is_hard)
        hard++;
      else if (v.value[c] == PLAN__TRAVEL_PASS)
        cs++;
    }
    fprintf(stderr,
            "evaluator (%s): %s: commonsense %d/%d, hard %d/%d, cost $%.0f "
            "of $%.0f\n",
            plan__travel_eval_mode_name(mode), v.final_pass ? "PASS" : "FAIL",
            cs, PLAN__TRAVEL_N_COMMONSENSE, hard, hard_n, v.total_cost,
            q->budget);
    for (int c = 0; c < PLAN__TRAVEL_N_CHECKS; c++)
      if (v.value[c] == PLAN__TRAVEL_FAIL)
        fprintf(stderr, "  %s: %s\n",
                plan__travel_check_key((plan__travel_check)c), v.message[c]);
    all = all && v.final_pass;
  }
  return all;
}

static int emit(json_t *line, const char *output) {
  char *s = json_dumps(line, JSON_COMPACT);
  if (!s) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return 1;
  }
  puts(s);
  fflush(stdout);
  int rc = 0;
  if (output) {
    FILE *f = fopen(output, "w");
    bool ok = f && fprintf(f, "%s\n", s) >= 0;
    if (f && fclose(f) != 0)
      ok = false;
    if (!ok) {
      fprintf(stderr, "%s: cannot write %s\n", prog, output);
      rc = 1;
    }
  }
  free(s);
  return rc;
}

static void print_plan(const plan__travel_query *q,
                       const plan__travel_solution *s) {
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__travel_plan_summary(s->plan, &b);
  fprintf(stderr, "%s", b.data ? b.data : "");
  plan__buf_free(&b);
  fprintf(stderr,
          "total $%.0f of $%.0f (transport $%.0f, accommodation $%.0f, meals "
          "$%.0f) for %d %s; %llu nodes, %llu itineraries costed\n",
          s->total_cost, q->budget, s->cost_transport, s->cost_accommodation,
          s->cost_meals, q->people_number,
          q->people_number == 1 ? "person" : "people",
          (unsigned long long)s->stats.nodes,
          (unsigned long long)s->stats.leaves);
}

/* ======================================================================
 * The command
 * ====================================================================== */

struct travel_args {
  const char *database;
  const char *output;
  bool first, relax, relax_llm;
  uint64_t samples;
};

/* Parses the flags; the task path and "--task" itself are skipped (the
 * caller may pass main's argv or a sub-vector). Returns -1 to continue, or
 * an exit status. */
static int parse_args(int argc, char **argv, const char *task_path,
                      struct travel_args *a, cli_llmconf *conf) {
  for (int i = 0; i < argc;) {
    const char *s = argv[i];
    if (i == 0 && s[0] != '-') {
      i++; /* the program or command name */
      continue;
    }
    if (!strcmp(s, "--task")) {
      i += 2;
      continue;
    }
    if (!strcmp(s, task_path)) {
      i++;
      continue;
    }
    int used = cli_llmconf_flag(conf, argc, argv, &i);
    if (used < 0)
      return 2;
    if (used)
      continue;
    if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
      travel_usage(stdout);
      return 0;
    }
    if (!strcmp(s, "--first") || !strcmp(s, "--relax") ||
        !strcmp(s, "--relax-llm")) {
      if (!strcmp(s, "--first"))
        a->first = true;
      else if (!strcmp(s, "--relax"))
        a->relax = true;
      else
        a->relax = a->relax_llm = true;
      i++;
      continue;
    }
    if (!strcmp(s, "--database") || !strcmp(s, "--output") ||
        !strcmp(s, "--samples")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", prog, s);
        return 2;
      }
      const char *v = argv[i + 1];
      i += 2;
      if (!strcmp(s, "--database"))
        a->database = v;
      else if (!strcmp(s, "--output"))
        a->output = v;
      else if (!cli_parse_u64(s, v, 64, &a->samples) || a->samples < 1) {
        if (a->samples < 1)
          fprintf(stderr, "%s: --samples must be at least 1\n", prog);
        return 2;
      }
      continue;
    }
    fprintf(stderr, "%s: unknown option '%s' (see plan --task FILE --help)\n",
            prog, s);
    return 2;
  }
  return -1;
}

/* Translates the task's "query" text with the configured model. */
static int translate(cli_llmconf *conf, plan__travel_db *db, const char *nl,
                     uint64_t samples, const char *task_path,
                     plan__travel_query **out) {
  if (!conf->sched && cli_llm_open(conf, prog) != 0) {
    fprintf(stderr,
            "%s: %s has only a natural-language \"query\": translating it "
            "needs a model (see plan --task FILE --help)\n",
            prog, task_path);
    return 2;
  }
  plan__travel_translate_options o;
  plan__travel_translate_options_init(&o,
                                      PLAN__TRAVEL_TRANSLATE_OPTIONS_VERSION);
  o.samples = (unsigned)samples;
  o.model = conf->model;
  if (conf->have_seed) {
    o.has_seed = true;
    o.seed = (int64_t)conf->seed;
  }
  plan__travel_translation t;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st = plan__travel_translate(conf->sched, db, nl, &o, &t, &err);
  if (st != PLAN_OK) {
    fprintf(stderr, "%s: translating the query: %s\n", prog, err.text);
    plan__travel_translation_clear(&t);
    return 1;
  }
  json_t *j = plan__travel_query_to_json(t.query);
  json_object_del(j, "query");
  char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
  fprintf(stderr,
          "translated by the model (%u/%u samples agree, %u re-asked%s): "
          "%s\n",
          t.agree, t.samples, t.reasked,
          t.solvable ? "" : ", no plan within budget", s ? s : "?");
  free(s);
  json_decref(j);
  *out = t.query;
  t.query = NULL;
  plan__travel_translation_clear(&t);
  return 0;
}

int cli_task_travel(int argc, char **argv, const char *task_path) {
  struct travel_args a;
  memset(&a, 0, sizeof a);
  cli_llmconf conf;
  cli_llmconf_init(&conf);
  int rc = parse_args(argc, argv, task_path, &a, &conf);
  if (rc >= 0)
    return rc;
  rc = 2;
  plan__travel_db *db = NULL;
  plan__travel_query *q = NULL;
  json_t *task = NULL, *line = NULL;
  plan__travel_solution sol;
  plan__travel_solution_init(&sol);
  plan__travel_relaxation *rel = NULL;
  size_t n_rel = 0;
  plan_error err;
  memset(&err, 0, sizeof err);

  char *text = NULL;
  size_t len;
  if (plan__read_file(task_path, 0, &text, &len, &err) != PLAN_OK) {
    fprintf(stderr, "%s: %s\n", prog, err.text);
    goto out;
  }
  task = plan__json_parse(text, len, task_path, &err);
  plan__free(text);
  if (!task || !json_is_object(task)) {
    fprintf(stderr, "%s: %s\n", prog,
            task ? "a travel task must be a JSON object" : err.text);
    goto out;
  }
  if ((rc = open_db(a.database, task, task_path, &db)) != 0)
    goto out;
  rc = 2;
  const char *nl = json_string_value(json_object_get(task, "query"));
  if (has_structured_fields(task)) {
    if (plan__travel_query_from_json(task, db, &q, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s: %s\n", prog, task_path, err.text);
      goto out;
    }
  } else if (nl) {
    if ((rc = translate(&conf, db, nl, a.samples, task_path, &q)) != 0)
      goto out;
  } else {
    fprintf(stderr,
            "%s: %s: a travel task needs the structured fields (org, dest, "
            "days, date, people_number, budget) or a \"query\" text\n",
            prog, task_path);
    goto out;
  }

  print_request(q, db);
  plan__travel_solve_options so;
  plan__travel_solve_options_init(&so, PLAN__TRAVEL_SOLVE_OPTIONS_VERSION);
  so.first = a.first;
  if (plan__travel_solve(db, q, &so, &sol, &err) != PLAN_OK) {
    fprintf(stderr, "%s: %s\n", prog, err.text);
    rc = 1;
    goto out;
  }
  json_t *conflicts = NULL;
  const char *change = NULL;
  bool ranked = false;
  if (!sol.found) {
    print_conflicts(&sol);
    conflicts = plan__travel_conflicts_to_json(sol.conflicts, sol.n_conflicts);
    if (a.relax) {
      if (plan__travel_relax_propose(db, q, &sol, &rel, &n_rel, &err) !=
          PLAN_OK) {
        fprintf(stderr, "%s: relax: %s\n", prog, err.text);
        json_decref(conflicts);
        rc = 1;
        goto out;
      }
      if (a.relax_llm && n_rel > 1) {
        if (!conf.sched && cli_llm_open(&conf, prog) != 0) {
          json_decref(conflicts);
          goto out;
        }
        ranked = plan__travel_relax_rank_llm(conf.sched, conf.model, q, rel,
                                             n_rel, &err) == PLAN_OK;
        if (!ranked)
          fprintf(stderr,
                  "%s: the model's ranking is not usable (%s); "
                  "keeping the default order\n",
                  prog, err.text);
      }
      if (n_rel > 0) {
        fprintf(stderr, "relaxations that have a plan (%s):\n",
                ranked ? "as the model ranks them" : "smallest first");
        for (size_t i = 0; i < n_rel; i++)
          fprintf(stderr, "  %zu. %s (cheapest plan $%.0f)\n", i + 1,
                  rel[i].change, rel[i].cost);
        change = rel[0].change;
        plan__travel_query *rq = rel[0].query;
        rel[0].query = q;
        q = rq;
        plan__travel_solution_clear(&sol);
        if (plan__travel_solve(db, q, &so, &sol, &err) != PLAN_OK) {
          fprintf(stderr, "%s: %s\n", prog, err.text);
          json_decref(conflicts);
          rc = 1;
          goto out;
        }
        fprintf(stderr, "relaxed: %s\n", change);
      } else {
        fprintf(stderr, "no single relaxation makes the request feasible\n");
      }
    }
  }
  line = plan__travel_submission(q, sol.found ? sol.plan : NULL);
  if (!line) {
    json_decref(conflicts);
    fprintf(stderr, "%s: out of memory\n", prog);
    rc = 1;
    goto out;
  }
  if (conflicts)
    json_object_set_new(line, "conflicts", conflicts);
  if (change && sol.found) {
    json_t *r = json_object();
    json_object_set_new(r, "change", json_string(change));
    json_object_set_new(r, "query", plan__travel_query_to_json(q));
    json_object_set_new(line, "relaxed", r);
  }
  if (sol.found) {
    print_plan(q, &sol);
    bool pass = print_verdicts(db, q, sol.plan);
    rc = emit(line, a.output);
    if (!pass)
      rc = 1;
  } else {
    emit(line, a.output);
    rc = 1;
  }
  if (conf.sched && cli_llm_save(&conf, prog) != 0)
    rc = 1;

out:
  json_decref(line);
  json_decref(task);
  plan__travel_relaxations_free(rel, n_rel);
  plan__travel_solution_clear(&sol);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
  cli_llm_close(&conf);
  return rc;
}
