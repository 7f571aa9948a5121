/* planner/api.c: the public search API of include/plan.h ("Search").
 *
 * A plan_search handle wraps the search core (planner/planner.h) for
 * programs that see only <plan.h>. The program's callbacks are simple and
 * synchronous, one item at a time; this file adapts them to the core's
 * component vtables, which take a whole phase's items at once. A part
 * without a callback is the LLM default: the component factory's "text"
 * mode (planner/components), built over a text domain made from the
 * options' goal, description and action vocabulary. The agent loop
 * (planner/agent_api.c) builds its parts the same way, through
 * plan__api_parts_init (planner/api_int.h). Each run gets a fresh
 * search tree and a fresh scheduler (so budgets count per run); the result
 * of the last run stays readable until the next run or destroy.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "planner/api_int.h"
#include "planner/components/components.h"
#include "planner/planner.h"

#define SEARCH_MAGIC 0x504c5352u /* "PLSR" */
#define SINK_MAGIC 0x534e4b41u   /* "SNKA" */
#define STATE_MAGIC PLAN__STATE_BUF_MAGIC
#define MAX_STATE_BYTES ((size_t)16 << 20)

struct plan_search {
  unsigned magic;
  plan_llm *llm;         /* borrowed, may be NULL */
  plan__api_parts parts; /* the options and the components the search runs */

  /* The last run. */
  plan_scheduler *sched;
  plan__search *search;
  const char **steps; /* borrowed from search's arena */
  size_t n_steps;
  const char *final_state;
  bool ran, solved, running;
  plan__stop stop;
  plan_search_stats stats;
  char errmsg[512];
};

static bool handle_ok(const plan_search *s) {
  return s && s->magic == SEARCH_MAGIC;
}

static void set_msg(plan_search *s, const char *fmt, ...) PLAN_PRINTF(2, 3);
static void set_msg(plan_search *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
  va_end(ap);
}

/* ======================================================================
 * Algorithms and options
 * ====================================================================== */

static const struct {
  const char *name;
  plan__algo internal;
} algos[] = {
    {"best-first", PLAN__ALGO_BEST_FIRST},
    {"dfs", PLAN__ALGO_DFS},
    {"beam", PLAN__ALGO_BEAM},
    {"mcts", PLAN__ALGO_MCTS},
    {"greedy", PLAN__ALGO_GREEDY},
};

plan_status plan_search_algo_parse(const char *s, plan_search_algo *out) {
  for (size_t i = 0; s && out && i < PLAN_ARRAY_LEN(algos); i++)
    if (!strcmp(s, algos[i].name)) {
      *out = (plan_search_algo)i;
      return PLAN_OK;
    }
  return PLAN_EINVAL;
}

const char *plan_search_algo_name(plan_search_algo a) {
  return (unsigned)a < PLAN_ARRAY_LEN(algos) ? algos[a].name : "?";
}

void plan_search_options_init(plan_search_options *opts, unsigned version) {
  if (!opts)
    return;
  memset(opts, 0, sizeof *opts);
  opts->version = version;
}

/* ======================================================================
 * Sinks
 * ====================================================================== */

struct plan_action_sink {
  unsigned magic;
  plan__search *s;
  plan__node_id parent;
  plan_status failed; /* first failure other than EBUDGET */
  bool budget;        /* the node budget refused a child */
};

plan_status plan_action_sink_add(plan_action_sink *sink, const char *action) {
  if (!sink || sink->magic != SINK_MAGIC)
    return PLAN_EMISUSE;
  if (!action || !*action)
    return PLAN_EINVAL;
  plan_status st =
      plan__search_add_child(sink->s, sink->parent, action, strlen(action),
                             NULL, PLAN__EFFECT_PURE, NULL);
  if (st == PLAN_EBUDGET)
    sink->budget = true;
  else if (st != PLAN_OK && sink->failed == PLAN_OK)
    sink->failed = st;
  return st;
}

plan_status plan_state_buf_append(plan_state_buf *buf, const char *text,
                                  size_t len) {
  if (!buf || buf->magic != STATE_MAGIC || (!text && len))
    return PLAN_EMISUSE;
  return len ? plan__buf_append(&buf->b, text, len) : buf->b.status;
}

/* ======================================================================
 * Adapters: user callbacks as the core's components
 * ====================================================================== */

