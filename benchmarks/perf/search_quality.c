/* benchmarks/perf/search_quality.c: how well the search algorithms plan
 * under a noisy LLM, measured without a real model. It starts the mockllm
 * TEST DOUBLE with its oracle brain (benchmarks/mockllm/brain_oracle.c: the
 * exact simulator with seeded noise at a named level) and runs, for every
 * noise level and algorithm, the search core (planner/planner.h) with the
 * components' factory (planner/components) over PlanBench instances, with
 * the real OpenAI HTTP backend and the scheduler against the loopback
 * server. Each plan is checked by the validator (plan__pddl_validate).
 *
 *   search_quality --instances DIR --domain FILE [--n N] [--first K]
 *       [--noise low,middle,high] [--algo greedy,greedy-value,dfs,
 *       best-first,beam,mcts,tot-bfs] [--latency-ms MS] [--json]
 *       [--svg FILE] [--jobs J]
 *       [--mode hybrid|llm] [--world exact|checked] [--seed S]
 *       [--pb-config FILE] [--mockllm PATH] [--quick]
 *
 * Output: a table on stdout, or with --json one object per line per
 * algorithm and noise level. --svg writes a hand-made SVG plot. Instances
 * run --jobs at a time, each with its own backend and scheduler
 * (concurrency 16), so every search sees the latency on its own calls.
 * docs/search-quality.md has the results and what each field means. The
 * numbers measure search against a simulated, noisy oracle: they say
 * nothing about any real model.
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchmarks/planbench/planbench.h"
#include "benchmarks/perf/bench_util.h"
#include "core/core.h"
#include "mockllm_proc.h"
#include "plan.h"
#include "plan_backend.h"
#include "planner/components/components.h"
#include "planner/planner.h"
#include "worldmodel/pddl/pddl.h"

/* ======================================================================
 * Configurations
 * ====================================================================== */

/* One algorithm configuration: search options on top of the defaults and
 * the component options that differ. */
typedef struct algo_cfg {
  const char *name;
  plan__algo algo;
  unsigned value_samples;
  uint32_t batch;
  uint32_t beam_width;
  uint32_t dfs_max_children;
  uint32_t mcts_iterations;
  uint32_t max_expansions;
  double mcts_c;
  bool reference; /* the ToT configuration: never changed by flags */
  bool no_value;  /* no evaluator: no value calls (value_samples unused) */
} algo_cfg;

/* The defaults and the reasons for them are in docs/search-quality.md
 * ("Configurations"). greedy is the "no search" baseline: no value
 * function, the proposer's top action at every step, as the LLM alone;
 * greedy-value is a one-step lookahead on the value function. tot-bfs is
 * the reference: Tree of Thoughts' BFS with beam 5 and 3 value samples per
 * state. The entries after N_DEFAULT_ALGOS run only when --algo names
 * them: tot-bfs-10 is the reference with our 10 value samples, to tell the
 * search's share of the savings from the sampling's. */
static const algo_cfg algos[] = {
    {"greedy", PLAN__ALGO_GREEDY, 0, 0, 0, 0, 0, 0, 0, false, true},
    {"greedy-value", PLAN__ALGO_GREEDY, 10, 0, 0, 0, 0, 0, 0, false, false},
    {"dfs", PLAN__ALGO_DFS, 10, 0, 0, 3, 0, 100, 0, false, false},
    {"best-first", PLAN__ALGO_BEST_FIRST, 10, 1, 0, 0, 0, 0, 0, false, false},
    {"beam", PLAN__ALGO_BEAM, 10, 0, 2, 0, 0, 0, 0, false, false},
    {"mcts", PLAN__ALGO_MCTS, 10, 1, 0, 0, 200, 0, 0.1, false, false},
    {"tot-bfs", PLAN__ALGO_BEAM, 3, 0, 5, 0, 0, 0, 0, true, false},
    {"tot-bfs-10", PLAN__ALGO_BEAM, 10, 0, 5, 0, 0, 0, 0, false, false},
};
#define N_DEFAULT_ALGOS 7

static const char *const all_noise[] = {"low", "middle", "high"};

