/* cli/cmd_task.c: `plan --task FILE [OPTIONS]`. Reads the task file, looks
 * at its "kind" and runs it: "pddl" tasks here (mode "solver": the
 * classical planner of solvers/strips, then the plan checked by the
 * validator), pddl tasks in the search modes (llm, hybrid, exact) and
 * "text" tasks in cli/cmd_search.c, "travel" tasks in cli/cmd_travel.c. The
 * plan goes to stdout as JSON, a human summary to stderr. Paths inside a
 * task file are relative to the task file's folder.
 *
 * Exit status: 0 a plan was found, 1 no plan (unsolvable or a budget ran
 * out), 2 usage or input error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"
#include "core/json.h"
#include "solvers/strips/strips.h"
#include "worldmodel/pddl/pddl.h"

static void task_usage(FILE *f) {
  fprintf(f,
          "usage: plan --task FILE [OPTIONS]\n"
          "\n"
          "Runs a task file. PDDL tasks look like\n"
          "  {\"kind\":\"pddl\",\"domain\":\"d.pddl\",\"problem\":\"p.pddl\",\n"
          "   \"mode\":\"solver\",\"algo\":\"astar\"}\n"
          "with paths relative to the task file. Travel tasks: see\n"
          "'plan --task travel.json --help'.\n"
          "\n"
          "PDDL solver options (mode solver; they override the task file):\n"
          "  --mode M               solver, or a search mode (below)\n"
          "  --algo astar|gbfs      A* (optimal) or greedy best-first\n"
          "  --heuristic H          blind, hmax, lmcut (A* default), hadd,\n"
          "                         ff (GBFS default)\n"
          "  --max-nodes N          stored-state budget (default 2000000)\n"
          "  --time-limit MS        search time budget in milliseconds\n"
          "  --no-pruning           no partial-order reduction\n"
          "\n"
          "Output: {\"plan\":[...],\"cost\":N,\"valid\":true,...} on stdout,\n"
          "a summary on stderr. Exit status: 0 plan found, 1 no plan,\n"
          "2 usage or input error.\n\n");
  cli_search_usage(f);
}

/* dir/rel unless rel is absolute; new string (plan__free). */
static char *resolve(const char *task_path, const char *rel) {
  if (rel[0] == '/')
    return plan__strdup(rel);
  const char *slash = strrchr(task_path, '/');
  if (!slash)
    return plan__strdup(rel);
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_append(&b, task_path, (size_t)(slash - task_path) + 1);
  plan__buf_puts(&b, rel);
  if (b.status) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

typedef struct pddl_args {
  const char *algo;
  const char *heuristic;
  uint64_t max_nodes;
  uint64_t time_limit_ms;
  bool no_pruning;
} pddl_args;

static bool parse_u64(const char *s, uint64_t *out) {
  int64_t v;
  if (!plan__parse_i64(s, &v) || v < 0)
    return false;
  *out = (uint64_t)v;
  return true;
}

/* Reads the options after "--task FILE". Returns -1 to go on, else the
 * exit status. */
static int parse_pddl_args(int argc, char **argv, pddl_args *a) {
  for (int i = 2; i < argc; i++) {
    const char *s = argv[i];
    if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
      task_usage(stdout);
      return 0;
    }
    if (!strcmp(s, "--no-pruning")) {
      a->no_pruning = true;
      continue;
    }
    if (!strcmp(s, "--mode") && i + 1 < argc) {
      i++; /* "solver": the others were dispatched to cmd_search.c */
      continue;
    }
    bool takes_value = !strcmp(s, "--algo") || !strcmp(s, "--heuristic") ||
                       !strcmp(s, "--max-nodes") || !strcmp(s, "--time-limit");
    if (!takes_value) {
      fprintf(stderr, "plan: unknown option '%s' for a pddl task\n", s);
      return 2;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "plan: %s needs a value\n", s);
      return 2;
    }
    const char *v = argv[++i];
    if (!strcmp(s, "--algo")) {
      a->algo = v;
    } else if (!strcmp(s, "--heuristic")) {
      a->heuristic = v;
    } else if (!strcmp(s, "--max-nodes") ? !parse_u64(v, &a->max_nodes)
                                         : !parse_u64(v, &a->time_limit_ms)) {
      fprintf(stderr, "plan: %s needs a non-negative integer, got '%s'\n", s,
              v);
      return 2;
    }
  }
  return -1;
}