/* A failure of callback `who` at node id: the message names both. */
static plan_status callback_failed(plan__search *srch, const char *who,
                                   plan__node_id id, plan_status st) {
  plan__search_set_error(srch, st, "%s callback returned %s at node %u", who,
                         plan_status_name(st), (unsigned)id);
  return st;
}

static plan_status cb_propose(void *self, plan__search *srch,
                              const plan__node_id *nodes, size_t n) {
  plan__api_parts *p = self;
  for (size_t i = 0; i < n; i++) {
    const plan__node *nd = plan__search_node(srch, nodes[i]);
    if (!nd || !nd->state_text)
      continue;
    const char *state = nd->state_text; /* arena: stable as nodes grow */
    plan_action_sink sink = {SINK_MAGIC, srch, nodes[i], PLAN_OK, false};
    plan_status st = p->o.propose(p->o.ud, state, &sink);
    sink.magic = 0;
    if (sink.failed != PLAN_OK)
      return sink.failed;
    if (sink.budget)
      return PLAN_EBUDGET; /* the search stops with "nodes" */
    if (st != PLAN_OK)
      return callback_failed(srch, "propose", nodes[i], st);
  }
  return PLAN_OK;
}

static plan_status cb_simulate(void *self, plan__search *srch,
                               const plan__node_id *ids, size_t n) {
  plan__api_parts *p = self;
  plan_state_buf out;
  out.magic = STATE_MAGIC;
  plan__buf_init(&out.b, MAX_STATE_BYTES);
  plan_status ret = PLAN_OK;
  for (size_t i = 0; i < n && ret == PLAN_OK; i++) {
    const plan__node *c = plan__search_node(srch, ids[i]);
    const plan__node *par = c ? plan__search_node(srch, c->parent) : NULL;
    if (!par || !par->state_text || !c->action)
      continue;
    const char *state = par->state_text;
    const char *action = c->action;
    plan__buf_reset(&out.b);
    plan_status st = p->o.simulate(p->o.ud, state, action, &out);
    if (st == PLAN_ENOTFOUND) {
      plan__search_prune(srch, ids[i], "inapplicable action");
      continue;
    }
    if (st != PLAN_OK) {
      ret = callback_failed(srch, "simulate", ids[i], st);
      break;
    }
    if (out.b.status != PLAN_OK) {
      ret = out.b.status;
      plan__search_set_error(srch, ret,
                             "simulate callback: state of node %u: %s",
                             (unsigned)ids[i], plan_strerror(ret));
      break;
    }
    const char *text = out.b.data ? out.b.data : "";
    ret = plan__search_set_state(srch, ids[i], text, out.b.len, NULL, NULL, 0,
                                 plan__text_state_hash(text, out.b.len));
  }
  out.magic = 0;
  plan__buf_free(&out.b);
  return ret;
}

static plan_status cb_goal(void *self, plan__search *srch,
                           const plan__node_id *ids, size_t n) {
  plan__api_parts *p = self;
  for (size_t i = 0; i < n; i++) {
    const plan__node *nd = plan__search_node(srch, ids[i]);
    if (nd && nd->state_text && p->o.is_goal(p->o.ud, nd->state_text))
      plan__search_set_goal(srch, ids[i]);
  }
  return PLAN_OK;
}

static plan_status cb_evaluate(void *self, plan__search *srch,
                               const plan__node_id *ids, size_t n) {
  plan__api_parts *p = self;
  for (size_t i = 0; i < n; i++) {
    const plan__node *nd = plan__search_node(srch, ids[i]);
    if (!nd || !nd->state_text)
      continue;
    double v = NAN;
    plan_status st = p->o.evaluate(p->o.ud, nd->state_text, &v);
    if (st == PLAN_ENOTFOUND) {
      plan__search_add_missing(srch, ids[i]);
      continue;
    }
    if (st != PLAN_OK)
      return callback_failed(srch, "evaluate", ids[i], st);
    plan__search_add_value(srch, ids[i], v); /* NaN counts as missing */
  }
  return PLAN_OK;
}

/* ======================================================================
 * The last run
 * ====================================================================== */

static void free_run(plan_search *s) {
  plan__search_free(s->search);
  plan_scheduler_destroy(s->sched);
  plan__free(s->steps);
  s->search = NULL;
  s->sched = NULL;
  s->steps = NULL;
  s->n_steps = 0;
  s->final_state = NULL;
  s->ran = false;
  s->solved = false;
  s->stop = PLAN__STOP_NONE;
  memset(&s->stats, 0, sizeof s->stats);
}