typedef struct opts {
  const char *instances;
  const char *domain;
  const char *pb_config;
  long n, first;
  const char *noise[8];
  size_t n_noise;
  const algo_cfg *algo[16];
  size_t n_algo;
  long latency_ms;
  bool json;
  bool verbose; /* one line per instance on stderr */
  FILE *trace;  /* --trace FILE: every search's JSONL trace (--jobs 1) */
  const char *svg;
  long jobs;
  plan__comp_mode mode;
  bool checked_world;
  int64_t seed;
  unsigned concurrency;
  uint64_t max_calls; /* per instance */
  /* Component settings: the proposer's apply to every configuration, the
   * value samples to all but the reference (and the configurations
   * without a value function). */
  plan__propose_method propose;
  unsigned propose_samples; /* 0: the components' default (2k) */
  unsigned value_samples;   /* 0: the configuration's */
  unsigned k;               /* 0: the components' default (5) */
  uint32_t batch;           /* best-first, mcts: 0 the configuration's */
  double mcts_c;            /* 0: the configuration's */
  double path_cost_weight;  /* best-first */
} opts;

/* ======================================================================
 * A backend wrapper that counts dependent waves of LLM calls
 * ====================================================================== */

/* A wave is a group of attempts started together: an attempt that starts
 * more than half a latency after the previous one had to wait for an
 * answer, so it opens a new wave. The number of waves is the number of
 * dependent LLM rounds the search needed, each at least one latency long;
 * a scheduler batch larger than the concurrency takes several. */
typedef struct counting {
  const plan_llm_vtbl *vt;
  void *inner;
  uint64_t gap_ns;
  uint64_t last_ns;
  uint64_t starts;
  uint64_t waves;
} counting;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static plan_status c_start(void *self, const plan_llm_request *req,
                           plan_llm_ticket *t) {
  counting *c = self;
  uint64_t now = now_ns();
  if (c->starts == 0 || now - c->last_ns > c->gap_ns)
    c->waves++;
  c->last_ns = now;
  c->starts++;
  return c->vt->start(c->inner, req, t);
}

static plan_status c_drive(void *self, long timeout_ms) {
  counting *c = self;
  return c->vt->drive(c->inner, timeout_ms);
}

static void c_cancel(void *self) {
  counting *c = self;
  if (c->vt->cancel_all)
    c->vt->cancel_all(c->inner);
}

static void c_destroy(void *self) {
  (void)self; /* the wrapper and the inner backend are freed by the caller */
}

/* ======================================================================
 * One instance
 * ====================================================================== */

typedef struct inst_result {
  bool valid;   /* the validator accepted the plan */
  bool claimed; /* the search said it found a goal */
  uint64_t calls, tokens, waves, rounds, expansions, nodes;
  size_t steps;
  double wall_s;
  plan__stop stop;
  plan_status status;
} inst_result;

/* Everything one worker thread needs, shared read-only. */
typedef struct shared {
  const opts *o;
  const algo_cfg *a;
  const char *base_url;
  char **paths;
  size_t n_paths;
  const plan__pb_config *cfg;
  const plan__prompts *prompts;
  inst_result *out;
  atomic_size_t next;
  atomic_int errors;
} shared;

static void report_error(shared *sh, const char *what, const char *msg) {
  if (atomic_fetch_add(&sh->errors, 1) < 3)
    fprintf(stderr, "search_quality: %s: %s\n", what, msg);
}

