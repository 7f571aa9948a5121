/* tests/unit/test_planbench_prompt.c: state/goal -> text and the prompt
 * builder (benchmarks/planbench/prompt.c). An inline task pins the text
 * rules; the golden test rebuilds the prompt of every recorded instance in
 * ../shared/data/planbench (when present) and compares it with the
 * recorded `query` field: byte for byte for the 2024-25 runs, and for the
 * 2023 GPT-4 runs after the documented older-config edits below
 * (docs/planbench.md, "Prompts"). State-tracking prompts are not built. */
#include <string.h>
#include <sys/stat.h>

#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"
#include "core/json.h"
#include "test.h"

static const char lg_yaml[] =
    "instance_dir: x\ndomain_file: y\ndomain_name: logistics\n"
    "predicates: {\"city\": \"\", \"at\": \"{} is at {}\", "
    "\"in-city\": \"{} is in the city {}\", \"airport\": \"{} is an "
    "airport\", \"in\": \"{} is in {}\"}\n"
    "actions: {fly-airplane: \"fly {} from {} to {}\"}\n"
    "encoded_objects: {\"p\": \"package_{}\", \"a\": \"airplane_{}\", "
    "\"l\": \"location_{}_{}\", \"c\": \"city_{}\"}\n";

static const char lg_domain[] =
    "(define (domain lg) (:requirements :strips)\n"
    " (:predicates (city ?c) (at ?o ?l) (in-city ?l ?c) (airport ?l)"
    " (in ?o ?v))\n"
    " (:action fly-airplane :parameters (?a ?f ?t)\n"
    "  :precondition (and (at ?a ?f) (airport ?f) (airport ?t))\n"
    "  :effect (and (not (at ?a ?f)) (at ?a ?t))))\n";

static const char lg_problem[] =
    "(define (problem p) (:domain lg)\n"
    " (:objects a0 c0 c1 l0-0 l1-0 p0)\n"
    " (:init (city c0) (city c1) (at p0 l1-0) (in-city l0-0 c0)"
    " (airport l1-0) (airport l0-0) (at a0 l0-0) (in-city l1-0 c1)"
    " (at p0 l1-0))\n"
    " (:goal (and (at p0 l0-0))))\n";

static void test_state_text(void) {
  plan_error err;
  memset(&err, 0, sizeof err);
  json_t *doc = plan__yaml_parse(lg_yaml, strlen(lg_yaml), "lg", &err);
  ASSERT(doc != NULL);
  plan__pb_config *cfg = NULL;
  ASSERT_OK(plan__pb_config_from_json(doc, "logistics", &cfg, &err));
  json_decref(doc);
  plan__pddl_domain *dom = NULL;
  plan__pddl_problem *prob = NULL;
  plan__pddl_task *task = NULL;
  ASSERT_OK(
      plan__pddl_domain_parse(lg_domain, strlen(lg_domain), "d", &dom, &err));
  ASSERT_OK(plan__pddl_problem_parse(dom, lg_problem, strlen(lg_problem), "p",
                                     &prob, &err));
  ASSERT_OK(plan__pddl_task_create(dom, prob, &task, &err));
  plan__buf b;
  plan__buf_init(&b, 0);
  /* Sorted by "predicate args", the empty (city) renderings dropped, the
   * duplicate :init atom written once. */
  ASSERT_OK(plan__pb_atoms_text(cfg, task, task->init_facts, task->n_init_facts,
                                true, &b));
  ASSERT_STR_EQ(b.data, "location_0_0 is an airport, location_1_0 is an "
                        "airport, airplane_0 is at location_0_0, package_0 "
                        "is at location_1_0, location_0_0 is in the city "
                        "city_0 and location_1_0 is in the city city_1");
  plan__buf_reset(&b);
  uint32_t g = task->goal[0].fact;
  ASSERT_OK(plan__pb_atoms_text(cfg, task, &g, 1, false, &b));
  ASSERT_STR_EQ(b.data, "package_0 is at location_0_0");
  plan__buf_reset(&b);
  ASSERT_OK(plan__pb_action_text(cfg, "(fly-airplane a0 l0-0 l1-0)", &b));
  ASSERT_STR_EQ(b.data, "fly airplane_0 from location_0_0 to location_1_0");
  plan__buf_reset(&b);
  ASSERT_STATUS(plan__pb_action_text(cfg, "(drive t0 l0-0)", &b),
                PLAN_ENOTFOUND);
  plan__buf_reset(&b);
  ASSERT_STATUS(plan__pb_object_text(cfg, "t0", &b), PLAN_ENOTFOUND);
  plan__buf_reset(&b);
  /* Python's str.format: extra digits are ignored ("p10" -> package_1). */
  ASSERT_OK(plan__pb_object_text(cfg, "p10", &b));
  ASSERT_STR_EQ(b.data, "package_1");
  plan__buf_reset(&b);
  ASSERT_STATUS(plan__pb_object_text(cfg, "l5", &b), PLAN_EINVAL);
  plan__buf_free(&b);
  plan__pddl_task_free(task);
  plan__pddl_problem_free(prob);
  plan__pddl_domain_free(dom);
  plan__pb_config_free(cfg);
}