/* ======================================================================
 * The parts from the options (shared with planner/agent_api.c)
 * ====================================================================== */

void plan__api_parts_free(plan__api_parts *p) {
  if (!p)
    return;
  plan__comp_set_free(p->cs);
  plan__domain_free(p->dom);
  plan__prompts_free(p->prompts);
  for (size_t i = 0; i < p->n_actions; i++)
    plan__free(p->actions[i]);
  plan__free(p->actions);
  plan__free(p->goal);
  plan__free(p->description);
  plan__free(p->prompts_dir);
  plan__free(p->model);
  plan__free(p->trace_path);
  memset(p, 0, sizeof *p);
}

/* Copies an optional string; false on ENOMEM. */
static bool copy_str(const char *in, char **out) {
  *out = NULL;
  if (!in)
    return true;
  *out = plan__strdup(in);
  return *out != NULL;
}

/* Builds the text domain and its templates, and with an LLM default the
 * factory's text-mode components. A domain built only for the agent loop
 * (every part a callback) may have no goal: the prompts that would show
 * it are never rendered. */
static plan_status make_domain(plan__api_parts *p, plan_error *err) {
  plan_status st = plan__prompts_load(p->prompts_dir, &p->prompts, err);
  if (st != PLAN_OK)
    return st;
  const char *goal =
      p->goal && *p->goal ? p->goal : "the goal of the environment";
  st = plan__domain_text_create(p->description, "", goal,
                                (const char *const *)p->actions, p->n_actions,
                                p->prompts, &p->dom, err);
  if (st != PLAN_OK || !p->uses_llm)
    return st;
  plan__comp_options co;
  plan__comp_options_default(&co);
  co.mode = PLAN__MODE_TEXT;
  if (p->o.branching)
    co.k = p->o.branching;
  co.propose_samples = p->o.propose_samples;
  if (p->o.value_samples)
    co.value_samples = p->o.value_samples;
  co.call.model = p->model;
  if (p->o.seed) {
    co.call.has_seed = true;
    co.call.seed = (int64_t)p->o.seed;
  }
  p->call = co.call;
  return plan__comp_set_create(p->dom, &co, &p->cs, err);
}

plan_status plan__api_parts_init(plan__api_parts *p, plan_llm *llm,
                                 const plan_search_options *opts,
                                 bool need_domain, const char *who,
                                 plan_error *err) {
  memset(p, 0, sizeof *p);
  plan_search_options def;
  if (!opts) {
    plan_search_options_init(&def, PLAN_SEARCH_OPTIONS_VERSION);
    opts = &def;
  }
  if (opts->version != PLAN_SEARCH_OPTIONS_VERSION)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "search options: unsupported version %u (call "
                           "plan_search_options_init)",
                           opts->version);
  if ((unsigned)opts->algo >= PLAN_ARRAY_LEN(algos))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "search options: unknown algo %d", (int)opts->algo);
  if (!llm) {
    const char *missing = !opts->propose    ? "propose"
                          : !opts->simulate ? "simulate"
                          : !opts->is_goal  ? "is_goal"
                                            : NULL;
    if (missing)
      return plan__error_set(err, PLAN_EINVAL, 0, 0,
                             "%s: no LLM and no %s callback: without an "
                             "LLM, propose, simulate and is_goal are required",
                             who, missing);
  }
  bool uses_llm = llm && (!opts->propose || !opts->simulate || !opts->is_goal ||
                          !opts->evaluate);
  if (uses_llm && (!opts->goal || !*opts->goal))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "search options: goal is required when an LLM "
                           "default is used (a callback is NULL)");
  if (opts->n_actions && !opts->actions)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "search options: n_actions without actions");
  for (size_t i = 0; i < opts->n_actions; i++)
    if (!opts->actions[i])
      return plan__error_set(err, PLAN_EINVAL, 0, 0,
                             "search options: actions[%zu] is NULL", i);
  if (!isfinite(opts->prune_below))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "search options: prune_below must be finite");

  p->o = *opts;
  p->uses_llm = uses_llm;
  if (!copy_str(opts->goal, &p->goal) ||
      !copy_str(opts->description, &p->description) ||
      !copy_str(opts->prompts_dir, &p->prompts_dir) ||
      !copy_str(opts->model, &p->model) ||
      !copy_str(opts->trace_path, &p->trace_path))
    goto nomem;
  if (opts->n_actions) {
    p->actions = plan__calloc(opts->n_actions, sizeof *p->actions);
    if (!p->actions)
      goto nomem;
    for (; p->n_actions < opts->n_actions; p->n_actions++)
      if (!copy_str(opts->actions[p->n_actions], &p->actions[p->n_actions]))
        goto nomem;
  }
  p->o.goal = p->goal;
  p->o.description = p->description;
  p->o.prompts_dir = p->prompts_dir;
  p->o.model = p->model;
  p->o.trace_path = p->trace_path;
  p->o.actions = (const char *const *)p->actions;

  if (uses_llm || need_domain) {
    plan_status st = make_domain(p, err);
    if (st != PLAN_OK) {
      plan__api_parts_free(p);
      return st;
    }
  }
  if (opts->propose)
    p->proposer = (plan__proposer){"callback:propose", cb_propose, NULL, p};
  else
    p->proposer = p->cs->proposer;
  if (opts->simulate) {
    p->world = (plan__world_model){"callback:simulate", cb_simulate, NULL, p};
  } else {
    p->world = p->cs->world;
    p->llm_world = true;
  }
  if (opts->is_goal)
    p->goal_test = (plan__goal_test){"callback:is_goal", cb_goal, NULL, p};
  else
    p->goal_test = p->cs->goal;
  p->has_evaluator = true;
  if (opts->evaluate)
    p->evaluator = (plan__evaluator){"callback:evaluate", cb_evaluate, NULL, p};
  else if (p->cs)
    p->evaluator = p->cs->evaluator;
  else
    p->has_evaluator = false;
  return PLAN_OK;