static void run_instance(shared *sh, plan_scheduler *sched, counting *cnt,
                         size_t i) {
  const opts *o = sh->o;
  const algo_cfg *a = sh->a;
  inst_result *r = &sh->out[i];
  memset(r, 0, sizeof *r);
  r->status = PLAN_EINTERNAL;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__pddl_task *task = NULL;
  plan__domain *dom = NULL;
  plan__comp_set *cs = NULL;
  plan__search *s = NULL;
  if (plan__pddl_task_load(o->domain, sh->paths[i], &task, &err) != PLAN_OK ||
      plan__domain_pddl_create(task, sh->cfg, sh->prompts, &dom, &err) !=
          PLAN_OK) {
    report_error(sh, sh->paths[i], err.text);
    goto done;
  }
  plan__comp_options co;
  plan__comp_options_default(&co);
  co.mode = o->mode;
  if (a->value_samples)
    co.value_samples = a->value_samples;
  /* The proposer is the same for every configuration; the reference keeps
   * its 3 value samples. */
  co.propose = o->propose;
  if (o->propose_samples)
    co.propose_samples = o->propose_samples;
  if (o->k)
    co.k = o->k;
  if (!a->reference && o->value_samples)
    co.value_samples = o->value_samples;
  co.call.has_seed = true;
  co.call.seed = o->seed;
  if (plan__comp_set_create(dom, &co, &cs, &err) != PLAN_OK) {
    report_error(sh, "components", err.text);
    goto done;
  }
  if (o->mode == PLAN__MODE_HYBRID && !o->checked_world) {
    /* The factory's hybrid world model asks the LLM to predict every
     * applicable child only to measure its error rate (the child gets the
     * simulator's state either way): calls that cannot change the search.
     * The benchmark uses the exact simulator alone (--world checked keeps
     * the factory's). */
    cs->world.destroy(cs->world.self);
    memset(&cs->world, 0, sizeof cs->world);
    if (plan__exact_world_create(dom, &cs->world, &err) != PLAN_OK) {
      report_error(sh, "world model", err.text);
      goto done;
    }
  }
  plan__search_options so;
  plan__search_options_default(&so);
  so.algo = a->algo;
  so.seed = (uint64_t)o->seed;
  so.max_llm_calls = o->max_calls;
  if (a->batch)
    so.batch = a->batch;
  if (a->beam_width)
    so.beam_width = a->beam_width;
  if (a->dfs_max_children)
    so.dfs_max_children = a->dfs_max_children;
  if (a->mcts_iterations)
    so.mcts_iterations = a->mcts_iterations;
  if (a->mcts_c > 0)
    so.mcts_c = a->mcts_c;
  if (o->batch &&
      (a->algo == PLAN__ALGO_BEST_FIRST || a->algo == PLAN__ALGO_MCTS))
    so.batch = o->batch;
  if (o->mcts_c > 0)
    so.mcts_c = o->mcts_c;
  so.path_cost_weight = o->path_cost_weight;
  if (a->max_expansions)
    so.max_expansions = a->max_expansions;
  /* The no-search baseline has no evaluator: every child ranks as the
   * root and greedy follows the proposer's prior. */
  if (plan__search_create(&so, &cs->proposer, &cs->world, &cs->goal,
                          a->no_value ? NULL : &cs->evaluator, sched, o->trace,
                          &s, &err) != PLAN_OK ||
      plan__domain_set_root(dom, s) != PLAN_OK) {
    report_error(sh, "search", err.text[0] ? err.text : "cannot start");
    goto done;
  }
  uint64_t waves0 = cnt->waves;
  cnt->starts = 0; /* the first start of this search opens a wave */
  uint64_t t0 = now_ns();
  r->status = plan__search_run(s);
  r->wall_s = (double)(now_ns() - t0) / 1e9;
  r->waves = cnt->waves - waves0;
  if (r->status != PLAN_OK && r->status != PLAN_EBUDGET)
    report_error(sh, sh->paths[i], plan__search_errmsg(s));
  plan__result res;
  plan__search_result(s, &res);
  r->claimed = res.solved;
  r->stop = res.stop;
  r->calls = res.llm_calls;
  r->tokens = res.tokens;
  r->rounds = res.rounds;
  r->expansions = res.expansions;
  r->nodes = res.n_nodes;
  r->steps = res.n_steps;
  plan__pddl_report rep;
  if (plan__comp_validate(dom, s, &res, &rep) == PLAN_OK)
    r->valid = rep.valid;
  plan__pddl_report_free(&rep);
  if (o->verbose)
    fprintf(stderr,
            "%s %s: %s, stop %s, %zu steps, %llu calls, %llu expansions, "
            "%llu nodes, %.3f s\n",
            a->name, sh->paths[i], r->valid ? "valid" : "not solved",
            plan__stop_name(r->stop), r->steps, (unsigned long long)r->calls,
            (unsigned long long)r->expansions, (unsigned long long)r->nodes,
            r->wall_s);
done:
  plan__search_free(s);
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
  plan_llm *wrap = NULL;
  plan_scheduler *sched = NULL;
  counting cnt;
  memset(&cnt, 0, sizeof cnt);
  plan_llm_vtbl vt;
  if (plan_llm_openai_create(&lo, &http, &err) != PLAN_OK) {
    report_error(sh, "backend", err.text);
    return NULL;
  }
  cnt.vt = plan_llm_vtable(http);
  cnt.inner = plan_llm_self(http);
  long gap_ms = sh->o->latency_ms / 2;
  cnt.gap_ns = (uint64_t)(gap_ms > 0 ? gap_ms : 1) * 1000000u;
  vt = (plan_llm_vtbl){.abi_version = PLAN_LLM_ABI_VERSION,
                       .name = "counting",
                       .caps = cnt.vt->caps,
                       .start = c_start,
                       .drive = c_drive,
                       .complete = NULL,
                       .cancel_all = c_cancel,
                       .destroy = c_destroy,
                       .describe = NULL};
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so.concurrency = sh->o->concurrency;
  if (plan_llm_custom_create(&vt, &cnt, &wrap, &err) != PLAN_OK ||
      plan_scheduler_create(wrap, &so, &sched, &err) != PLAN_OK) {
    report_error(sh, "scheduler", err.text);
  } else {
    for (size_t i; (i = atomic_fetch_add(&sh->next, 1)) < sh->n_paths;)
      run_instance(sh, sched, &cnt, i);
  }
  plan_scheduler_destroy(sched);
  plan_llm_destroy(wrap);
  plan_llm_destroy(http);
  return NULL;
}

