/* benchmarks/planbench/replay.c: the replay harness. A results file of
 * PlanBench (results/<cfg>/<model>/<task>.json) holds, per instance, the
 * prompt, the model's answer, the plan PlanBench extracted and the VAL
 * verdict it recorded. The harness extracts the plan again (extract.c),
 * reads it with VAL's plan syntax (valplan.c), validates it against the
 * instance with the exact PDDL simulator and compares both the plan and the
 * verdict with the recorded ones.
 *
 * Output is a "group" per results file: a header and one record per
 * instance (see planbench.h). Shards process the instances whose index in
 * the file is K-1 modulo N; their groups are joined by plan__pb_merge, and
 * every number of the summary is a function of the set of records alone,
 * so merging shards in any order gives the summary of a single run.
 */
#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "benchmarks/planbench/planbench.h"
#include "core/json.h"

#define PB_FORMAT "plan-eval-planbench"
#define PB_FORMAT_VERSION 1
#define PB_MAX_INSTANCE_ID 1000000
#define PB_MAX_RESULTS_BYTES ((size_t)512 << 20)

/* ======================================================================
 * The replay context: configs, domains and tasks, loaded once
 * ====================================================================== */

typedef struct cfg_entry {
  plan__pb_config *cfg;
  plan__pddl_domain *dom;
  plan__pddl_task **tasks; /* by instance id; NULL until loaded */
  size_t n_tasks;
} cfg_entry;

struct plan__pb_replay {
  char *data_dir;
  char *config;
  char *model;
  char *llm_model;
  char *system;
  plan_scheduler *scheduler; /* borrowed; live runs only */
  double temperature;
  unsigned max_tokens;
  plan__pb_extractor extractor;
  unsigned shard_k;
  unsigned shard_n;
  cfg_entry *cfgs;
  size_t n_cfgs;
  size_t cap_cfgs;
};

plan_status plan__pb_replay_create(const plan__pb_replay_options *opts,
                                   plan__pb_replay **out, plan_error *err) {
  *out = NULL;
  if (!opts || !opts->data_dir)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "replay: no PlanBench data folder given");
  if (opts->shard_n && (opts->shard_k < 1 || opts->shard_k > opts->shard_n))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "replay: shard %u/%u is out of range", opts->shard_k,
                           opts->shard_n);
  plan__pb_replay *r = plan__calloc(1, sizeof *r);
  if (!r)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  r->data_dir = plan__strdup(opts->data_dir);
  r->config = plan__strdup(opts->config);
  r->model = plan__strdup(opts->model);
  r->extractor = opts->extractor;
  r->scheduler = opts->scheduler;
  r->llm_model = plan__strdup(opts->llm_model);
  r->system = plan__strdup(
      opts->system ? opts->system
                   : "You are the planner assistant who comes up with "
                     "correct plans.");
  r->temperature = opts->temperature;
  r->max_tokens = opts->max_tokens;
  r->shard_k = opts->shard_n ? opts->shard_k : 1;
  r->shard_n = opts->shard_n ? opts->shard_n : 1;
  if (!r->data_dir || (opts->config && !r->config) ||
      (opts->model && !r->model) || (opts->llm_model && !r->llm_model) ||
      !r->system) {
    plan__pb_replay_free(r);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  *out = r;
  return PLAN_OK;
}

void plan__pb_replay_free(plan__pb_replay *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n_cfgs; i++) {
    cfg_entry *e = &r->cfgs[i];
    for (size_t t = 0; t < e->n_tasks; t++)
      plan__pddl_task_free(e->tasks[t]);
    plan__free(e->tasks);
    plan__pddl_domain_free(e->dom);
    plan__pb_config_free(e->cfg);
  }
  plan__free(r->cfgs);
  plan__free(r->data_dir);
  plan__free(r->config);
  plan__free(r->model);
  plan__free(r->llm_model);
  plan__free(r->system);
  plan__free(r);
}

static plan_status get_config(plan__pb_replay *r, const char *name,
                              cfg_entry **out, plan_error *err) {
  for (size_t i = 0; i < r->n_cfgs; i++)
    if (!strcmp(r->cfgs[i].cfg->name, name)) {
      *out = &r->cfgs[i];
      return PLAN_OK;
    }
  if (r->n_cfgs == r->cap_cfgs) {
    void *arr = r->cfgs;
    if (plan__grow(&arr, &r->cap_cfgs, r->n_cfgs + 1, sizeof *r->cfgs) !=
        PLAN_OK)
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    r->cfgs = arr;
  }
  cfg_entry *e = &r->cfgs[r->n_cfgs];
  memset(e, 0, sizeof *e);
  plan_status st = plan__pb_config_load(r->data_dir, name, &e->cfg, err);
  if (st != PLAN_OK)
    return st;
  r->n_cfgs++;
  *out = e;
  return PLAN_OK;
}

/* The grounded task of instance id of e's config, loaded on first use. */
static plan_status get_task(plan__pb_replay *r, cfg_entry *e, int64_t id,
                            const plan__pddl_task **out, plan_error *err) {
  if (id < 0 || id > PB_MAX_INSTANCE_ID)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "instance id %" PRId64 " is out of range", id);
  if ((size_t)id < e->n_tasks && e->tasks[id]) {
    *out = e->tasks[id];
    return PLAN_OK;
  }
  if ((size_t)id >= e->n_tasks) {
    size_t n = (size_t)id + 1;
    plan__pddl_task **t = plan__realloc(e->tasks, n * sizeof *t);
    if (!t)
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    for (size_t i = e->n_tasks; i < n; i++)
      t[i] = NULL;
    e->tasks = t;
    e->n_tasks = n;
  }
  plan_status st = PLAN_OK;
  if (!e->dom) {
    char *dp = plan__pb_domain_path(r->data_dir, e->cfg);
    if (!dp)
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    st = plan__pddl_domain_load(dp, &e->dom, err);
    plan__free(dp);
    if (st != PLAN_OK)
      return st;
  }
  char *pp = plan__pb_instance_path(r->data_dir, e->cfg, id);
  if (!pp)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  plan__pddl_problem *prob = NULL;
  st = plan__pddl_problem_load(e->dom, pp, &prob, err);
  if (st == PLAN_EIO)
    st = plan__error_set(err, PLAN_ENOTFOUND, 0, 0,
                         "instance %" PRId64 " of config %s: no file %s", id,
                         e->cfg->name, pp);
  plan__free(pp);
  if (st != PLAN_OK)
    return st;
  st = plan__pddl_task_create(e->dom, prob, &e->tasks[id], err);
  plan__pddl_problem_free(prob);
  if (st != PLAN_OK)
    return st;
  *out = e->tasks[id];
  return PLAN_OK;
}

/* ======================================================================
 * Which config, model and extractor a results file belongs to
 * ====================================================================== */