/* ---- golden: the recorded queries -------------------------------------- */

static const char *data = PLAN_SOURCE_DIR "/../shared/data/planbench";

static char *read_text(const char *path) {
  char *t = NULL;
  size_t n = 0;
  plan_error err;
  ASSERT_OK(plan__read_file(path, 0, &t, &n, &err));
  return t;
}

/* Replaces the first occurrence of from in s (a new string). */
static char *replace1(const char *s, const char *from, const char *to) {
  const char *at = strstr(s, from);
  ASSERT(at != NULL);
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_append(&b, s, (size_t)(at - s));
  plan__buf_puts(&b, to);
  plan__buf_puts(&b, at + strlen(from));
  return plan__buf_take(&b);
}

/* The domain_intro of the 2023 GPT-4 runs: an older revision of the
 * config, reconstructed from the config by the edits docs/planbench.md
 * lists. */
static char *legacy_intro(const char *cfg_name, const char *intro,
                          bool zeroshot) {
  if (!strncmp(cfg_name, "blocksworld", 11)) {
    const char *last = "Once you stack a block on top of a second block, "
                       "the second block is no longer clear.\n";
    return zeroshot
               ? replace1(intro, "no longer clear.\n", "no longer clear. \n")
               : replace1(intro, last, "");
  }
  if (!strcmp(cfg_name, "logistics") && !zeroshot) {
    char *a = replace1(intro, "into a truck. \n", "into a truck.\n");
    char *b = replace1(a, "from a truck. \n", "from a truck.\n");
    char *c = replace1(b, "from an airplane. \n", "from an airplane.\n");
    char *d = replace1(c, "another location. \n", "another location.\n");
    plan__free(a);
    plan__free(b);
    plan__free(c);
    return d;
  }
  return plan__strdup(intro);
}

typedef struct cache {
  char *cfg_name;
  plan__pb_config *cfg;
  plan__pddl_domain *dom;
  char *domain_text;
  json_t *gt; /* ground_truth/<cfg>.json "plans" */
  plan__pddl_task *tasks[700];
  char *problems[700];
} cache;

static void cache_free(cache *c) {
  for (size_t i = 0; i < 700; i++) {
    plan__pddl_task_free(c->tasks[i]);
    plan__free(c->problems[i]);
  }
  plan__pddl_domain_free(c->dom);
  plan__free(c->domain_text);
  json_decref(c->gt);
  plan__pb_config_free(c->cfg);
  plan__free(c->cfg_name);
  memset(c, 0, sizeof *c);
}