/* ======================================================================
 * Aggregates
 * ====================================================================== */

typedef struct row {
  const char *algo;
  const char *noise;
  size_t instances, solved, claimed_invalid, errors;
  double success_rate;
  double calls, tokens, wall_s, waves, rounds, expansions, steps; /* means */
  double calls_per_solved;
  double wall_over_rounds; /* mean wall / (waves x latency) */
  double wall_total_s;
  size_t stops[16];
} row;

static void aggregate(const opts *o, const char *algo, const char *noise,
                      const inst_result *r, size_t n, row *w) {
  memset(w, 0, sizeof *w);
  w->algo = algo;
  w->noise = noise;
  w->instances = n;
  double calls = 0;
  double ratio_sum = 0;
  size_t ratio_n = 0;
  for (size_t i = 0; i < n; i++) {
    w->solved += r[i].valid;
    w->claimed_invalid += r[i].claimed && !r[i].valid;
    w->errors += r[i].status != PLAN_OK && r[i].status != PLAN_EBUDGET;
    calls += (double)r[i].calls;
    w->tokens += (double)r[i].tokens;
    w->wall_s += r[i].wall_s;
    w->waves += (double)r[i].waves;
    w->rounds += (double)r[i].rounds;
    w->expansions += (double)r[i].expansions;
    w->steps += (double)r[i].steps;
    if ((unsigned)r[i].stop < PLAN_ARRAY_LEN(w->stops))
      w->stops[r[i].stop]++;
    if (r[i].waves > 0 && o->latency_ms > 0) {
      ratio_sum +=
          r[i].wall_s / ((double)r[i].waves * (double)o->latency_ms / 1000.0);
      ratio_n++;
    }
  }
  double dn = n ? (double)n : 1;
  w->success_rate = (double)w->solved / dn;
  w->calls = calls / dn;
  w->tokens /= dn;
  w->wall_total_s = w->wall_s;
  w->wall_s /= dn;
  w->waves /= dn;
  w->rounds /= dn;
  w->expansions /= dn;
  w->steps /= dn;
  w->calls_per_solved = w->solved ? calls / (double)w->solved : 0;
  w->wall_over_rounds = ratio_n ? ratio_sum / (double)ratio_n : 0;
}

static void print_json(const opts *o, const row *w) {
  printf("{\"benchmark\":\"search_quality\",\"server\":\"mockllm oracle "
         "(test double)\",\"mode\":\"%s\",\"algo\":\"%s\",\"noise\":\"%s\","
         "\"instances\":%zu,\"solved\":%zu,\"success_rate\":%.4f,"
         "\"llm_calls\":%.2f,\"tokens\":%.1f,\"wall_s\":%.4f,"
         "\"calls_per_solved\":%.2f,\"dependent_rounds\":%.2f,"
         "\"latency_ms\":%ld,\"wall_over_rounds_latency\":%.3f,"
         "\"search_rounds\":%.2f,\"expansions\":%.2f,\"plan_steps\":%.2f,"
         "\"claimed_but_invalid\":%zu,\"errors\":%zu,\"stops\":{",
         plan__comp_mode_name(o->mode), w->algo, w->noise, w->instances,
         w->solved, w->success_rate, w->calls, w->tokens, w->wall_s,
         w->calls_per_solved, w->waves, o->latency_ms, w->wall_over_rounds,
         w->rounds, w->expansions, w->steps, w->claimed_invalid, w->errors);
  bool first = true;
  for (size_t k = 0; k < PLAN_ARRAY_LEN(w->stops); k++) {
    if (!w->stops[k])
      continue;
    printf("%s\"%s\":%zu", first ? "" : ",", plan__stop_name((plan__stop)k),
           w->stops[k]);
    first = false;
  }
  printf("}}\n");
  fflush(stdout);
}

static void print_header(void) {
  printf("%-12s %-7s %9s %8s %10s %10s %8s %8s %7s\n", "algo", "noise",
         "solved", "calls/i", "tokens/i", "calls/sol", "wall_s", "rounds",
         "ratio");
}

static void print_row(const row *w) {
  printf("%-12s %-7s %4zu/%-4zu %8.1f %10.0f %10.1f %8.3f %8.1f %7.2f\n",
         w->algo, w->noise, w->solved, w->instances, w->calls, w->tokens,
         w->calls_per_solved, w->wall_s, w->waves, w->wall_over_rounds);
  fflush(stdout);
}