static bool config_exists(const plan__pb_replay *r, const char *name) {
  if (!name || !*name || strchr(name, '/'))
    return false;
  plan__buf p;
  plan__buf_init(&p, 0);
  plan__buf_printf(&p, "%s/configs/%s.yaml", r->data_dir, name);
  FILE *f = p.status == PLAN_OK ? fopen(p.data, "rb") : NULL;
  plan__buf_free(&p);
  if (f)
    fclose(f);
  return f != NULL;
}

/* The path's last n components: comps[0] the file, comps[1] its folder,
 * comps[2] the folder above. Missing ones are empty. */
static void path_parts(const char *path, char comps[3][256]) {
  size_t end = strlen(path);
  for (int c = 0; c < 3; c++) {
    comps[c][0] = '\0';
    while (end > 0 && path[end - 1] == '/')
      end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
      start--;
    size_t n = end - start;
    if (n >= 256)
      n = 255;
    memcpy(comps[c], path + start, n);
    comps[c][n] = '\0';
    end = start;
  }
}

/* A config whose instance_dir is dir ("blocksworld/generated_basic_3"), by
 * scanning DATA/configs; writes its name to out. */
static bool config_by_instance_dir(plan__pb_replay *r, const char *dir,
                                   char *out, size_t size) {
  plan__buf p;
  plan__buf_init(&p, 0);
  plan__buf_printf(&p, "%s/configs", r->data_dir);
  DIR *d = p.status == PLAN_OK ? opendir(p.data) : NULL;
  plan__buf_free(&p);
  if (!d)
    return false;
  char best[256] = "";
  for (struct dirent *ent = readdir(d); ent; ent = readdir(d)) {
    size_t n = strlen(ent->d_name);
    if (n < 6 || n >= sizeof best || strcmp(ent->d_name + n - 5, ".yaml"))
      continue;
    char name[256];
    memcpy(name, ent->d_name, n - 5);
    name[n - 5] = '\0';
    cfg_entry *e = NULL;
    plan_error ignored;
    if (get_config(r, name, &e, &ignored) != PLAN_OK)
      continue;
    /* Several configs may share a folder; take the first by name. */
    if (!strcmp(e->cfg->instance_dir, dir) &&
        (!best[0] || strcmp(name, best) < 0))
      plan__fmt(best, sizeof best, "%s", name);
  }
  closedir(d);
  if (!best[0])
    return false;
  plan__fmt(out, size, "%s", best);
  return true;
}

/* Infers the config and the model of a results file: --config/--model
 * first, then the layout results/<cfg>/<model>/<file>, then the file's
 * "domain" (a config name, possibly with "_zero_shot" inserted, or an
 * instance folder) and "engine" fields. */
static plan_status infer_names(plan__pb_replay *r, const char *path,
                               const json_t *doc, char *cfg, char *model,
                               plan_error *err) {
  char comps[3][256];
  path_parts(path, comps);
  cfg[0] = model[0] = '\0';
  bool layout = config_exists(r, comps[2]);
  if (r->config)
    plan__fmt(cfg, 256, "%s", r->config);
  else if (layout)
    plan__fmt(cfg, 256, "%s", comps[2]);
  const char *domain = plan__json_str(doc, "domain");
  if (!cfg[0] && domain) {
    char cand[256];
    plan__fmt(cand, sizeof cand, "%s", domain);
    char *z = strstr(cand, "_zero_shot");
    if (config_exists(r, cand)) {
      plan__fmt(cfg, 256, "%s", cand);
    } else if (z) {
      memmove(z, z + 10, strlen(z + 10) + 1);
      if (config_exists(r, cand))
        plan__fmt(cfg, 256, "%s", cand);
    }
    if (!cfg[0])
      config_by_instance_dir(r, domain, cfg, 256);
  }
  if (!cfg[0])
    return plan__error_set(err, PLAN_ENOTFOUND, 0, 0,
                           "cannot tell the PlanBench config (pass --config "
                           "NAME): %s is not under results/<config>/<model>/ "
                           "and names no config in \"domain\"",
                           path);
  const char *engine = plan__json_str(doc, "engine");
  if (r->model)
    plan__fmt(model, 256, "%s", r->model);
  else if (layout && comps[1][0])
    plan__fmt(model, 256, "%s", comps[1]);
  else if (engine)
    plan__fmt(model, 256, "%s", engine);
  else
    plan__fmt(model, 256, "unknown");
  return PLAN_OK;
}

/* ======================================================================
 * Per-instance work
 * ====================================================================== */

/* The recorded plan, with the colour names of the state-tracking files
 * ("(pick-up red)") mapped back to objects through the config. */
static plan_status recorded_plan(const plan__pb_config *cfg, const json_t *inst,
                                 plan__pb_plan *out, bool *present) {
  const json_t *v = json_object_get(inst, "extracted_llm_plan");
  *present = v && !json_is_null(v);
  if (!*present)
    return PLAN_OK;
  plan__pb_plan raw = {0};
  plan_status st = plan__pb_plan_from_json(v, &raw);
  if (st != PLAN_OK) {
    plan__pb_plan_free(&raw);
    return st;
  }
  for (size_t i = 0; i < raw.n && st == PLAN_OK; i++) {
    const char *line = raw.steps[i];
    size_t n = strlen(line);
    bool mapped = false;
    plan__buf b;
    plan__buf_init(&b, 0);
    if (cfg->family == PLAN__PB_FAMILY_BLOCKS && n > 2 && line[0] == '(' &&
        line[n - 1] == ')') {
      plan__pb_plan words = {0};
      size_t s = 1;
      for (size_t k = 1; k <= n - 1 && st == PLAN_OK; k++) {
        if (k == n - 1 || line[k] == ' ') {
          if (k > s)
            st = plan__pb_plan_push(&words, line + s, k - s);
          s = k + 1;
        }
      }
      for (size_t w = 1; w < words.n; w++) {
        const char *key = NULL;
        for (size_t o = 0; o < cfg->n_objects_compact && !key; o++)
          if (!strcmp(cfg->objects_compact[o].value, words.steps[w]))
            key = cfg->objects_compact[o].key;
        for (size_t o = 0; o < cfg->n_objects && !key; o++)
          if (!strcmp(cfg->objects[o].value, words.steps[w]))
            key = cfg->objects[o].key;
        if (key) {
          char *copy = plan__strdup(key);
          if (!copy) {
            st = PLAN_ENOMEM;
            break;
          }
          plan__free(words.steps[w]);
          words.steps[w] = copy;
          mapped = true;
        }
      }
      if (mapped && words.n) {
        plan__buf_putc(&b, '(');
        for (size_t w = 0; w < words.n; w++) {
          if (w)
            plan__buf_putc(&b, ' ');
          plan__buf_puts(&b, words.steps[w]);
        }
        plan__buf_putc(&b, ')');
      }
      plan__pb_plan_free(&words);
    }
    if (st == PLAN_OK)
      st = mapped
               ? (b.status != PLAN_OK ? PLAN_ENOMEM
                                      : plan__pb_plan_push(out, b.data, b.len))
               : plan__pb_plan_push(out, line, n);
    plan__buf_free(&b);
  }
  plan__pb_plan_free(&raw);
  return st;
}

