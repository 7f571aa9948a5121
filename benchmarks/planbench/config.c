/* benchmarks/planbench/config.c: PlanBench domain configs
 * (DATA/configs/<cfg>.yaml) read through the YAML subset reader into
 * plan__pb_config, plus the instance lookup of the data folder's README:
 * instance N of a config is DATA/instances/<instance_dir>/<template with N>
 * and its domain is DATA/instances/<domain_file>. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"

void plan__pb_config_free(plan__pb_config *cfg) {
  if (!cfg)
    return;
  plan__pb_pair *lists[] = {cfg->actions, cfg->predicates, cfg->objects,
                            cfg->objects_compact};
  size_t counts[] = {cfg->n_actions, cfg->n_predicates, cfg->n_objects,
                     cfg->n_objects_compact};
  for (size_t l = 0; l < PLAN_ARRAY_LEN(lists); l++) {
    for (size_t i = 0; i < counts[l]; i++) {
      plan__free(lists[l][i].key);
      plan__free(lists[l][i].value);
    }
    plan__free(lists[l]);
  }
  plan__free(cfg->name);
  plan__free(cfg->domain_name);
  plan__free(cfg->instance_dir);
  plan__free(cfg->domain_file);
  plan__free(cfg->instances_template);
  plan__free(cfg->domain_intro);
  plan__free(cfg->domain_intro_zero_shot);
  plan__free(cfg);
}

/* Copies the string field key of doc into *out. A missing field is fine
 * unless required; any other type is an error. */
static plan_status get_str(const json_t *doc, const char *cfg, const char *key,
                           bool required, char **out, plan_error *err) {
  const json_t *v = json_object_get(doc, key);
  if (!v || json_is_null(v)) {
    if (required)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "config %s: missing field '%s'", cfg, key);
    return PLAN_OK;
  }
  if (!json_is_string(v))
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "config %s: %s: expected a string", cfg, key);
  *out = plan__strndup(json_string_value(v), json_string_length(v));
  return *out ? PLAN_OK
              : plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
}

/* Reads a mapping of strings (values may be "") into a pair list. */
static plan_status get_pairs(const json_t *doc, const char *cfg,
                             const char *key, plan__pb_pair **out,
                             size_t *n_out, plan_error *err) {
  const json_t *v = json_object_get(doc, key);
  if (!v || json_is_null(v))
    return PLAN_OK;
  if (!json_is_object(v))
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "config %s: %s: expected a mapping", cfg, key);
  size_t n = json_object_size(v);
  plan__pb_pair *pairs = plan__calloc(n ? n : 1, sizeof *pairs);
  if (!pairs)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  *out = pairs;
  const char *k;
  json_t *val;
  size_t i = 0;
  json_object_foreach((json_t *)v, k, val) {
    if (!json_is_string(val))
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "config %s: %s: value of '%s' is not a string",
                             cfg, key, k);
    pairs[i].key = plan__strdup(k);
    pairs[i].value =
        plan__strndup(json_string_value(val), json_string_length(val));
    *n_out = ++i;
    if (!pairs[i - 1].key || !pairs[i - 1].value)
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  return PLAN_OK;
}

static plan_status get_int(const json_t *doc, const char *cfg, const char *key,
                           int64_t *out, plan_error *err) {
  const json_t *v = json_object_get(doc, key);
  if (!v || json_is_null(v))
    return PLAN_OK;
  if (!json_is_integer(v))
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "config %s: %s: expected an integer", cfg, key);
  *out = (int64_t)json_integer_value(v);
  return PLAN_OK;
}