nomem:
  plan__api_parts_free(p);
  return plan__error_set(err, PLAN_ENOMEM, 0, 0, "%s: out of memory", who);
}

void plan__api_core_options(const plan_search_options *o,
                            plan__search_options *so) {
  plan__search_options_default(so);
  so->algo =
      algos[(unsigned)o->algo < PLAN_ARRAY_LEN(algos) ? o->algo : 0].internal;
  if (o->max_nodes)
    so->max_nodes = o->max_nodes;
  if (o->max_depth)
    so->max_depth = o->max_depth;
  so->max_expansions = o->max_expansions;
  so->max_llm_calls = o->max_llm_calls;
  so->max_tokens = o->max_tokens;
  so->max_wall_ms = o->max_wall_ms;
  if (o->branching)
    so->branching = o->branching;
  if (o->batch)
    so->batch = o->batch;
  if (o->beam_width)
    so->beam_width = o->beam_width;
  if (o->dfs_max_children)
    so->dfs_max_children = o->dfs_max_children;
  if (o->mcts_iterations)
    so->mcts_iterations = o->mcts_iterations;
  so->prune_below = o->prune_below;
  so->seed = o->seed;
  so->clock = o->clock;
}

void plan__api_scheduler_options(const plan_search_options *o,
                                 plan_scheduler_options *so) {
  plan_scheduler_options_init(so, PLAN_SCHEDULER_OPTIONS_VERSION);
  so->concurrency = o->concurrency;
  so->seed = o->seed;
  so->clock = o->clock;
}

/* ======================================================================
 * Create and destroy
 * ====================================================================== */

void plan_search_destroy(plan_search *s) {
  if (!handle_ok(s))
    return;
  free_run(s);
  s->magic = 0;
  plan__api_parts_free(&s->parts);
  plan__free(s);
}

plan_status plan_search_create(plan_llm *llm, const plan_search_options *opts,
                               plan_search **out, plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0, "search: out is NULL");
  *out = NULL;
  plan_search *s = plan__calloc(1, sizeof *s);
  if (!s)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "search: out of memory");
  plan_status st =
      plan__api_parts_init(&s->parts, llm, opts, false, "search", err);
  if (st != PLAN_OK) {
    plan__free(s);
    return st;
  }
  s->magic = SEARCH_MAGIC;
  s->llm = llm;
  *out = s;
  return PLAN_OK;
}

/* ======================================================================
 * Run and result
 * ====================================================================== */

