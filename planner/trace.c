/* planner/trace.c: the search's JSONL trace. Every event is one line of
 * canonical JSON (sorted keys, compact) with "ev" (the event's name) and
 * "v" (the schema version, 1); docs/trace.md lists the events and their
 * fields. Only deterministic facts are written (no latencies, no clock),
 * so two runs over the same cassette give byte-identical traces. A failure
 * to build or write a line (ENOMEM, EIO) is a failure of the search, never
 * silently dropped: an incomplete trace would mislead whoever reads it. */
#include <string.h>

#include "llm/parse.h"
#include "planner/search_int.h"

#define TRACE_VERSION 1

static bool tracing(const plan__search *s) {
  return s && s->magic == PLAN__SEARCH_MAGIC && s->trace;
}

static void trace_failed(plan__search *s, plan_status code) {
  plan__search_fail(s, code,
                    code == PLAN_ENOMEM ? "trace: out of memory"
                                        : "trace: write failed");
}

/* Writes {"ev":ev,"v":1, ...fields}. fields is stolen (NULL: none). */
static void emit(plan__search *s, const char *ev, json_t *fields) {
  if (!tracing(s)) {
    json_decref(fields);
    return;
  }
  if (!fields) {
    fields = json_object();
    if (!fields) {
      trace_failed(s, PLAN_ENOMEM);
      return;
    }
  }
  if (!json_is_object(fields) ||
      json_object_set_new(fields, "ev", json_string(ev)) != 0 ||
      json_object_set_new(fields, "v", json_integer(TRACE_VERSION)) != 0) {
    bool oom = json_is_object(fields);
    json_decref(fields);
    if (oom)
      trace_failed(s, PLAN_ENOMEM);
    return;
  }
  plan__buf_reset(&s->tline);
  plan_status st = plan__json_canonical(fields, &s->tline);
  json_decref(fields);
  if (st == PLAN_OK)
    st = plan__buf_putc(&s->tline, '\n');
  if (st != PLAN_OK) {
    trace_failed(s, st == PLAN_EINVAL ? PLAN_EINTERNAL : PLAN_ENOMEM);
    return;
  }
  if (fwrite(s->tline.data, 1, s->tline.len, s->trace) != s->tline.len)
    trace_failed(s, PLAN_EIO);
}

void plan__search_trace(plan__search *s, const char *ev, json_t *fields) {
  if (!ev || !tracing(s) || (fields && !json_is_object(fields)))
    return;
  /* fields is borrowed: write a shallow copy with "ev" and "v" added. */
  json_t *copy = fields ? json_copy(fields) : json_object();
  if (!copy) {
    trace_failed(s, PLAN_ENOMEM);
    return;
  }
  emit(s, ev, copy);
}

/* A new object, or NULL after recording ENOMEM. */
static json_t *obj(plan__search *s) {
  json_t *o = json_object();
  if (!o)
    trace_failed(s, PLAN_ENOMEM);
  return o;
}

/* Sets o[key] = v (stolen); remembers the first failure in *ok. */
static void put(json_t *o, const char *key, json_t *v, bool *ok) {
  if (!v || json_object_set_new(o, key, v) != 0)
    *ok = false;
}

static json_t *id_json(plan__node_id id) {
  return id == PLAN__NODE_NONE ? json_null() : json_integer((json_int_t)id);
}

static json_t *u64_json(uint64_t x) {
  return json_integer(x > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)x);
}

static void emit_checked(plan__search *s, const char *ev, json_t *o, bool ok) {
  if (!ok) {
    json_decref(o);
    trace_failed(s, PLAN_ENOMEM);
    return;
  }
  emit(s, ev, o);
}

/* Text from components and models as a JSON string. Invalid UTF-8 (which
 * jansson refuses) is written with each bad byte replaced by U+FFFD, so
 * the line stays valid JSON and shows where the bytes were. */