/* The text an extractor reads for inst. */
static const char *input_text(const json_t *inst, plan__pb_extractor x) {
  const char *t = plan__json_str(inst, plan__pb_extractor_uses_translation(x)
                                           ? "raw_translation"
                                           : "llm_raw_response");
  return t ? t : "";
}

/* The recorded verdict: llm_correct (newer files) or correct (older). */
static int recorded_flag(const json_t *inst) {
  const char *keys[] = {"llm_correct", "correct"};
  for (size_t i = 0; i < 2; i++) {
    const json_t *v = json_object_get(inst, keys[i]);
    if (json_is_boolean(v))
      return json_is_true(v) ? 1 : 0;
    if (json_is_integer(v))
      return json_integer_value(v) != 0;
  }
  return -1;
}

static json_t *plan_json(const plan__pb_plan *p) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < p->n; i++)
    if (json_array_append_new(a, json_string(p->steps[i]))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

static const char *verdict_name(plan__pddl_verdict v) {
  switch (v) {
  case PLAN__PDDL_VALID: return "valid";
  case PLAN__PDDL_PRECONDITION: return "precondition";
  case PLAN__PDDL_UNKNOWN_ACTION: return "unknown_action";
  case PLAN__PDDL_GOAL_UNMET: return "goal_unmet";
  }
  return "invalid";
}

/* Sets key to a new value; false on ENOMEM (the value is released). */
static bool set_new(json_t *obj, const char *key, json_t *v) {
  return v && json_object_set_new(obj, key, v) == 0;
}

/* Validates plan (lines) against instance id: VAL's plan syntax first,
 * then the simulator. Sets *correct, *verdict (static), msg (size 160)
 * and *failed_step (-1 if none). */
static plan_status check_plan(plan__pb_replay *r, cfg_entry *e, int64_t id,
                              const plan__pb_plan *plan, bool *correct,
                              const char **verdict, char *msg,
                              long *failed_step, plan_error *err) {
  *correct = false;
  *failed_step = -1;
  msg[0] = '\0';
  plan__buf text;
  plan__buf_init(&text, 0);
  plan__pb_plan steps = {0};
  bool ok = false;
  size_t bad_line = 0;
  plan_status st = plan__pb_plan_join(plan, &text);
  if (st == PLAN_OK)
    st = plan__pb_val_read(text.data ? text.data : "", text.len, &steps, &ok,
                           &bad_line);
  plan__buf_free(&text);
  if (st != PLAN_OK) {
    plan__pb_plan_free(&steps);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  if (!ok) {
    *verdict = "syntax";
    plan__fmt(msg, 160, "Bad plan description (line %zu of the plan)",
              bad_line);
    return PLAN_OK;
  }
  const plan__pddl_task *task = NULL;
  st = get_task(r, e, id, &task, err);
  if (st == PLAN_OK) {
    plan__pddl_report report;
    memset(&report, 0, sizeof report);
    st = plan__pddl_validate(task, (const char *const *)steps.steps, steps.n,
                             &report);
    if (st != PLAN_OK) {
      st = plan__error_set(err, st, 0, 0, "validation failed: %s",
                           plan_strerror(st));
    } else {
      *correct = report.valid;
      *verdict = verdict_name(report.verdict);
      plan__fmt(msg, 160, "%s", report.message ? report.message : "");
      if (report.failed_step != SIZE_MAX)
        *failed_step = (long)report.failed_step;
      plan__pddl_report_free(&report);
    }
  }
  plan__pb_plan_free(&steps);
  return st;
}

/* Extracts, validates and compares one instance; returns the record. */
/* answer: live runs only, the model's reply (NULL if the request failed,
 * with llm_error the reason); the recorded results are then ignored. */
static plan_status run_instance(plan__pb_replay *r, cfg_entry *e,
                                const json_t *inst, size_t index,
                                plan__pb_extractor x, bool live,
                                const char *answer, const char *llm_error,
                                json_t **out, plan_error *err) {
  *out = NULL;
  const json_t *idv = json_object_get(inst, "instance_id");
  if (!json_is_integer(idv))
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "instances[%zu]: no integer instance_id", index);
  int64_t id = (int64_t)json_integer_value(idv);
  plan__pb_plan plan = {0};
  plan__pb_plan rec = {0};
  json_t *o = NULL;
  bool failed = false;
  const char *text = live ? (answer ? answer : "") : input_text(inst, x);
  plan_status st = plan__pb_extract(e->cfg, x, text, &plan, &failed);
  if (st != PLAN_OK) {
    st = plan__error_set(err, st, 0, 0,
                         "instances[%zu] (id %" PRId64 "): extraction "
                         "failed: %s",
                         index, id, plan_strerror(st));
    goto done;
  }
  const char *verdict = "extract_error";
  char msg[160];
  long failed_step = -1;
  bool correct = false;
  if (failed) {
    plan__fmt(msg, sizeof msg,
              "PlanBench's extraction raises on this "
              "answer and scores it incorrect");
  } else {
    st =
        check_plan(r, e, id, &plan, &correct, &verdict, msg, &failed_step, err);
    if (st != PLAN_OK)
      goto done;
  }
  bool has_rec = false;
  st = live ? PLAN_OK : recorded_plan(e->cfg, inst, &rec, &has_rec);
  if (st == PLAN_EINVAL) {
    st = plan__error_set(err, PLAN_EPARSE, 0, 0,
                         "instances[%zu] (id %" PRId64 "): extracted_llm_plan "
                         "is neither a string nor a list of strings",
                         index, id);
    goto done;
  }
  if (st != PLAN_OK) {
    st = plan__error_set(err, st, 0, 0, "out of memory");
    goto done;
  }
  bool rec_correct = false;
  const char *rec_verdict = NULL;
  char rec_msg[160];
  long rec_step = -1;
  if (has_rec) {
    st = check_plan(r, e, id, &rec, &rec_correct, &rec_verdict, rec_msg,
                    &rec_step, err);
    if (st != PLAN_OK)
      goto done;
  }
  int flag = live ? -1 : recorded_flag(inst);
  o = json_object();
  bool okj = o != NULL;
  okj = okj && set_new(o, "index", json_integer((json_int_t)index));
  okj = okj && set_new(o, "instance_id", json_integer((json_int_t)id));
  okj = okj && set_new(o, "correct", json_boolean(correct));
  okj = okj && set_new(o, "recorded_correct",
                       flag < 0 ? json_null() : json_boolean(flag));
  okj = okj && set_new(o, "verdict", json_string(verdict));
  okj =
      okj && set_new(o, "failed_step",
                     failed_step < 0 ? json_null() : json_integer(failed_step));
  okj = okj && set_new(o, "message", json_string(msg));
  okj = okj && set_new(o, "plan", plan_json(&plan));
  okj = okj &&
        set_new(o, "recorded_plan", has_rec ? plan_json(&rec) : json_null());
  okj = okj && set_new(o, "extraction_agrees",
                       has_rec ? json_boolean(plan__pb_plan_equal(&plan, &rec))
                               : json_null());
  if (live && okj) {
    okj = set_new(o, "llm_raw_response",
                  answer ? json_string(answer) : json_null());
    if (okj && llm_error)
      okj = set_new(o, "llm_error", json_string(llm_error));
  }
  if (has_rec && okj) {
    /* The simulator on the recorded plan: the evidence when the recorded
     * plan or flag is questioned. */
    json_t *rv = json_pack("{s:b, s:s, s:s}", "correct", rec_correct, "verdict",
                           rec_verdict, "message", rec_msg);
    if (rv && set_new(rv, "failed_step",
                      rec_step < 0 ? json_null() : json_integer(rec_step)))
      okj = set_new(o, "recorded_plan_check", rv);
    else {
      json_decref(rv);
      okj = false;
    }
  }
  okj = okj &&
        set_new(o, "verdict_agrees",
                flag < 0 ? json_null() : json_boolean((flag == 1) == correct));
  if (!okj) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto done;
  }
  *out = o;
  o = NULL;
done:
  json_decref(o);
  plan__pb_plan_free(&plan);
  plan__pb_plan_free(&rec);
  return st;
}