/* Reads the result of the finished run into the handle. */
static plan_status keep_result(plan_search *s) {
  plan__result r;
  plan__search_result(s->search, &r);
  s->ran = true;
  s->solved = r.solved;
  s->stop = r.stop;
  s->stats.value = r.value;
  s->stats.nodes = r.n_nodes;
  s->stats.expansions = r.expansions;
  s->stats.rounds = r.rounds;
  s->stats.llm_calls = r.llm_calls;
  s->stats.tokens = r.tokens;
  if (r.leaf == PLAN__NODE_NONE)
    return PLAN_OK;
  const plan__node *leaf = plan__search_node(s->search, r.leaf);
  s->final_state = leaf ? leaf->state_text : NULL;
  if (!r.n_steps)
    return PLAN_OK;
  s->steps = plan__calloc(r.n_steps, sizeof *s->steps);
  if (!s->steps)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < r.n_steps; i++) {
    const plan__node *nd = plan__search_node(s->search, r.path[i]);
    s->steps[i] = nd && nd->action ? nd->action : "";
  }
  s->n_steps = r.n_steps;
  return PLAN_OK;
}

plan_status plan_search_run(plan_search *s, const char *initial_state) {
  if (!handle_ok(s) || s->running)
    return PLAN_EMISUSE;
  if (!initial_state) {
    set_msg(s, "search: initial_state is NULL");
    return PLAN_EMISUSE;
  }
  free_run(s);
  s->errmsg[0] = '\0';
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st = PLAN_OK;
  FILE *trace = NULL;
  if (s->llm) {
    plan_scheduler_options so;
    plan__api_scheduler_options(&s->parts.o, &so);
    so.budget_calls = s->parts.o.max_llm_calls;
    so.budget_tokens = s->parts.o.max_tokens;
    so.budget_wall_ms = s->parts.o.max_wall_ms;
    st = plan_scheduler_create(s->llm, &so, &s->sched, &err);
    if (st != PLAN_OK) {
      set_msg(s, "%s", err.text);
      return st;
    }
  }
  const plan__api_parts *p = &s->parts;
  if (p->trace_path) {
    trace = fopen(p->trace_path, "w");
    if (!trace) {
      set_msg(s, "search: cannot open the trace file %s", p->trace_path);
      return PLAN_EIO;
    }
  }
  plan__search_options so;
  plan__api_core_options(&p->o, &so);
  st = plan__search_create(&so, &p->proposer, &p->world, &p->goal_test,
                           p->has_evaluator ? &p->evaluator : NULL, s->sched,
                           trace, &s->search, &err);
  if (st != PLAN_OK) {
    set_msg(s, "%s", err.text);
    goto done;
  }
  size_t len = strlen(initial_state);
  st = plan__search_set_root(s->search, initial_state, len, NULL, NULL, 0,
                             plan__text_state_hash(initial_state, len));
  if (st != PLAN_OK) {
    set_msg(s, "search: initial state: %s", plan_strerror(st));
    goto done;
  }
  s->running = true;
  st = plan__search_run(s->search);
  s->running = false;
  if (st != PLAN_OK && st != PLAN_EBUDGET)
    set_msg(s, "%s", plan__search_errmsg(s->search));
  else if (st == PLAN_EBUDGET)
    set_msg(s, "search: budget exhausted (%s)",
            plan__stop_name(plan__search_stop_reason(s->search)));
  plan_status kept = keep_result(s);
  if (kept != PLAN_OK) {
    st = kept;
    set_msg(s, "search: out of memory");
  }
done:
  if (trace && fclose(trace) != 0 && (st == PLAN_OK || st == PLAN_EBUDGET)) {
    st = PLAN_EIO;
    set_msg(s, "search: cannot write the trace file %s", p->trace_path);
  }
  return st;
}

bool plan_search_solved(const plan_search *s) {
  return handle_ok(s) && s->solved;
}

const char *plan_search_stop_reason(const plan_search *s) {
  if (!handle_ok(s) || !s->ran)
    return "";
  return plan__stop_name(s->stop);
}

size_t plan_search_plan_length(const plan_search *s) {
  return handle_ok(s) ? s->n_steps : 0;
}

const char *plan_search_plan_step(const plan_search *s, size_t i) {
  if (!handle_ok(s) || i >= s->n_steps)
    return NULL;
  return s->steps[i];
}

const char *plan_search_final_state(const plan_search *s) {
  return handle_ok(s) ? s->final_state : NULL;
}

void plan_search_stats_get(const plan_search *s, plan_search_stats *out) {
  if (!out)
    return;
  if (!handle_ok(s)) {
    memset(out, 0, sizeof *out);
    return;
  }
  *out = s->stats;
}

const char *plan_search_errmsg(const plan_search *s) {
  if (!handle_ok(s))
    return "search: not a valid plan_search handle";
  return s->errmsg;
}