static void cache_use(cache *c, const char *cfg_name) {
  if (c->cfg_name && !strcmp(c->cfg_name, cfg_name))
    return;
  cache_free(c);
  plan_error err;
  memset(&err, 0, sizeof err);
  c->cfg_name = plan__strdup(cfg_name);
  ASSERT_OK(plan__pb_config_load(data, cfg_name, &c->cfg, &err));
  char *dp = plan__pb_domain_path(data, c->cfg);
  ASSERT_OK(plan__pddl_domain_load(dp, &c->dom, &err));
  c->domain_text = read_text(dp);
  plan__free(dp);
  char path[4096];
  snprintf(path, sizeof path, "%s/ground_truth/%s.json", data, cfg_name);
  char *gt = read_text(path);
  json_t *doc = plan__json_parse(gt, strlen(gt), path, &err);
  ASSERT(doc != NULL);
  c->gt = json_incref(json_object_get(doc, "plans"));
  json_decref(doc);
  plan__free(gt);
}

static const plan__pddl_task *task_of(cache *c, int64_t id, char **text) {
  ASSERT(id >= 0 && id < 700);
  if (!c->tasks[id]) {
    plan_error err;
    char *pp = plan__pb_instance_path(data, c->cfg, id);
    plan__pddl_problem *prob = NULL;
    ASSERT_OK(plan__pddl_problem_load(c->dom, pp, &prob, &err));
    ASSERT_OK(plan__pddl_task_create(c->dom, prob, &c->tasks[id], &err));
    plan__pddl_problem_free(prob);
    c->problems[id] = read_text(pp);
    plan__free(pp);
  }
  if (text)
    *text = c->problems[id];
  return c->tasks[id];
}

static void gt_plan(cache *c, int64_t id, plan__pb_plan *out) {
  char key[32];
  snprintf(key, sizeof key, "%lld", (long long)id);
  ASSERT_OK(plan__pb_plan_from_json(json_object_get(c->gt, key), out));
  ASSERT(out->n > 0);
}

/* Builds the prompt of one recorded instance; NULL for kinds not built. */
static char *build(cache *c, const json_t *file, const json_t *inst,
                   const char *rel, const char *task_name) {
  /* The 2023 GPT-4 files (task "t1"), and the gpt-3.5 Logistics run,
   * which reused the 2023 Logistics prompts. */
  bool legacy = !strcmp(plan__json_str(file, "task"), "t1") ||
                !strcmp(rel, "logistics/gpt-3.5-turbo-instruct/"
                             "task_1_plan_generation.json");
  bool pddl = strstr(task_name, "pddl") != NULL;
  const json_t *ex = json_object_get(inst, "example_instance_ids");
  ex = json_is_array(ex) ? json_array_get(ex, 0)
                         : json_object_get(inst, "example_instance_id");
  int64_t id = 0;
  ASSERT(plan__json_int(inst, "instance_id", &id));
  plan__pb_prompt_input in;
  memset(&in, 0, sizeof in);
  in.cfg = c->cfg;
  in.legacy_2023 = legacy;
  char *problem_text = NULL;
  in.task = task_of(c, id, &problem_text);
  plan__pb_plan ex_plan = {0};
  if (json_is_integer(ex)) {
    int64_t eid = (int64_t)json_integer_value(ex);
    char *ex_text = NULL;
    in.example_task = task_of(c, eid, &ex_text);
    in.example_problem_pddl = ex_text;
    gt_plan(c, eid, &ex_plan);
    in.example_plan = &ex_plan;
    in.kind = pddl ? PLAN__PB_PROMPT_PDDL_ONESHOT : PLAN__PB_PROMPT_ONESHOT;
  } else {
    in.kind = pddl ? PLAN__PB_PROMPT_PDDL_ZEROSHOT : PLAN__PB_PROMPT_ZEROSHOT;
  }
  in.domain_pddl = c->domain_text;
  in.problem_pddl = problem_text;
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__pb_prompt(&in, &b));
  plan__pb_plan_free(&ex_plan);
  char *q = plan__buf_take(&b);
  if (legacy && !pddl) {
    /* Swap in the older intro: everything before the first statement. */
    const char *intro =
        in.kind == PLAN__PB_PROMPT_ONESHOT
            ? c->cfg->domain_intro
            : (c->cfg->domain_intro_zero_shot ? c->cfg->domain_intro_zero_shot
                                              : c->cfg->domain_intro);
    char *old =
        legacy_intro(c->cfg_name, intro, in.kind == PLAN__PB_PROMPT_ZEROSHOT);
    char *q2 = replace1(q, intro, old);
    plan__free(old);
    plan__free(q);
    q = q2;
  }
  if (legacy && pddl && !strcmp(c->cfg_name, "logistics")) {
    /* The 2023 copy of the Logistics domain file had a space on the blank
     * line after the predicates. */
    char *q2 =
        replace1(q, "(in-city ?obj ?city))\n\n", "(in-city ?obj ?city))\n \n");
    plan__free(q);
    q = q2;
  }
  return q;
}