/* The extractors that can have produced a file's recorded plans, the
 * default first. */
static size_t candidates(const json_t *instances, const char *task,
                         plan__pb_extractor *out) {
  bool translation = false;
  bool pddl = strstr(task, "pddl") != NULL;
  for (size_t i = 0; i < json_array_size(instances); i++) {
    const json_t *inst = json_array_get(instances, i);
    if (json_is_string(json_object_get(inst, "raw_translation")))
      translation = true;
    const char *q = plan__json_str(inst, "query");
    if (i == 0 && q && strstr(q, "[DOMAIN]"))
      pddl = true;
  }
  if (translation) {
    out[0] = PLAN__PB_X_LLM;
    out[1] = PLAN__PB_X_LLM_V1;
  } else if (pddl) {
    out[0] = PLAN__PB_X_PDDL;
    out[1] = PLAN__PB_X_PDDL_V1;
  } else if (strstr(task, "state_tracking")) {
    out[0] = PLAN__PB_X_NL_COT;
    out[1] = PLAN__PB_X_NL;
  } else {
    out[0] = PLAN__PB_X_NL;
    out[1] = PLAN__PB_X_NL_COT;
  }
  return 2;
}

/* How many recorded plans of the file x reproduces. */
static plan_status agreement(const plan__pb_config *cfg,
                             const json_t *instances, plan__pb_extractor x,
                             size_t *agree) {
  *agree = 0;
  for (size_t i = 0; i < json_array_size(instances); i++) {
    const json_t *inst = json_array_get(instances, i);
    plan__pb_plan rec = {0};
    plan__pb_plan mine = {0};
    bool present = false;
    bool failed = false;
    plan_status st = recorded_plan(cfg, inst, &rec, &present);
    if (st == PLAN_OK && present)
      st = plan__pb_extract(cfg, x, input_text(inst, x), &mine, &failed);
    if (st == PLAN_OK && present && !failed && plan__pb_plan_equal(&mine, &rec))
      (*agree)++;
    plan__pb_plan_free(&rec);
    plan__pb_plan_free(&mine);
    if (st == PLAN_ENOMEM)
      return st;
  }
  return PLAN_OK;
}

static const char *file_stem(const char *path, char *buf, size_t size) {
  char comps[3][256];
  path_parts(path, comps);
  plan__fmt(buf, size, "%s", comps[0]);
  size_t n = strlen(buf);
  if (n > 5 && !strcmp(buf + n - 5, ".json"))
    buf[n - 5] = '\0';
  return buf;
}

/* Live runs: sends the query of every instance of this shard to the model
 * in one scheduler batch and returns the responses (*out: n of them, in
 * index order; clear each, free the array). */
static plan_status ask_model(plan__pb_replay *r, const char *path,
                             const json_t *instances, size_t n,
                             plan_llm_response **out, plan_error *err) {
  *out = NULL;
  plan_message *msgs = plan__calloc(n ? 2 * n : 1, sizeof *msgs);
  plan_llm_request *reqs = plan__calloc(n ? n : 1, sizeof *reqs);
  plan_llm_response *resps = plan__calloc(n ? n : 1, sizeof *resps);
  plan_status st = PLAN_OK;
  if (!msgs || !reqs || !resps) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto done;
  }
  size_t j = 0;
  for (size_t i = 0; i < json_array_size(instances) && j < n; i++) {
    if (i % r->shard_n != r->shard_k - 1)
      continue;
    const char *q = plan__json_str(json_array_get(instances, i), "query");
    if (!q) {
      st = plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "%s: instances[%zu] has no \"query\" to send", path,
                           i);
      goto done;
    }
    msgs[2 * j] = (plan_message){"system", r->system};
    msgs[2 * j + 1] = (plan_message){"user", q};
    plan_llm_request_init(&reqs[j], PLAN_LLM_REQUEST_VERSION);
    reqs[j].model = r->llm_model;
    reqs[j].messages = &msgs[2 * j];
    reqs[j].n_messages = 2;
    reqs[j].temperature = r->temperature;
    reqs[j].max_tokens = r->max_tokens;
    plan_llm_response_init(&resps[j]);
    j++;
  }
  st = plan_scheduler_run(r->scheduler, reqs, n, resps);
  if (st != PLAN_OK && st != PLAN_EBUDGET) {
    st = plan__error_set(err, PLAN_EBACKEND, 0, 0, "%s: %s", path,
                         plan_scheduler_errmsg(r->scheduler));
    for (size_t i = 0; i < n; i++)
      plan_llm_response_clear(&resps[i]);
    goto done;
  }
  st = PLAN_OK;
  *out = resps;
  resps = NULL;
done:
  plan__free(resps);
  plan__free(reqs);
  plan__free(msgs);
  return st;
}