/* ======================================================================
 * The plot: a hand-written SVG
 * ====================================================================== */

static const char *const noise_colors[] = {"#6baed6", "#2171b5", "#08306b"};

static void svg_escape(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '<')
      fputs("&lt;", f);
    else if (*s == '>')
      fputs("&gt;", f);
    else if (*s == '&')
      fputs("&amp;", f);
    else
      fputc(*s, f);
  }
}

/* One panel of grouped bars: for each algorithm a group, one bar per
 * noise level. value(w) is the bar height; top the axis maximum. */
static void svg_panel(FILE *f, const opts *o, const row *rows, double x0,
                      double y0, double w, double h, const char *title,
                      double top, const char *fmt, bool percent, int which) {
  fprintf(f,
          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"15\" "
          "font-weight=\"bold\">",
          x0, y0 - 12);
  svg_escape(f, title);
  fputs("</text>\n", f);
  fprintf(f,
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
          "stroke=\"#333\"/>\n",
          x0, y0 + h, x0 + w, y0 + h);
  fprintf(f,
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
          "stroke=\"#333\"/>\n",
          x0, y0, x0, y0 + h);
  for (int t = 0; t <= 4; t++) {
    double v = top * t / 4.0;
    double y = y0 + h - h * t / 4.0;
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#ddd\"/>\n",
            x0, y, x0 + w, y);
    fprintf(f,
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
            "text-anchor=\"end\">",
            x0 - 5, y + 4);
    fprintf(f, percent ? "%.0f%%" : "%.0f", percent ? v * 100 : v);
    fputs("</text>\n", f);
  }
  double gw = w / (double)o->n_algo;
  double bw = (gw - 14) / (double)o->n_noise;
  for (size_t a = 0; a < o->n_algo; a++) {
    double gx = x0 + gw * (double)a + 7;
    for (size_t k = 0; k < o->n_noise; k++) {
      const row *r = &rows[k * o->n_algo + a];
      double v = which == 0 ? r->success_rate : r->calls_per_solved;
      double bh = top > 0 ? h * (v > top ? top : v) / top : 0;
      double bx = gx + bw * (double)k;
      fprintf(f,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
              "fill=\"%s\"><title>%s, %s noise: ",
              bx, y0 + h - bh, bw - 2, bh, noise_colors[k % 3], r->algo,
              r->noise);
      fprintf(f, fmt, percent ? v * 100 : v);
      fputs("</title></rect>\n", f);
      if (which == 0 || r->solved > 0)
        fprintf(f,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
                "text-anchor=\"middle\">%.0f</text>\n",
                bx + (bw - 2) / 2, y0 + h - bh - 3, percent ? v * 100 : v);
      if (which == 1 && r->solved == 0)
        fprintf(f,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
                "text-anchor=\"middle\">n/a</text>\n",
                bx + (bw - 2) / 2, y0 + h - 3);
    }
    fprintf(f,
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
            "text-anchor=\"middle\">",
            gx + (gw - 14) / 2, y0 + h + 16);
    svg_escape(f, o->algo[a]->name);
    fputs("</text>\n", f);
  }
}

static bool write_svg(const opts *o, const row *rows) {
  FILE *f = fopen(o->svg, "w");
  if (!f) {
    fprintf(stderr, "search_quality: cannot write %s\n", o->svg);
    return false;
  }
  double max_calls = 0;
  for (size_t i = 0; i < o->n_noise * o->n_algo; i++)
    if (rows[i].calls_per_solved > max_calls)
      max_calls = rows[i].calls_per_solved;
  double step = pow(10, floor(log10(max_calls > 1 ? max_calls : 1)));
  double top = ceil(max_calls / step) * step;
  if (top <= 0)
    top = 1;
  /* About 70 px per algorithm group (three bars and a label), at least
   * 1000 px in all. */
  double pw = 70.0 * (double)o->n_algo;
  if (pw < 415)
    pw = 415;
  double width = 2 * pw + 170;
  fprintf(f,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
          "height=\"430\" viewBox=\"0 0 %.0f 430\" "
          "font-family=\"Helvetica, Arial, sans-serif\">\n"
          "<rect width=\"%.0f\" height=\"430\" fill=\"white\"/>\n"
          "<text x=\"%.0f\" y=\"24\" font-size=\"16\" "
          "text-anchor=\"middle\">"
          "search_quality: %ld PlanBench Blocksworld instances, %s mode, "
          "mockllm oracle (test double)</text>\n",
          width, width, width, width / 2, o->n, plan__comp_mode_name(o->mode));
  svg_panel(f, o, rows, 60, 70, pw, 280, "Success rate (validated plans)", 1.0,
            "%.1f%%", true, 0);
  svg_panel(f, o, rows, pw + 150, 70, pw, 280, "LLM calls per solved instance",
            top, "%.1f", false, 1);
  for (size_t k = 0; k < o->n_noise; k++) {
    double x = width / 2 - 170 + 130 * (double)k;
    fprintf(f,
            "<rect x=\"%.1f\" y=\"400\" width=\"14\" height=\"14\" "
            "fill=\"%s\"/><text x=\"%.1f\" y=\"412\" font-size=\"12\">"
            "%s noise</text>\n",
            x, noise_colors[k % 3], x + 20, o->noise[k]);
  }
  fputs("</svg>\n", f);
  return fclose(f) == 0;
}