static int run_pddl(int argc, char **argv, const char *task_path,
                    const json_t *task) {
  pddl_args a;
  memset(&a, 0, sizeof a);
  int rc = parse_pddl_args(argc, argv, &a);
  if (rc >= 0)
    return rc;
  const char *dom_rel = plan__json_str(task, "domain");
  const char *prob_rel = plan__json_str(task, "problem");
  if (!dom_rel || !prob_rel) {
    fprintf(stderr,
            "plan: %s: a pddl task needs \"domain\" and \"problem\" paths\n",
            task_path);
    return 2;
  }
  plan__strips_options opts;
  plan__strips_options_init(&opts, PLAN__STRIPS_OPTIONS_VERSION);
  const char *algo = a.algo ? a.algo : plan__json_str(task, "algo");
  const char *heur =
      a.heuristic ? a.heuristic : plan__json_str(task, "heuristic");
  if (algo && !plan__strips_algo_parse(algo, &opts.algo)) {
    fprintf(stderr, "plan: unknown algo '%s' (expected astar or gbfs)\n", algo);
    return 2;
  }
  if (heur && !plan__strips_heuristic_parse(heur, &opts.heuristic)) {
    fprintf(stderr,
            "plan: unknown heuristic '%s' (expected blind, hmax, lmcut, "
            "hadd or ff)\n",
            heur);
    return 2;
  }
  if (opts.algo == PLAN__STRIPS_ASTAR &&
      (opts.heuristic == PLAN__STRIPS_H_ADD ||
       opts.heuristic == PLAN__STRIPS_H_FF))
    fprintf(stderr,
            "plan: note: %s is not admissible, so A* plans may not "
            "be optimal\n",
            plan__strips_heuristic_name(opts.heuristic));
  opts.max_nodes = a.max_nodes;
  opts.time_limit_ms = a.time_limit_ms;
  opts.clock = plan_clock_system();
  opts.no_pruning = a.no_pruning;

  rc = 2;
  char *dom_path = resolve(task_path, dom_rel);
  char *prob_path = resolve(task_path, prob_rel);
  plan__pddl_task *t = NULL;
  plan__strips_result res;
  memset(&res, 0, sizeof res);
  plan__pddl_report rep;
  memset(&rep, 0, sizeof rep);
  const char **names = NULL;
  json_t *out = NULL;
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_error err;
  memset(&err, 0, sizeof err);
  if (!dom_path || !prob_path) {
    fprintf(stderr, "plan: out of memory\n");
    goto done;
  }
  uint64_t t0 = plan__now_ns(NULL);
  if (plan__pddl_task_load(dom_path, prob_path, &t, &err) != PLAN_OK) {
    fprintf(stderr, "plan: %s\n", err.text);
    goto done;
  }
  uint64_t t1 = plan__now_ns(NULL);
  plan_status st = plan__strips_solve(t, &opts, &res);
  uint64_t t2 = plan__now_ns(NULL);
  if (st == PLAN_ENOMEM || st == PLAN_EINVAL) {
    fprintf(stderr, "plan: %s\n", plan_strerror(st));
    goto done;
  }
  plan__strips_heuristic h = opts.heuristic;
  if (h == PLAN__STRIPS_H_DEFAULT)
    h = opts.algo == PLAN__STRIPS_ASTAR ? PLAN__STRIPS_H_LMCUT
                                        : PLAN__STRIPS_H_FF;
  bool optimal = res.solved && opts.algo == PLAN__STRIPS_ASTAR &&
                 h != PLAN__STRIPS_H_ADD && h != PLAN__STRIPS_H_FF;
  bool valid = false;
  json_t *steps = json_array();
  out = json_object();
  if (!steps || !out) {
    json_decref(steps);
    fprintf(stderr, "plan: out of memory\n");
    goto done;
  }
  if (res.solved) {
    names = plan__calloc(res.n_plan + 1, sizeof *names);
    if (!names) {
      json_decref(steps);
      fprintf(stderr, "plan: out of memory\n");
      goto done;
    }
    for (size_t i = 0; i < res.n_plan; i++) {
      names[i] = t->actions[res.plan[i]].name;
      json_array_append_new(steps, json_string(names[i]));
    }
    if (plan__pddl_validate(t, names, res.n_plan, &rep) != PLAN_OK) {
      json_decref(steps);
      fprintf(stderr, "plan: out of memory\n");
      goto done;
    }
    valid = rep.valid;
  }
  double search_ms = (double)(t2 - t1) / 1e6;
  json_object_set_new(out, "plan", res.solved ? steps : json_null());
  if (!res.solved) {
    json_decref(steps);
    json_object_set_new(out, "error", json_string(res.message));
  }
  json_object_set_new(out, "cost",
                      res.solved ? json_integer((json_int_t)res.cost)
                                 : json_null());
  json_object_set_new(out, "valid", json_boolean(valid));
  json_object_set_new(out, "optimal", json_boolean(optimal));
  json_object_set_new(out, "algo",
                      json_string(plan__strips_algo_name(opts.algo)));
  json_object_set_new(out, "heuristic",
                      json_string(plan__strips_heuristic_name(h)));
  json_object_set_new(out, "expanded", json_integer((json_int_t)res.expanded));
  json_object_set_new(out, "generated",
                      json_integer((json_int_t)res.generated));
  json_object_set_new(out, "domain", json_string(t->domain_name));
  json_object_set_new(out, "problem", json_string(t->problem_name));
  if (plan__json_canonical(out, &b) || plan__buf_putc(&b, '\n')) {
    fprintf(stderr, "plan: out of memory\n");
    goto done;
  }
  fputs(b.data, stdout);
  fprintf(stderr,
          "plan: %s/%s on %s (%zu facts, %zu actions, grounded in %.1f ms)\n",
          plan__strips_algo_name(opts.algo), plan__strips_heuristic_name(h),
          t->problem_name, t->n_facts, t->n_actions, (double)(t1 - t0) / 1e6);
  if (res.solved) {
    fprintf(stderr,
            "plan: %zu steps%s, %s by the validator; %llu expanded, %llu "
            "generated, %.1f ms\n",
            res.n_plan, optimal ? " (optimal)" : "",
            valid ? "valid" : "INVALID", (unsigned long long)res.expanded,
            (unsigned long long)res.generated, search_ms);
    if (!valid)
      fprintf(stderr, "plan: validator: %s\n", rep.message);
    rc = valid ? 0 : 1;
  } else {
    fprintf(stderr, "plan: no plan: %s (%llu expanded, %.1f ms)\n", res.message,
            (unsigned long long)res.expanded, search_ms);
    rc = 1;
  }
done:
  plan__buf_free(&b);
  json_decref(out);
  plan__free(names);
  plan__pddl_report_free(&rep);
  plan__strips_result_free(&res);
  plan__pddl_task_free(t);
  plan__free(dom_path);
  plan__free(prob_path);
  return rc;
}