static json_t *text_json(const char *p, size_t n) {
  if (plan__parse_utf8_valid(p, n))
    return json_stringn(p, n);
  plan__buf b;
  plan__buf_init(&b, 0);
  size_t i = 0;
  while (i < n) {
    size_t k = 1;
    while (k <= 4 && i + k <= n && !plan__parse_utf8_valid(p + i, k))
      k++;
    if (k <= 4 && i + k <= n) {
      plan__buf_append(&b, p + i, k);
      i += k;
    } else {
      plan__buf_puts(&b, "\xEF\xBF\xBD");
      i++;
    }
  }
  json_t *j =
      b.status == PLAN_OK ? json_stringn(b.data ? b.data : "", b.len) : NULL;
  plan__buf_free(&b);
  return j;
}

static json_t *hash_json(uint64_t h) {
  char hex[17];
  plan__hex64(h, hex);
  return json_string(hex);
}

/* ======================================================================
 * Events
 * ====================================================================== */

void plan__trace_start(plan__search *s) {
  if (!tracing(s))
    return;
  json_t *o = obj(s);
  if (!o)
    return;
  const plan__search_options *p = &s->opts;
  bool ok = true;
  json_t *opt = json_object();
  if (!opt) {
    json_decref(o);
    trace_failed(s, PLAN_ENOMEM);
    return;
  }
  put(o, "options", opt, &ok);
  if (!ok) {
    json_decref(o);
    trace_failed(s, PLAN_ENOMEM);
    return;
  }
  put(o, "algo", json_string(plan__algo_name(p->algo)), &ok);
  put(opt, "max_nodes", json_integer(p->max_nodes), &ok);
  put(opt, "max_depth", json_integer(p->max_depth), &ok);
  put(opt, "max_llm_calls", u64_json(p->max_llm_calls), &ok);
  put(opt, "max_tokens", u64_json(p->max_tokens), &ok);
  put(opt, "max_wall_ms", u64_json(p->max_wall_ms), &ok);
  put(opt, "max_expansions", json_integer(p->max_expansions), &ok);
  put(opt, "max_memory", u64_json(p->max_memory), &ok);
  put(opt, "branching", json_integer(p->branching), &ok);
  put(opt, "batch", json_integer(p->batch), &ok);
  put(opt, "beam_width", json_integer(p->beam_width), &ok);
  put(opt, "dfs_max_children", json_integer(p->dfs_max_children), &ok);
  put(opt, "prune_below", json_real(p->prune_below), &ok);
  put(opt, "mcts_iterations", json_integer(p->mcts_iterations), &ok);
  put(opt, "mcts_c", json_real(p->mcts_c), &ok);
  put(opt, "path_cost_weight", json_real(p->path_cost_weight), &ok);
  put(opt, "seed", u64_json(p->seed), &ok);
  put(o, "proposer",
      json_string(s->proposer->name ? s->proposer->name : "proposer"), &ok);
  put(o, "world_model",
      json_string(s->world->name ? s->world->name : "world model"), &ok);
  put(o, "goal_test",
      s->goal ? json_string(s->goal->name ? s->goal->name : "goal test")
              : json_null(),
      &ok);
  put(o, "evaluator",
      s->evaluator
          ? json_string(s->evaluator->name ? s->evaluator->name : "evaluator")
          : json_null(),
      &ok);
  emit_checked(s, "start", o, ok);
}

static const char *const effect_names[] = {"pure", "reversible",
                                           "irreversible"};

static const struct {
  uint32_t flag;
  const char *name;
} flag_names[] = {
    {PLAN__NODE_EXPANDED, "expanded"},   {PLAN__NODE_HAS_STATE, "state"},
    {PLAN__NODE_GOAL, "goal"},           {PLAN__NODE_PRUNED, "pruned"},
    {PLAN__NODE_DEAD_END, "dead_end"},   {PLAN__NODE_DUPLICATE, "duplicate"},
    {PLAN__NODE_EVALUATED, "evaluated"}, {PLAN__NODE_CLOSED, "closed"}};