/* ======================================================================
 * Command line, instances, main
 * ====================================================================== */

static void usage(FILE *f) {
  fprintf(f, "usage: search_quality --instances DIR --domain FILE [--n N] "
             "[--first K]\n"
             "         [--noise low,middle,high] [--algo "
             "greedy,greedy-value,dfs,best-first,beam,mcts,tot-bfs\n"
             "         (,tot-bfs-10)]\n"
             "         [--latency-ms MS] [--json] [--svg FILE] [--jobs J] "
             "[--mode hybrid|llm]\n"
             "         [--world exact|checked] [--seed S] [--pb-config FILE] "
             "[--max-calls N]\n"
             "         [--mockllm PATH] [--verbose] [--trace FILE] [--quick]\n"
             "Runs the search algorithms against the mockllm oracle (a TEST "
             "DOUBLE: the\nexact simulator with seeded noise) and reports "
             "success, LLM calls, tokens\nand wall time. See "
             "docs/search-quality.md.\n");
}

/* The PlanBench config: --pb-config DATA/configs/NAME.yaml, or by default
 * DATA/configs/blocksworld.yaml for a domain under DATA/instances/. */
static char *config_path(const opts *o) {
  if (o->pb_config)
    return plan__strdup(o->pb_config);
  const char *inst = strstr(o->domain, "instances/");
  if (!inst)
    return NULL;
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_append(&b, o->domain, (size_t)(inst - o->domain));
  plan__buf_puts(&b, "configs/blocksworld.yaml");
  return plan__buf_take(&b);
}

static plan_status load_config(const char *path, plan__pb_config **out,
                               plan_error *err) {
  /* DATA/configs/NAME.yaml -> plan__pb_config_load(DATA, NAME). */
  const char *slash = strrchr(path, '/');
  const char *name = slash ? slash + 1 : path;
  size_t dir_len = slash ? (size_t)(slash - path) : 0;
  size_t nlen = strlen(name);
  if (nlen < 6 || strcmp(name + nlen - 5, ".yaml") != 0 || dir_len < 7 ||
      strncmp(path + dir_len - 7, "configs", 7) != 0)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "--pb-config must be DATA/configs/NAME.yaml: %s",
                           path);
  char *data = plan__strndup(path, dir_len >= 8 ? dir_len - 8 : 0);
  char *stem = plan__strndup(name, nlen - 5);
  plan_status st =
      data && stem
          ? plan__pb_config_load(dir_len >= 8 ? data : ".", stem, out, err)
          : PLAN_ENOMEM;
  plan__free(data);
  plan__free(stem);
  return st;
}