static void test_recorded_queries(void) {
  struct stat st;
  char probe[4096];
  snprintf(probe, sizeof probe, "%s/results", data);
  if (stat(probe, &st) != 0) {
    fprintf(stderr, "   (no PlanBench data at %s: skipped)\n", data);
    return;
  }
  char **files = NULL;
  size_t n = 0;
  plan_error lerr;
  ASSERT_OK(plan__pb_list_results(data, &files, &n, &lerr));
  ASSERT(n >= 30);
  cache c;
  memset(&c, 0, sizeof c);
  size_t total = 0;
  size_t equal = 0;
  size_t skipped = 0;
  for (size_t f = 0; f < n; f++) {
    char cfg_name[256];
    char task_name[256];
    const char *slash = strchr(files[f], '/');
    snprintf(cfg_name, sizeof cfg_name, "%.*s", (int)(slash - files[f]),
             files[f]);
    snprintf(task_name, sizeof task_name, "%s", strrchr(files[f], '/') + 1);
    char path[4096];
    snprintf(path, sizeof path, "%s/results/%s", data, files[f]);
    char *text = read_text(path);
    plan_error err;
    json_t *doc = plan__json_parse(text, strlen(text), path, &err);
    plan__free(text);
    ASSERT(doc != NULL);
    const json_t *insts = json_object_get(doc, "instances");
    size_t file_equal = 0;
    if (strstr(task_name, "state_tracking")) {
      skipped += json_array_size(insts);
      fprintf(stderr, "   %-70s state tracking: not built\n", files[f]);
      json_decref(doc);
      continue;
    }
    cache_use(&c, cfg_name);
    for (size_t i = 0; i < json_array_size(insts); i++) {
      const json_t *inst = json_array_get(insts, i);
      char *q = build(&c, doc, inst, files[f], task_name);
      const char *rec = plan__json_str(inst, "query");
      total++;
      if (rec && !strcmp(q, rec)) {
        equal++;
        file_equal++;
      } else {
        int64_t id = 0;
        plan__json_int(inst, "instance_id", &id);
        /* The one known exception: a stale GPT-4 answer was appended to
         * this query (docs/planbench.md, explained disagreements). */
        bool known = !strcmp(files[f], "blocksworld/gpt-4_chat/"
                                       "task_1_plan_generation.json") &&
                     id == 12 && rec && !strncmp(q, rec, strlen(q) - 1) &&
                     strstr(rec, "--------- GPT4 response ---------");
        if (!known) {
          fprintf(stderr,
                  "%s id %lld: prompt differs\n--- built:\n%s\n"
                  "--- recorded:\n%s\n",
                  files[f], (long long)id, q, rec ? rec : "(none)");
          ASSERT(0);
        }
      }
      plan__free(q);
    }
    fprintf(stderr, "   %-70s %zu/%zu equal\n", files[f], file_equal,
            json_array_size(insts));
    json_decref(doc);
  }
  cache_free(&c);
  for (size_t f = 0; f < n; f++)
    plan__free(files[f]);
  plan__free(files);
  fprintf(stderr,
          "   prompts equal to the recorded query: %zu of %zu "
          "(%zu state-tracking not built)\n",
          equal, total, skipped);
  ASSERT_EQ(equal + 1, total);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_state_text);
  RUN(test_recorded_queries);
  TEST_END();
}