plan_status plan__pb_replay_file(plan__pb_replay *r, const char *path,
                                 json_t **out, plan_error *err) {
  *out = NULL;
  char *bytes = NULL;
  size_t len = 0;
  plan_status st =
      plan__read_file(path, PB_MAX_RESULTS_BYTES, &bytes, &len, err);
  if (st != PLAN_OK)
    return st;
  plan_error jerr;
  memset(&jerr, 0, sizeof jerr);
  json_t *doc = plan__json_parse(bytes, len, path, &jerr);
  uint64_t hash = plan__hash64(bytes, len, 0);
  plan__free(bytes);
  if (!doc) {
    if (err)
      *err = jerr;
    return jerr.code ? jerr.code : PLAN_EPARSE;
  }
  json_t *group = NULL;
  json_t *records = NULL;
  json_t *agree_obj = NULL;
  plan_llm_response *resps = NULL;
  size_t n_resps = 0;
  const json_t *instances = json_object_get(doc, "instances");
  if (!json_is_array(instances)) {
    st = plan__error_set(err, PLAN_EPARSE, 0, 0,
                         "%s: not a PlanBench results file (no \"instances\" "
                         "array)",
                         path);
    goto done;
  }
  char cfg_name[256];
  char model[256];
  st = infer_names(r, path, doc, cfg_name, model, err);
  if (st != PLAN_OK)
    goto done;
  cfg_entry *e = NULL;
  st = get_config(r, cfg_name, &e, err);
  if (st != PLAN_OK)
    goto done;
  char task[256];
  file_stem(path, task, sizeof task);

  /* The extractor: forced, or the candidate that reproduces the most
   * recorded plans of the whole file (the same choice in every shard).
   * Live answers have no GPT-4o translation and no recorded plan: they
   * get the rule-based default of the prompt kind. */
  bool live = r->scheduler != NULL;
  plan__pb_extractor cands[2];
  size_t n_cands = candidates(instances, task, cands);
  if (live && plan__pb_extractor_uses_translation(cands[0])) {
    bool cot = strstr(task, "state_tracking") != NULL;
    cands[0] = cot ? PLAN__PB_X_NL_COT : PLAN__PB_X_NL;
    cands[1] = cot ? PLAN__PB_X_NL : PLAN__PB_X_NL_COT;
  }
  plan__pb_extractor x = r->extractor;
  agree_obj = json_object();
  if (!agree_obj) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto done;
  }
  if (live && x == PLAN__PB_X_AUTO)
    x = cands[0];
  size_t best = 0;
  for (size_t c = 0; c < n_cands && !live; c++) {
    if (r->extractor != PLAN__PB_X_AUTO && cands[c] != r->extractor)
      continue;
    size_t a = 0;
    st = agreement(e->cfg, instances, cands[c], &a);
    if (st != PLAN_OK) {
      st = plan__error_set(err, st, 0, 0, "out of memory");
      goto done;
    }
    if (json_object_set_new(agree_obj, plan__pb_extractor_name(cands[c]),
                            json_integer((json_int_t)a))) {
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      goto done;
    }
    if (r->extractor == PLAN__PB_X_AUTO && (c == 0 || a > best)) {
      best = a;
      x = cands[c];
    }
  }

  records = json_array();
  if (!records) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto done;
  }
  size_t total = json_array_size(instances);
  size_t n_mine = 0;
  for (size_t i = 0; i < total; i++)
    n_mine += i % r->shard_n == r->shard_k - 1;
  if (live) {
    n_resps = n_mine;
    st = ask_model(r, path, instances, n_mine, &resps, err);
    if (st != PLAN_OK)
      goto done;
  }
  size_t j = 0;
  for (size_t i = 0; i < total; i++) {
    if (i % r->shard_n != r->shard_k - 1)
      continue;
    const char *answer = NULL;
    const char *llm_error = NULL;
    if (live) {
      const plan_llm_response *resp = &resps[j];
      if (resp->status == PLAN_OK && resp->n_choices > 0)
        answer = resp->choices[0].text;
      else
        llm_error = resp->error ? resp->error : plan_strerror(resp->status);
    }
    j++;
    json_t *rec = NULL;
    plan_error ie;
    memset(&ie, 0, sizeof ie);
    st = run_instance(r, e, json_array_get(instances, i), i, x, live, answer,
                      llm_error, &rec, &ie);
    if (st != PLAN_OK) {
      st =
          plan__error_set(err, st, ie.line, ie.column, "%s: %s", path, ie.text);
      goto done;
    }
    if (json_array_append_new(records, rec)) {
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      goto done;
    }
  }
  char hex[17];
  plan__hex64(hash, hex);
  char name[800];
  plan__fmt(name, sizeof name, "%s/%s/%s", cfg_name, model, task);
  const char *prompt_type = plan__json_str(doc, "prompt_type");
  group = json_object();
  bool ok = group != NULL;
  ok = ok && set_new(group, "name", json_string(name));
  ok = ok && set_new(group, "results", json_string(path));
  ok = ok && set_new(group, "hash", json_string(hex));
  ok = ok && set_new(group, "config", json_string(cfg_name));
  ok = ok && set_new(group, "model", json_string(model));
  ok = ok && set_new(group, "task", json_string(task));
  ok = ok && set_new(group, "prompt_type",
                     prompt_type ? json_string(prompt_type) : json_null());
  ok = ok &&
       set_new(group, "extractor", json_string(plan__pb_extractor_name(x)));
  ok = ok && set_new(group, "extractor_agreement", json_incref(agree_obj));
  ok = ok && set_new(group, "total", json_integer((json_int_t)total));
  ok = ok && set_new(group, "shard",
                     json_pack("[ii]", (int)r->shard_k, (int)r->shard_n));
  ok = ok && set_new(group, "instances", json_incref(records));
  if (!ok) {
    json_decref(group);
    group = NULL;
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto done;
  }
  *out = group;
  group = NULL;
done:
  for (size_t i = 0; resps && i < n_resps; i++)
    plan_llm_response_clear(&resps[i]);
  plan__free(resps);
  json_decref(group);
  json_decref(records);
  json_decref(agree_obj);
  json_decref(doc);
  return st;
}

static int str_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the entries of directory path (without "." names) to *names. */
static plan_status list_dir(const char *path, bool want_json, char ***names,
                            size_t *n, size_t *cap) {
  DIR *d = opendir(path);
  if (!d)
    return PLAN_EIO;
  plan_status st = PLAN_OK;
  for (struct dirent *ent = readdir(d); st == PLAN_OK && ent;
       ent = readdir(d)) {
    size_t len = strlen(ent->d_name);
    if (ent->d_name[0] == '.')
      continue;
    if (want_json && (len < 6 || strcmp(ent->d_name + len - 5, ".json")))
      continue;
    if (*n == *cap) {
      void *arr = *names;
      st = plan__grow(&arr, cap, *n + 1, sizeof **names);
      if (st != PLAN_OK)
        break;
      *names = arr;
    }
    char *copy = plan__strdup(ent->d_name);
    if (!copy)
      st = PLAN_ENOMEM;
    else
      (*names)[(*n)++] = copy;
  }
  closedir(d);
  return st;
}

static void free_names(char **names, size_t n) {
  for (size_t i = 0; i < n; i++)
    plan__free(names[i]);
  plan__free(names);
}