int cli_cmd_task(int argc, char **argv) {
  /* argv[0] is "--task", argv[1] the task file. */
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    task_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char *path = argv[1];
  plan_error err;
  memset(&err, 0, sizeof err);
  char *text = NULL;
  size_t len = 0;
  if (plan__read_file(path, 0, &text, &len, &err) != PLAN_OK) {
    fprintf(stderr, "plan: %s\n", err.text);
    return 2;
  }
  json_t *task = plan__json_parse(text, len, path, &err);
  plan__free(text);
  if (!task) {
    fprintf(stderr, "plan: %s\n", err.text);
    return 2;
  }
  int rc = 2;
  if (!json_is_object(task)) {
    fprintf(stderr, "plan: %s: a task must be a JSON object\n", path);
    goto done;
  }
  const char *kind = plan__json_str(task, "kind");
  if (!kind && (json_object_get(task, "org") || json_object_get(task, "query")))
    kind = "travel";
  if (!kind) {
    fprintf(stderr, "plan: %s: missing \"kind\" (pddl, text or travel)\n",
            path);
  } else if (!strcmp(kind, "pddl")) {
    /* The mode: --mode, else the task's, else solver. */
    const char *mode = plan__json_str(task, "mode");
    bool from_flag = false;
    for (int i = 2; i + 1 < argc; i++)
      if (!strcmp(argv[i], "--mode")) {
        mode = argv[i + 1];
        from_flag = true;
      }
    if (json_object_get(task, "mode") && !plan__json_str(task, "mode"))
      fprintf(stderr, "plan: %s: field \"mode\": expected a string\n", path);
    else if (!mode || !strcmp(mode, "solver"))
      rc = run_pddl(argc, argv, path, task);
    else
      rc = cli_task_search(argc, argv, path, from_flag);
  } else if (!strcmp(kind, "text")) {
    rc = cli_task_search(argc, argv, path, false);
  } else if (!strcmp(kind, "travel")) {
    rc = cli_task_travel(argc, argv, path);
  } else {
    fprintf(stderr,
            "plan: %s: task kind '%s' is not supported (supported: pddl, "
            "text, travel)\n",
            path, kind);
  }
done:
  json_decref(task);
  return rc;
}