static bool parse_args(int argc, char **argv, opts *o) {
  static char noise_buf[256], algo_buf[256];
  const char *algo_names[16];
  size_t n_algo_names = 0;
  bool quick = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    int64_t x;
    if (!strcmp(a, "--json")) {
      o->json = true;
      continue;
    }
    if (!strcmp(a, "--quick")) {
      quick = true;
      continue;
    }
    if (!strcmp(a, "--verbose")) {
      o->verbose = true;
      continue;
    }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      exit(0);
    }
    if (!v) {
      fprintf(stderr, "search_quality: %s needs a value\n", a);
      return false;
    }
    i++;
    if (!strcmp(a, "--instances")) {
      o->instances = v;
    } else if (!strcmp(a, "--domain")) {
      o->domain = v;
    } else if (!strcmp(a, "--pb-config")) {
      o->pb_config = v;
    } else if (!strcmp(a, "--trace")) {
      o->trace = fopen(v, "w");
      if (!o->trace) {
        fprintf(stderr, "search_quality: cannot write %s\n", v);
        return false;
      }
      o->jobs = 1;
    } else if (!strcmp(a, "--svg")) {
      o->svg = v;
    } else if (!strcmp(a, "--mockllm")) {
      setenv("PLAN_MOCKLLM", v, 1);
    } else if (!strcmp(a, "--mode")) {
      if (!plan__comp_mode_parse(v, &o->mode) ||
          (o->mode != PLAN__MODE_HYBRID && o->mode != PLAN__MODE_LLM)) {
        fprintf(stderr, "search_quality: --mode is hybrid or llm\n");
        return false;
      }
    } else if (!strcmp(a, "--world")) {
      if (strcmp(v, "exact") && strcmp(v, "checked")) {
        fprintf(stderr, "search_quality: --world is exact or checked\n");
        return false;
      }
      o->checked_world = !strcmp(v, "checked");
    } else if (!strcmp(a, "--propose")) {
      if (strcmp(v, "sample") && strcmp(v, "list")) {
        fprintf(stderr, "search_quality: --propose is sample or list\n");
        return false;
      }
      o->propose =
          strcmp(v, "list") ? PLAN__PROPOSE_SAMPLE : PLAN__PROPOSE_LIST;
    } else if (!strcmp(a, "--mcts-c") || !strcmp(a, "--path-cost")) {
      double d;
      if (!plan__parse_double(v, &d) || !(d >= 0 && d <= 100)) {
        fprintf(stderr, "search_quality: bad %s %s\n", a, v);
        return false;
      }
      if (!strcmp(a, "--mcts-c"))
        o->mcts_c = d;
      else
        o->path_cost_weight = d;
    } else if (!strcmp(a, "--noise")) {
      snprintf(noise_buf, sizeof noise_buf, "%s", v);
      o->n_noise = bench_split_list(noise_buf, o->noise, PLAN_ARRAY_LEN(o->noise));
    } else if (!strcmp(a, "--algo")) {
      snprintf(algo_buf, sizeof algo_buf, "%s", v);
      n_algo_names =
          bench_split_list(algo_buf, algo_names, PLAN_ARRAY_LEN(algo_names));
    } else if (plan__parse_i64(v, &x) && x >= 0 && x <= 100000000) {
      if (!strcmp(a, "--n") && x >= 1)
        o->n = (long)x;
      else if (!strcmp(a, "--first") && x >= 1)
        o->first = (long)x;
      else if (!strcmp(a, "--latency-ms"))
        o->latency_ms = (long)x;
      else if (!strcmp(a, "--jobs") && x >= 1 && x <= 64)
        o->jobs = (long)x;
      else if (!strcmp(a, "--seed"))
        o->seed = x;
      else if (!strcmp(a, "--max-calls") && x >= 1)
        o->max_calls = (uint64_t)x;
      else if (!strcmp(a, "--propose-samples") && x >= 1 && x <= 128)
        o->propose_samples = (unsigned)x;
      else if (!strcmp(a, "--value-samples") && x >= 1 && x <= 128)
        o->value_samples = (unsigned)x;
      else if (!strcmp(a, "--k") && x >= 1 && x <= 64)
        o->k = (unsigned)x;
      else if (!strcmp(a, "--batch") && x >= 1 && x <= 64)
        o->batch = (uint32_t)x;
      else {
        fprintf(stderr, "search_quality: bad option %s %s\n", a, v);
        return false;
      }
    } else {
      fprintf(stderr, "search_quality: bad option %s %s\n", a, v);
      return false;
    }
  }
  if (quick) {
    /* The ctest: a few instances, every algorithm, middle noise, a short
     * latency; well under a minute. */
    o->n = 6;
    o->latency_ms = 10;
    if (!o->n_noise) {
      o->noise[0] = "middle";
      o->n_noise = 1;
    }
  }
  if (!o->n_noise)
    for (size_t k = 0; k < PLAN_ARRAY_LEN(all_noise); k++)
      o->noise[o->n_noise++] = all_noise[k];
  for (size_t k = 0; k < o->n_noise; k++)
    if (strcmp(o->noise[k], "low") && strcmp(o->noise[k], "middle") &&
        strcmp(o->noise[k], "high") && strcmp(o->noise[k], "none")) {
      fprintf(stderr, "search_quality: unknown noise level %s\n", o->noise[k]);
      return false;
    }
  if (n_algo_names == 0)
    for (size_t k = 0; k < N_DEFAULT_ALGOS; k++)
      o->algo[o->n_algo++] = &algos[k];
  for (size_t k = 0; k < n_algo_names; k++) {
    const algo_cfg *found = NULL;
    for (size_t j = 0; j < PLAN_ARRAY_LEN(algos); j++)
      if (!strcmp(algos[j].name, algo_names[k]))
        found = &algos[j];
    if (!found) {
      fprintf(stderr, "search_quality: unknown algorithm %s\n", algo_names[k]);
      return false;
    }
    o->algo[o->n_algo++] = found;
  }
  if (!o->instances || !o->domain) {
    fprintf(stderr, "search_quality: --instances and --domain are needed\n");
    return false;
  }
  return true;
}