plan_status plan__pb_list_results(const char *data_dir, char ***out,
                                  size_t *n_out, plan_error *err) {
  *out = NULL;
  *n_out = 0;
  char **res = NULL;
  size_t n = 0;
  size_t cap = 0;
  char **cfgs = NULL;
  size_t nc = 0;
  size_t capc = 0;
  plan__buf p;
  plan__buf_init(&p, 0);
  plan__buf_printf(&p, "%s/results", data_dir);
  plan_status st = p.status;
  if (st == PLAN_OK)
    st = list_dir(p.data, false, &cfgs, &nc, &capc);
  if (st == PLAN_EIO)
    st = plan__error_set(err, PLAN_EIO, 0, 0, "cannot read %s", p.data);
  for (size_t c = 0; c < nc && st == PLAN_OK; c++) {
    char **models = NULL;
    size_t nm = 0;
    size_t capm = 0;
    plan__buf_reset(&p);
    plan__buf_printf(&p, "%s/results/%s", data_dir, cfgs[c]);
    if (list_dir(p.data, false, &models, &nm, &capm) == PLAN_ENOMEM)
      st = PLAN_ENOMEM;
    for (size_t m = 0; m < nm && st == PLAN_OK; m++) {
      char **files = NULL;
      size_t nf = 0;
      size_t capf = 0;
      plan__buf_reset(&p);
      plan__buf_printf(&p, "%s/results/%s/%s", data_dir, cfgs[c], models[m]);
      if (list_dir(p.data, true, &files, &nf, &capf) == PLAN_ENOMEM)
        st = PLAN_ENOMEM;
      for (size_t f = 0; f < nf && st == PLAN_OK; f++) {
        plan__buf rel;
        plan__buf_init(&rel, 0);
        plan__buf_printf(&rel, "%s/%s/%s", cfgs[c], models[m], files[f]);
        if (n == cap) {
          void *arr = res;
          if (plan__grow(&arr, &cap, n + 1, sizeof *res) != PLAN_OK) {
            plan__buf_free(&rel);
            st = PLAN_ENOMEM;
            break;
          }
          res = arr;
        }
        if (rel.status != PLAN_OK) {
          plan__buf_free(&rel);
          st = PLAN_ENOMEM;
          break;
        }
        res[n++] = plan__buf_take(&rel);
      }
      free_names(files, nf);
    }
    free_names(models, nm);
  }
  free_names(cfgs, nc);
  if (st == PLAN_OK && p.status != PLAN_OK)
    st = PLAN_ENOMEM;
  plan__buf_free(&p);
  if (st != PLAN_OK) {
    free_names(res, n);
    return st == PLAN_ENOMEM
               ? plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory")
               : st;
  }
  if (n)
    qsort(res, n, sizeof *res, str_cmp);
  *out = res;
  *n_out = n;
  return PLAN_OK;
}

/* ======================================================================
 * Details files, merging, explanations
 * ====================================================================== */

json_t *plan__pb_details_new(json_t *groups) {
  return json_pack("{s:s, s:i, s:O}", "format", PB_FORMAT, "version",
                   PB_FORMAT_VERSION, "groups", groups);
}

static int record_cmp(const void *a, const void *b) {
  json_int_t x =
      json_integer_value(json_object_get(*(json_t *const *)a, "index"));
  json_int_t y =
      json_integer_value(json_object_get(*(json_t *const *)b, "index"));
  return x < y ? -1 : x > y;
}

/* The header fields that must agree between parts of one results file. */
static const char *const header_keys[] = {"config",      "model",     "task",
                                          "prompt_type", "extractor", "total"};

plan_status plan__pb_merge(json_t *const *docs, const char *const *names,
                           size_t n, json_t **out_groups, plan_error *err) {
  *out_groups = NULL;
  json_t *merged = json_object(); /* key -> group */
  json_t *order = json_array();   /* keys in first-seen order */
  plan_status st = PLAN_OK;
  if (!merged || !order) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto done;
  }
  for (size_t d = 0; d < n; d++) {
    const char *fmt = plan__json_str(docs[d], "format");
    const json_t *groups = json_object_get(docs[d], "groups");
    if (!fmt || strcmp(fmt, PB_FORMAT) || !json_is_array(groups)) {
      st = plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%s: not a details file of plan eval planbench "
                           "(no \"format\": \"%s\")",
                           names[d], PB_FORMAT);
      goto done;
    }
    for (size_t g = 0; g < json_array_size(groups); g++) {
      const json_t *grp = json_array_get(groups, g);
      const char *hash = plan__json_str(grp, "hash");
      const char *gname = plan__json_str(grp, "name");
      const char *x = plan__json_str(grp, "extractor");
      const json_t *recs = json_object_get(grp, "instances");
      if (!hash || !gname || !x || !json_is_array(recs) ||
          !json_is_integer(json_object_get(grp, "total"))) {
        st = plan__error_set(err, PLAN_EINVAL, 0, 0,
                             "%s: groups[%zu] is incomplete", names[d], g);
        goto done;
      }
      char key[1200];
      plan__fmt(key, sizeof key, "%s|%s|%s", hash, gname, x);
      json_t *m = json_object_get(merged, key);
      if (!m) {
        m = json_deep_copy(grp);
        if (!m || json_object_set_new(merged, key, m) ||
            json_array_append_new(order, json_string(key))) {
          st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
          goto done;
        }
        json_object_set_new(m, "shard", json_null());
        continue;
      }
      for (size_t k = 0; k < PLAN_ARRAY_LEN(header_keys); k++) {
        if (!json_equal(json_object_get(m, header_keys[k]),
                        json_object_get(grp, header_keys[k]))) {
          st = plan__error_set(err, PLAN_EINVAL, 0, 0,
                               "%s: %s disagrees with an earlier part on "
                               "\"%s\"",
                               names[d], gname, header_keys[k]);
          goto done;
        }
      }
      json_t *all = json_object_get(m, "instances");
      for (size_t i = 0; i < json_array_size(recs); i++)
        if (json_array_append(all, json_array_get(recs, i))) {
          st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
          goto done;
        }
    }
  }
  json_t *result = json_array();
  if (!result) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto done;
  }
  for (size_t k = 0; k < json_array_size(order); k++) {
    json_t *m =
        json_object_get(merged, json_string_value(json_array_get(order, k)));
    json_t *all = json_object_get(m, "instances");
    size_t cnt = json_array_size(all);
    json_t **v = plan__calloc(cnt ? cnt : 1, sizeof *v);
    if (!v) {
      json_decref(result);
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      goto done;
    }
    for (size_t i = 0; i < cnt; i++)
      v[i] = json_array_get(all, i);
    qsort(v, cnt, sizeof *v, record_cmp);
    json_t *sorted = json_array();
    bool dup = false;
    json_int_t dup_index = 0;
    for (size_t i = 0; sorted && i < cnt; i++) {
      if (i && record_cmp(&v[i], &v[i - 1]) == 0) {
        dup = true;
        dup_index = json_integer_value(json_object_get(v[i], "index"));
      }
      json_array_append(sorted, v[i]);
    }
    plan__free(v);
    json_int_t total = json_integer_value(json_object_get(m, "total"));
    const char *gname = plan__json_str(m, "name");
    if (!sorted || dup || (json_int_t)cnt != total) {
      json_decref(sorted);
      json_decref(result);
      if (dup)
        st = plan__error_set(err, PLAN_EINVAL, 0, 0,
                             "%s: instance index %" JSON_INTEGER_FORMAT
                             " appears in more than one part (overlapping "
                             "shards?)",
                             gname, dup_index);
      else if (!sorted)
        st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      else
        st = plan__error_set(err, PLAN_EINVAL, 0, 0,
                             "%s: the parts hold %zu of %" JSON_INTEGER_FORMAT
                             " instances; a shard is missing",
                             gname, cnt, total);
      goto done;
    }
    json_object_set_new(m, "instances", sorted);
    json_array_append(result, m);
  }
  *out_groups = result;