plan_status plan__pb_config_from_json(const json_t *doc, const char *name,
                                      plan__pb_config **out, plan_error *err) {
  *out = NULL;
  if (!json_is_object(doc))
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "config %s: expected a mapping at the top", name);
  plan__pb_config *c = plan__calloc(1, sizeof *c);
  if (!c)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  c->start = 1;
  c->end = 0;
  plan_status st = PLAN_OK;
  c->name = plan__strdup(name);
  if (!c->name)
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  if (st == PLAN_OK)
    st = get_str(doc, name, "instance_dir", true, &c->instance_dir, err);
  if (st == PLAN_OK)
    st = get_str(doc, name, "domain_file", true, &c->domain_file, err);
  if (st == PLAN_OK)
    st = get_str(doc, name, "domain_name", false, &c->domain_name, err);
  if (st == PLAN_OK)
    st = get_str(doc, name, "instances_template", false, &c->instances_template,
                 err);
  if (st == PLAN_OK)
    st = get_str(doc, name, "domain_intro", false, &c->domain_intro, err);
  if (st == PLAN_OK)
    st = get_str(doc, name, "domain_intro_zero_shot", false,
                 &c->domain_intro_zero_shot, err);
  if (st == PLAN_OK)
    st = get_int(doc, name, "start", &c->start, err);
  if (st == PLAN_OK)
    st = get_int(doc, name, "end", &c->end, err);
  if (st == PLAN_OK)
    st = get_pairs(doc, name, "actions", &c->actions, &c->n_actions, err);
  if (st == PLAN_OK)
    st = get_pairs(doc, name, "predicates", &c->predicates, &c->n_predicates,
                   err);
  if (st == PLAN_OK)
    st = get_pairs(doc, name, "encoded_objects", &c->objects, &c->n_objects,
                   err);
  if (st == PLAN_OK)
    st = get_pairs(doc, name, "encoded_objects_compact", &c->objects_compact,
                   &c->n_objects_compact, err);
  if (st == PLAN_OK && !c->domain_name) {
    c->domain_name = plan__strdup(name);
    if (!c->domain_name)
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  if (st == PLAN_OK && !c->instances_template) {
    c->instances_template = plan__strdup("instance-{}.pddl");
    if (!c->instances_template)
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  if (st == PLAN_OK && !strstr(c->instances_template, "{}"))
    st = plan__error_set(err, PLAN_EPARSE, 0, 0,
                         "config %s: instances_template has no '{}'", name);
  if (st != PLAN_OK) {
    plan__pb_config_free(c);
    return st;
  }
  /* The upstream code dispatches on substrings of domain_name. */
  if (strstr(c->domain_name, "obfuscated"))
    c->family = PLAN__PB_FAMILY_OTHER;
  else if (strstr(c->domain_name, "blocksworld"))
    c->family = PLAN__PB_FAMILY_BLOCKS;
  else if (strstr(c->domain_name, "logistics"))
    c->family = PLAN__PB_FAMILY_LOGISTICS;
  *out = c;
  return PLAN_OK;
}

plan_status plan__pb_config_load(const char *data_dir, const char *name,
                                 plan__pb_config **out, plan_error *err) {
  *out = NULL;
  for (const char *s = name; *s; s++)
    if (*s == '/' || *s == '\\')
      return plan__error_set(err, PLAN_EINVAL, 0, 0,
                             "config name '%s' contains a path separator",
                             name);
  plan__buf path;
  plan__buf_init(&path, 0);
  if (plan__buf_printf(&path, "%s/configs/%s.yaml", data_dir, name) !=
      PLAN_OK) {
    plan__buf_free(&path);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  plan_error yerr;
  memset(&yerr, 0, sizeof yerr);
  json_t *doc = plan__yaml_load(path.data, &yerr);
  plan__buf_free(&path);
  if (!doc) {
    if (err)
      *err = yerr;
    return yerr.code;
  }
  plan_status st = plan__pb_config_from_json(doc, name, out, err);
  json_decref(doc);
  return st;
}

const char *plan__pb_pairs_get(const plan__pb_pair *pairs, size_t n,
                               const char *key) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(pairs[i].key, key))
      return pairs[i].value;
  return NULL;
}

int plan__pb_action_arity(const plan__pb_config *cfg, const char *action) {
  const char *t = plan__pb_pairs_get(cfg->actions, cfg->n_actions, action);
  if (!t)
    return -1;
  int n = 0;
  for (const char *s = strstr(t, "{}"); s; s = strstr(s + 2, "{}"))
    n++;
  return n;
}

char *plan__pb_domain_path(const char *data_dir, const plan__pb_config *cfg) {
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_printf(&b, "%s/instances/%s", data_dir, cfg->domain_file);
  if (b.status != PLAN_OK) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

char *plan__pb_instance_path(const char *data_dir, const plan__pb_config *cfg,
                             int64_t id) {
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_printf(&b, "%s/instances/%s/", data_dir, cfg->instance_dir);
  const char *t = cfg->instances_template;
  const char *slot = strstr(t, "{}");
  plan__buf_append(&b, t, (size_t)(slot - t));
  plan__buf_printf(&b, "%" PRId64, id);
  plan__buf_puts(&b, slot + 2);
  if (b.status != PLAN_OK) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

plan_status plan__pb_config_load_file(const char *path, plan__pb_config **out,
                                      plan_error *err) {
  *out = NULL;
  plan_error yerr;
  memset(&yerr, 0, sizeof yerr);
  json_t *doc = plan__yaml_load(path, &yerr);
  if (!doc) {
    if (err)
      *err = yerr;
    return yerr.code;
  }
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  if (n > 5 && !strcmp(base + n - 5, ".yaml"))
    n -= 5;
  char *name = plan__strndup(base, n);
  plan_status st = PLAN_ENOMEM;
  if (!name)
    plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  else
    st = plan__pb_config_from_json(doc, name, out, &yerr);
  if (name && st != PLAN_OK)
    plan__error_set(err, st, yerr.line, yerr.column, "%s: %s", path,
                    yerr.text);
  plan__free(name);
  json_decref(doc);
  return st;
}