int main(int argc, char **argv) {
  opts o;
  memset(&o, 0, sizeof o);
  o.n = 100;
  o.first = 1;
  o.latency_ms = 50;
  o.jobs = 8;
  o.mode = PLAN__MODE_HYBRID;
  o.seed = 1;
  o.concurrency = 16;
  o.max_calls = 2000;
  o.propose_samples = 20;
  if (!parse_args(argc, argv, &o)) {
    usage(stderr);
    return 2;
  }
  if (!getenv("PLAN_MOCKLLM")) {
    fprintf(stderr, "search_quality: pass --mockllm PATH (or set "
                    "PLAN_MOCKLLM)\n");
    return 2;
  }
  json_object_seed(1);
  if (plan_global_init(NULL) != PLAN_OK)
    return 1;
  int rc = 1;
  size_t n_paths = 0;
  char **paths = bench_list_instances(o.instances, o.first, o.n, &n_paths);
  char *cfg_path = config_path(&o);
  plan__pb_config *cfg = NULL;
  plan__prompts *prompts = NULL;
  inst_result *res = NULL;
  row *rows = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  if (!paths || n_paths == 0) {
    fprintf(stderr, "search_quality: no problem files in %s\n", o.instances);
    goto done;
  }
  o.n = (long)n_paths;
  if (!cfg_path || load_config(cfg_path, &cfg, &err) != PLAN_OK ||
      plan__prompts_load(NULL, &prompts, &err) != PLAN_OK) {
    fprintf(stderr, "search_quality: %s\n",
            cfg_path ? err.text : "pass --pb-config FILE");
    goto done;
  }
  res = plan__calloc(n_paths, sizeof *res);
  rows = plan__calloc(o.n_noise * o.n_algo, sizeof *rows);
  if (!res || !rows)
    goto done;
  if (!o.json) {
    printf("search_quality: %zu instances, %s mode, latency %ld ms, "
           "mockllm oracle (a test double)\n",
           n_paths, plan__comp_mode_name(o.mode), o.latency_ms);
    print_header();
  }
  rc = 0;
  for (size_t k = 0; k < o.n_noise && rc == 0; k++) {
    char lat[32];
    snprintf(lat, sizeof lat, "%ld", o.latency_ms);
    const char *args[] = {
        "--brain",      "oracle",      "--domain", o.domain,  "--problem-dir",
        o.instances,    "--pb-config", cfg_path,   "--noise", o.noise[k],
        "--latency-ms", lat,           NULL};
    mockllm_proc mock;
    if (mockllm_start(&mock, args) != 0) {
      fprintf(stderr, "search_quality: cannot start mockllm\n");
      rc = 1;
      break;
    }
    for (size_t a = 0; a < o.n_algo; a++) {
      shared sh;
      memset(&sh, 0, sizeof sh);
      sh.o = &o;
      sh.a = o.algo[a];
      sh.base_url = mock.base_url;
      sh.paths = paths;
      sh.n_paths = n_paths;
      sh.cfg = cfg;
      sh.prompts = prompts;
      sh.out = res;
      atomic_init(&sh.next, 0);
      atomic_init(&sh.errors, 0);
      size_t nt = (size_t)o.jobs < n_paths ? (size_t)o.jobs : n_paths;
      pthread_t th[64];
      size_t started = 0;
      for (; started < nt; started++)
        if (pthread_create(&th[started], NULL, worker, &sh) != 0)
          break;
      if (started == 0)
        worker(&sh);
      for (size_t t = 0; t < started; t++)
        pthread_join(th[t], NULL);
      row *w = &rows[k * o.n_algo + a];
      aggregate(&o, o.algo[a]->name, o.noise[k], res, n_paths, w);
      if (o.json)
        print_json(&o, w);
      else
        print_row(w);
      if (w->errors > 0)
        rc = 1; /* a component or the set-up failed (messages above) */
    }
    mockllm_stop(&mock);
    if (mock.exit_status != 0)
      rc = 1;
  }
  if (rc == 0 && o.svg && !write_svg(&o, rows))
    rc = 1;
done:
  plan__free(rows);
  plan__free(res);
  plan__prompts_free(prompts);
  plan__pb_config_free(cfg);
  plan__free(cfg_path);
  for (size_t i = 0; paths && i < n_paths; i++)
    plan__free(paths[i]);
  plan__free(paths);
  if (o.trace)
    fclose(o.trace);
  plan_global_cleanup();
  return rc;
}