done:
  json_decref(merged);
  json_decref(order);
  return st;
}

void plan__pb_apply_explained(json_t *groups, const json_t *explained) {
  const json_t *list = json_object_get(explained, "explained");
  for (size_t g = 0; g < json_array_size(groups); g++) {
    json_t *grp = json_array_get(groups, g);
    const char *gname = plan__json_str(grp, "name");
    json_t *recs = json_object_get(grp, "instances");
    for (size_t e = 0; e < json_array_size(list); e++) {
      const json_t *ex = json_array_get(list, e);
      const char *name = plan__json_str(ex, "name");
      const char *kind = plan__json_str(ex, "kind");
      const char *reason = plan__json_str(ex, "reason");
      int64_t id = 0;
      if (!name || !kind || !reason || !gname || strcmp(name, gname) ||
          !plan__json_int(ex, "instance_id", &id))
        continue;
      const char *field =
          !strcmp(kind, "verdict") ? "verdict_agrees" : "extraction_agrees";
      for (size_t i = 0; i < json_array_size(recs); i++) {
        json_t *rec = json_array_get(recs, i);
        int64_t rid = 0;
        if (!plan__json_int(rec, "instance_id", &rid) || rid != id ||
            !json_is_false(json_object_get(rec, field)))
          continue;
        json_object_set_new(rec, "explained", json_string(reason));
      }
    }
  }
}

/* ======================================================================
 * Summary
 * ====================================================================== */

typedef struct tally {
  long instances;
  long correct;
  long recorded_correct;
  long recorded_known;
  long verdict_dis;
  long extraction_compared;
  long extraction_dis;
  long explained;
  long unexplained;
} tally;

static void tally_group(const json_t *grp, tally *t) {
  const json_t *recs = json_object_get(grp, "instances");
  for (size_t i = 0; i < json_array_size(recs); i++) {
    const json_t *rec = json_array_get(recs, i);
    t->instances++;
    if (json_is_true(json_object_get(rec, "correct")))
      t->correct++;
    const json_t *rc = json_object_get(rec, "recorded_correct");
    if (json_is_boolean(rc)) {
      t->recorded_known++;
      if (json_is_true(rc))
        t->recorded_correct++;
    }
    bool vd = json_is_false(json_object_get(rec, "verdict_agrees"));
    const json_t *ea = json_object_get(rec, "extraction_agrees");
    bool ed = json_is_false(ea);
    if (vd)
      t->verdict_dis++;
    if (json_is_boolean(ea))
      t->extraction_compared++;
    if (ed)
      t->extraction_dis++;
    if (vd || ed) {
      if (json_is_string(json_object_get(rec, "explained")))
        t->explained++;
      else
        t->unexplained++;
    }
  }
}

static json_t *ratio(long a, long b) {
  double x = b ? (double)a / (double)b : 0.0;
  return json_real(round(x * 1e6) / 1e6);
}

static bool put_tally(json_t *o, const tally *t) {
  return set_new(o, "instances", json_integer(t->instances)) &&
         set_new(o, "correct", json_integer(t->correct)) &&
         set_new(o, "accuracy", ratio(t->correct, t->instances)) &&
         set_new(o, "recorded_correct", json_integer(t->recorded_correct)) &&
         set_new(o, "recorded_known", json_integer(t->recorded_known)) &&
         set_new(o, "recorded_accuracy",
                 ratio(t->recorded_correct, t->instances)) &&
         set_new(o, "verdict_disagreements", json_integer(t->verdict_dis)) &&
         set_new(o, "extraction_compared",
                 json_integer(t->extraction_compared)) &&
         set_new(o, "extraction_disagreements",
                 json_integer(t->extraction_dis)) &&
         set_new(o, "explained_disagreements", json_integer(t->explained)) &&
         set_new(o, "unexplained_disagreements", json_integer(t->unexplained));
}

static int group_name_cmp(const void *a, const void *b) {
  return strcmp(plan__json_str(*(json_t *const *)a, "name"),
                plan__json_str(*(json_t *const *)b, "name"));
}

/* The PlanBench "set" of a config: the 600-instance figures of the papers
 * combine <cfg> and <cfg>_3. */
static void set_name(const char *cfg, char *out, size_t size) {
  plan__fmt(out, size, "%s", cfg);
  size_t n = strlen(out);
  if (n > 2 && !strcmp(out + n - 2, "_3"))
    out[n - 2] = '\0';
}

json_t *plan__pb_summary(const json_t *groups) {
  size_t n = json_array_size(groups);
  json_t **sorted = plan__calloc(n ? n : 1, sizeof *sorted);
  json_t *out = json_object();
  json_t *gs = json_array();
  json_t *sets = json_array();
  if (!sorted || !out || !gs || !sets)
    goto fail;
  for (size_t i = 0; i < n; i++)
    sorted[i] = json_array_get(groups, i);
  qsort(sorted, n, sizeof *sorted, group_name_cmp);
  tally all = {0};
  const char *domain = NULL;
  const char *model = NULL;
  bool same_domain = true;
  bool same_model = true;
  for (size_t i = 0; i < n; i++) {
    const json_t *g = sorted[i];
    tally t = {0};
    tally_group(g, &t);
    all.instances += t.instances;
    all.correct += t.correct;
    all.recorded_correct += t.recorded_correct;
    all.recorded_known += t.recorded_known;
    all.verdict_dis += t.verdict_dis;
    all.extraction_compared += t.extraction_compared;
    all.extraction_dis += t.extraction_dis;
    all.explained += t.explained;
    all.unexplained += t.unexplained;
    const char *c = plan__json_str(g, "config");
    const char *m = plan__json_str(g, "model");
    if (domain && c && strcmp(domain, c))
      same_domain = false;
    if (model && m && strcmp(model, m))
      same_model = false;
    domain = domain ? domain : c;
    model = model ? model : m;
    json_t *s = json_object();
    const json_t *total = json_object_get(g, "total");
    bool ok = s && set_new(s, "name", json_incref(json_object_get(g, "name")));
    ok = ok && set_new(s, "domain", json_string(c ? c : ""));
    ok = ok && set_new(s, "model", json_string(m ? m : ""));
    ok = ok && set_new(s, "task", json_incref(json_object_get(g, "task")));
    ok = ok && set_new(s, "prompt_type",
                       json_incref(json_object_get(g, "prompt_type")));
    ok = ok &&
         set_new(s, "extractor", json_incref(json_object_get(g, "extractor")));
    ok = ok && set_new(s, "extractor_agreement",
                       json_incref(json_object_get(g, "extractor_agreement")));
    ok = ok && set_new(s, "total", json_incref((json_t *)total));
    ok = ok && set_new(s, "complete",
                       json_boolean(json_integer_value(total) == t.instances));
    ok = ok && put_tally(s, &t);
    if (!ok || json_array_append_new(gs, s)) {
      json_decref(s);
      goto fail;
    }
  }
  /* Sets: a config and its _3 twin with the same model and task. */
  for (size_t i = 0; i < n; i++) {
    char si[256];
    set_name(plan__json_str(sorted[i], "config"), si, sizeof si);
    const char *mi = plan__json_str(sorted[i], "model");
    const char *ti = plan__json_str(sorted[i], "task");
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) {
      char sj[256];
      set_name(plan__json_str(sorted[j], "config"), sj, sizeof sj);
      seen = !strcmp(si, sj) &&
             !strcmp(mi, plan__json_str(sorted[j], "model")) &&
             !strcmp(ti, plan__json_str(sorted[j], "task"));
    }
    if (seen)
      continue;
    tally t = {0};
    size_t members = 0;
    for (size_t j = i; j < n; j++) {
      char sj[256];
      set_name(plan__json_str(sorted[j], "config"), sj, sizeof sj);
      if (!strcmp(si, sj) && !strcmp(mi, plan__json_str(sorted[j], "model")) &&
          !strcmp(ti, plan__json_str(sorted[j], "task"))) {
        tally_group(sorted[j], &t);
        members++;
      }
    }
    if (members < 2)
      continue;
    json_t *s = json_object();
    bool ok = s && set_new(s, "set", json_string(si)) &&
              set_new(s, "model", json_string(mi)) &&
              set_new(s, "task", json_string(ti)) && put_tally(s, &t);
    if (!ok || json_array_append_new(sets, s)) {
      json_decref(s);
      goto fail;
    }
  }
  if (!put_tally(out, &all) ||
      !set_new(out, "domain",
               same_domain && domain ? json_string(domain) : json_null()) ||
      !set_new(out, "model",
               same_model && model ? json_string(model) : json_null()) ||
      !set_new(out, "groups", gs) || !set_new(out, "sets", sets)) {
    gs = sets = NULL;
    goto fail;
  }
  plan__free(sorted);
  return out;