void plan__trace_node(plan__search *s, plan__node_id id) {
  if (!tracing(s) || id >= s->n_nodes)
    return;
  const plan__node *n = &s->nodes[id];
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "node", json_integer(id), &ok);
  put(o, "parent", id_json(n->parent), &ok);
  put(o, "depth", json_integer(n->depth), &ok);
  put(o, "action",
      n->action ? text_json(n->action, strlen(n->action)) : json_null(), &ok);
  if (n->action_json)
    put(o, "action_json", text_json(n->action_json, strlen(n->action_json)),
        &ok);
  if ((unsigned)n->effect < PLAN_ARRAY_LEN(effect_names))
    put(o, "effect", json_string(effect_names[n->effect]), &ok);
  put(o, "proposals", json_integer(n->proposals), &ok);
  put(o, "prior", json_real(n->prior), &ok);
  if (n->flags & PLAN__NODE_HAS_STATE) {
    put(o, "state", text_json(n->state_text, n->state_len), &ok);
    put(o, "state_hash", hash_json(n->state_hash), &ok);
  }
  json_t *flags = json_array();
  put(o, "flags", flags, &ok);
  for (size_t i = 0; ok && i < PLAN_ARRAY_LEN(flag_names); i++)
    if ((n->flags & flag_names[i].flag) &&
        json_array_append_new(flags, json_string(flag_names[i].name)) != 0)
      ok = false;
  json_t *val = json_object();
  put(o, "value", val, &ok);
  if (ok) {
    put(val, "samples", json_integer(n->value.samples), &ok);
    put(val, "missing", json_integer(n->value.missing), &ok);
    if (n->value.samples) {
      put(val, "mean", json_real(n->value.mean), &ok);
      put(val, "spread", json_real(plan__value_spread(&n->value)), &ok);
      put(val, "min", json_real(n->value.min), &ok);
      put(val, "max", json_real(n->value.max), &ok);
    }
  }
  put(o, "rank", json_real(plan__search_rank(s, id)), &ok);
  if (n->flags & PLAN__NODE_DUPLICATE)
    put(o, "same_as", id_json(n->same_as), &ok);
  if (n->flags & PLAN__NODE_PRUNED)
    put(o, "prune_reason",
        n->prune_reason ? text_json(n->prune_reason, strlen(n->prune_reason))
                        : json_string("pruned"),
        &ok);
  emit_checked(s, "node", o, ok);
}

void plan__trace_round(plan__search *s, const plan__node_id *ids, size_t n) {
  if (!tracing(s))
    return;
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  json_t *arr = json_array();
  put(o, "nodes", arr, &ok);
  for (size_t i = 0; ok && i < n; i++)
    if (json_array_append_new(arr, json_integer(ids[i])) != 0)
      ok = false;
  put(o, "round", u64_json(s->rounds), &ok);
  emit_checked(s, "round", o, ok);
}

void plan__trace_simulate(plan__search *s, plan__node_id id,
                          plan__node_id replaced) {
  if (!tracing(s) || id >= s->n_nodes)
    return;
  const plan__node *n = &s->nodes[id];
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "node", json_integer(id), &ok);
  put(o, "state_hash", hash_json(n->state_hash), &ok);
  if (n->flags & PLAN__NODE_DUPLICATE)
    put(o, "duplicate_of", id_json(n->same_as), &ok);
  if (replaced != PLAN__NODE_NONE)
    put(o, "replaces", id_json(replaced), &ok);
  emit_checked(s, "simulate", o, ok);
}

void plan__trace_value(plan__search *s, plan__node_id id, bool missing,
                       double v) {
  if (!tracing(s))
    return;
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "node", json_integer(id), &ok);
  if (missing)
    put(o, "missing", json_true(), &ok);
  else
    put(o, "sample", json_real(v), &ok);
  emit_checked(s, "value", o, ok);
}

void plan__trace_prune(plan__search *s, plan__node_id id) {
  if (!tracing(s) || id >= s->n_nodes)
    return;
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "node", json_integer(id), &ok);
  const char *r = s->nodes[id].prune_reason;
  put(o, "reason", r ? text_json(r, strlen(r)) : json_string("pruned"), &ok);
  emit_checked(s, "prune", o, ok);
}