fail:
  plan__free(sorted);
  json_decref(out);
  json_decref(gs);
  json_decref(sets);
  return NULL;
}

static void render_row(plan__buf *b, int width, const char *label,
                       const json_t *s, bool compared) {
  long inst = (long)json_integer_value(json_object_get(s, "instances"));
  long cor = (long)json_integer_value(json_object_get(s, "correct"));
  long rec = (long)json_integer_value(json_object_get(s, "recorded_correct"));
  double acc = inst ? 100.0 * (double)cor / (double)inst : 0.0;
  double racc = inst ? 100.0 * (double)rec / (double)inst : 0.0;
  long known = (long)json_integer_value(json_object_get(s, "recorded_known"));
  plan__buf_printf(b, "%-*s %5ld %5ld %5.1f%% ", width, label, inst, cor, acc);
  if (known)
    plan__buf_printf(
        b, "%5ld %5.1f%% %5ld", rec, racc,
        (long)json_integer_value(json_object_get(s, "verdict_disagreements")));
  else
    plan__buf_printf(b, "%5s %6s %5s", "-", "-", "-");
  if (compared)
    plan__buf_printf(
        b, " %5ld/%-5ld",
        (long)json_integer_value(
            json_object_get(s, "extraction_disagreements")),
        (long)json_integer_value(json_object_get(s, "extraction_compared")));
  plan__buf_putc(b, '\n');
}

plan_status plan__pb_summary_render(const json_t *summary, plan__buf *b) {
  const json_t *gs = json_object_get(summary, "groups");
  const json_t *sets = json_object_get(summary, "sets");
  int width = 27;
  for (size_t i = 0; i < json_array_size(gs); i++) {
    const char *nm = plan__json_str(json_array_get(gs, i), "name");
    if (nm && (int)strlen(nm) > width)
      width = (int)strlen(nm);
  }
  for (size_t i = 0; i < json_array_size(sets); i++) {
    const json_t *s = json_array_get(sets, i);
    int w = (int)(strlen(plan__json_str(s, "set")) +
                  strlen(plan__json_str(s, "model")) +
                  strlen(plan__json_str(s, "task")) + 2);
    if (w > width)
      width = w;
  }
  plan__buf_printf(b, "%-*s %5s %5s %6s %5s %6s %5s %11s\n", width,
                   "results (config/model/task)", "n", "ours", "acc", "rec",
                   "acc", "verd!", "extr!/cmp");
  for (size_t i = 0; i < json_array_size(gs); i++) {
    const json_t *g = json_array_get(gs, i);
    render_row(b, width, plan__json_str(g, "name"), g, true);
    plan__buf_printf(b, "  extractor %s", plan__json_str(g, "extractor"));
    const json_t *ag = json_object_get(g, "extractor_agreement");
    const char *k;
    json_t *v;
    bool first = true;
    json_object_foreach((json_t *)ag, k, v) {
      plan__buf_printf(b, "%s%s %" JSON_INTEGER_FORMAT,
                       first ? " (recorded "
                               "plans "
                               "reproduced: "
                             : ", ",
                       k, json_integer_value(v));
      first = false;
    }
    plan__buf_puts(b, first ? "" : ")");
    if (!json_is_true(json_object_get(g, "complete")))
      plan__buf_printf(b,
                       "; partial: %" JSON_INTEGER_FORMAT
                       " of %" JSON_INTEGER_FORMAT " instances",
                       json_integer_value(json_object_get(g, "instances")),
                       json_integer_value(json_object_get(g, "total")));
    plan__buf_putc(b, '\n');
  }
  if (json_array_size(sets)) {
    plan__buf_puts(b, "\nPlanBench sets (<cfg> + <cfg>_3, the 600-instance "
                      "figures of the papers):\n");
    for (size_t i = 0; i < json_array_size(sets); i++) {
      const json_t *s = json_array_get(sets, i);
      char label[600];
      plan__fmt(label, sizeof label, "%s/%s/%s", plan__json_str(s, "set"),
                plan__json_str(s, "model"), plan__json_str(s, "task"));
      render_row(b, width, label, s, false);
    }
  }
  plan__buf_puts(b, "\n");
  render_row(b, width, "total", summary, true);
  plan__buf_printf(
      b,
      "disagreements with the recorded results: %" JSON_INTEGER_FORMAT
      " verdicts, %" JSON_INTEGER_FORMAT " extractions (%" JSON_INTEGER_FORMAT
      " explained, %" JSON_INTEGER_FORMAT " unexplained)\n",
      json_integer_value(json_object_get(summary, "verdict_disagreements")),
      json_integer_value(json_object_get(summary, "extraction_disagreements")),
      json_integer_value(json_object_get(summary, "explained_disagreements")),
      json_integer_value(
          json_object_get(summary, "unexplained_disagreements")));
  return b->status;
}