void plan__trace_goal(plan__search *s, plan__node_id id) {
  if (!tracing(s) || id >= s->n_nodes)
    return;
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "node", json_integer(id), &ok);
  put(o, "depth", json_integer(s->nodes[id].depth), &ok);
  emit_checked(s, "goal", o, ok);
}

void plan__trace_dead_end(plan__search *s, plan__node_id id) {
  if (!tracing(s))
    return;
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "node", json_integer(id), &ok);
  emit_checked(s, "dead_end", o, ok);
}

/* Counters shared by the budget and result events. */
static void put_counters(plan__search *s, json_t *o, bool *ok) {
  put(o, "nodes", u64_json(s->n_nodes), ok);
  put(o, "llm_calls", u64_json(plan__search_calls_used(s)), ok);
  put(o, "tokens", u64_json(plan__search_tokens_used(s)), ok);
  put(o, "expansions", u64_json(s->expansions), ok);
  put(o, "rounds", u64_json(s->rounds), ok);
  put(o, "memory", u64_json(s->arena.used), ok);
}

void plan__trace_budget(plan__search *s) {
  if (!tracing(s))
    return;
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "stop", json_string(plan__stop_name(s->stop)), &ok);
  put_counters(s, o, &ok);
  emit_checked(s, "budget", o, ok);
}

void plan__trace_error(plan__search *s) {
  if (!tracing(s))
    return;
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "status", json_string(plan_status_name(s->status)), &ok);
  put(o, "message", text_json(s->errmsg, strlen(s->errmsg)), &ok);
  emit_checked(s, "error", o, ok);
}

void plan__trace_result(plan__search *s) {
  if (!tracing(s))
    return;
  plan__result r;
  plan__search_result(s, &r);
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "solved", json_boolean(r.solved), &ok);
  put(o, "stop", json_string(plan__stop_name(r.stop)), &ok);
  put(o, "status", json_string(plan_status_name(plan__search_status(s))), &ok);
  put(o, "leaf", id_json(r.leaf), &ok);
  put(o, "steps", u64_json(r.n_steps), &ok);
  put(o, "value", json_real(r.value), &ok);
  json_t *acts = json_array();
  put(o, "actions", acts, &ok);
  for (size_t i = 0; ok && i < r.n_steps; i++) {
    const char *a = s->nodes[r.path[i]].action;
    if (json_array_append_new(acts, text_json(a ? a : "", a ? strlen(a) : 0)) !=
        0)
      ok = false;
  }
  put_counters(s, o, &ok);
  emit_checked(s, "result", o, ok);
}

void plan__search_trace_llm(plan__search *s, const char *role,
                            plan__node_id node, const plan_llm_response *r) {
  if (!tracing(s) || !r)
    return;
  json_t *o = obj(s);
  if (!o)
    return;
  bool ok = true;
  put(o, "role", role ? text_json(role, strlen(role)) : json_string("llm"),
      &ok);
  put(o, "node", id_json(node), &ok);
  put(o, "status", json_string(plan_status_name(r->status)), &ok);
  put(o, "choices", u64_json(r->n_choices), &ok);
  put(o, "prompt_tokens", u64_json(r->prompt_tokens), &ok);
  put(o, "completion_tokens", u64_json(r->completion_tokens), &ok);
  if (r->http_status)
    put(o, "http_status", json_integer(r->http_status), &ok);
  if (r->n_choices) {
    bool truncated = false;
    for (size_t i = 0; i < r->n_choices; i++)
      truncated = truncated || r->choices[i].truncated;
    put(o, "finish", json_string(plan_finish_name(r->choices[0].finish)), &ok);
    put(o, "truncated", json_boolean(truncated), &ok);
  }
  if (r->status != PLAN_OK && r->error)
    put(o, "error", text_json(r->error, strlen(r->error)), &ok);
  emit_checked(s, "llm_call", o, ok);
}
