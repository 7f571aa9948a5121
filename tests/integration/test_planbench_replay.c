/* tests/integration/test_planbench_replay.c: the replay harness over the
 * whole PlanBench data folder (../shared/data/planbench). Every recorded
 * answer is extracted again and validated with the exact simulator; the
 * test asserts that
 *  - every verdict equals the recorded correct/llm_correct flag,
 *  - every extraction equals the recorded extracted_llm_plan, except the
 *    disagreements listed (with the evidence) in
 *    benchmarks/planbench/explained.json, each of which must still occur,
 *  - the simulator accepts exactly the recorded plans that were flagged
 *    correct (so our validator agrees with VAL on all of them),
 *  - the per-file accuracies are the published ones (the table of the data
 *    folder's README and docs/planbench.md),
 *  - shards merged in any order give the summary of a single run.
 * In sanitizer builds only every fourth instance is replayed (the shard
 * machinery picks them), so the run stays short. */
#include <string.h>
#include <sys/stat.h>

#include "benchmarks/planbench/planbench.h"
#include "core/json.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define PB_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PB_SANITIZED 1
#endif
#endif
#ifndef PB_SANITIZED
#define PB_SANITIZED 0
#endif

static const char *data = PLAN_SOURCE_DIR "/../shared/data/planbench";

/* The recorded accuracy of every results file (README of the data
 * folder, "Per-file recorded accuracy"). */
static const struct {
  const char *name;
  long n;
  long correct;
} published[] = {
    {"blocksworld/gpt-4_chat/task_1_plan_generation", 500, 157},
    {"blocksworld/gpt-4_chat/task_1_plan_generation_zero_shot", 500, 151},
    {"blocksworld/gpt-4_chat/task_1_plan_generation_pddl", 500, 47},
    {"blocksworld/gpt-4_chat/task_1_plan_generation_zero_shot_pddl", 500, 65},
    {"blocksworld_3/gpt-4_chat/task_1_plan_generation", 100, 49},
    {"blocksworld_3/gpt-4_chat/task_1_plan_generation_zero_shot", 100, 59},
    {"blocksworld_3/gpt-4_chat/task_1_plan_generation_pddl", 100, 28},
    {"blocksworld_3/gpt-4_chat/task_1_plan_generation_zero_shot_pddl", 100, 41},
    {"blocksworld_3/gpt-4_chat/task_1_plan_generation_state_tracking", 100, 55},
    {"mystery_blocksworld/gpt-4_chat/task_1_plan_generation", 500, 18},
    {"mystery_blocksworld/gpt-4_chat/task_1_plan_generation_zero_shot", 500, 0},
    {"mystery_blocksworld/gpt-4_chat/task_1_plan_generation_pddl", 500, 9},
    {"mystery_blocksworld/gpt-4_chat/task_1_plan_generation_zero_shot_pddl",
     500, 2},
    {"mystery_blocksworld_3/gpt-4_chat/task_1_plan_generation", 100, 8},
    {"mystery_blocksworld_3/gpt-4_chat/task_1_plan_generation_zero_shot", 100,
     0},
    {"mystery_blocksworld_3/gpt-4_chat/task_1_plan_generation_pddl", 100, 8},
    {"mystery_blocksworld_3/gpt-4_chat/"
     "task_1_plan_generation_zero_shot_pddl",
     100, 1},
    {"mystery_blocksworld_3/gpt-4_chat/task_1_plan_generation_state_tracking",
     100, 21},
    {"logistics/gpt-4_chat/task_1_plan_generation", 200, 28},
    {"logistics/gpt-4_chat/task_1_zero_shot_plan_generation", 200, 15},
    {"logistics/gpt-4_chat/task_1_plan_generation_pddl", 200, 28},
    {"logistics/gpt-4_chat/task_1_zero_shot_plan_generation_pddl", 200, 11},
    {"blocksworld/o1-preview_chat/task_1_plan_generation_zero_shot", 500, 487},
    {"blocksworld_3/o1-preview_chat/task_1_plan_generation_zero_shot", 100,
     100},
    {"mystery_blocksworld/o1-preview_chat/task_1_plan_generation", 500, 180},
    {"mystery_blocksworld/o1-preview_chat/task_1_plan_generation_zero_shot",
     500, 251},
    {"mystery_blocksworld_3/o1-preview_chat/task_1_plan_generation", 100, 67},
    {"mystery_blocksworld_3/o1-preview_chat/task_1_plan_generation_zero_shot",
     100, 66},
    {"logistics/o1-preview_chat/task_1_plan_generation_zero_shot_pddl", 200,
     188},
    {"blocksworld/gpt-3.5-turbo-instruct/task_1_plan_generation", 500, 30},
    {"blocksworld_3/gpt-3.5-turbo-instruct/task_1_plan_generation", 100, 24},
    {"mystery_blocksworld/gpt-3.5-turbo-instruct/task_1_plan_generation", 500,
     2},
    {"mystery_blocksworld_3/gpt-3.5-turbo-instruct/task_1_plan_generation", 100,
     2},
    {"logistics/gpt-3.5-turbo-instruct/task_1_plan_generation", 200, 6},
};

/* The 600-instance figures of the papers and the leaderboard (<cfg> plus
 * <cfg>_3). */
static const struct {
  const char *set;
  const char *model;
  const char *task;
  long correct;
} published_sets[] = {
    {"blocksworld", "gpt-4_chat", "task_1_plan_generation", 206},
    {"blocksworld", "gpt-4_chat", "task_1_plan_generation_zero_shot", 210},
    {"mystery_blocksworld", "gpt-4_chat", "task_1_plan_generation", 26},
    {"mystery_blocksworld", "gpt-4_chat", "task_1_plan_generation_zero_shot",
     0},
    {"blocksworld", "o1-preview_chat", "task_1_plan_generation_zero_shot", 587},
    {"mystery_blocksworld", "o1-preview_chat",
     "task_1_plan_generation_zero_shot", 317},
};

static bool have_data(void) {
  struct stat st;
  char probe[4096];
  snprintf(probe, sizeof probe, "%s/results", data);
  if (stat(probe, &st) != 0) {
    fprintf(stderr, "   (no PlanBench data at %s: skipped)\n", data);
    return false;
  }
  return true;
}

static json_t *load(const char *path) {
  char *t = NULL;
  size_t n = 0;
  plan_error err;
  ASSERT_OK(plan__read_file(path, 0, &t, &n, &err));
  json_t *v = plan__json_parse(t, n, path, &err);
  plan__free(t);
  ASSERT(v != NULL);
  return v;
}

/* Replays the given files (relative to DATA/results) with a shard. */
static json_t *replay(char **files, size_t n, unsigned k, unsigned of) {
  plan__pb_replay_options o;
  memset(&o, 0, sizeof o);
  o.data_dir = data;
  o.shard_k = k;
  o.shard_n = of;
  plan__pb_replay *r = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_OK(plan__pb_replay_create(&o, &r, &err));
  json_t *groups = json_array();
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/results/%s", data, files[i]);
    json_t *g = NULL;
    if (plan__pb_replay_file(r, path, &g, &err) != PLAN_OK) {
      fprintf(stderr, "replay failed: %s\n", err.text);
      ASSERT(0);
    }
    ASSERT(json_array_append_new(groups, g) == 0);
  }
  plan__pb_replay_free(r);
  return groups;
}

static const json_t *find_group(const json_t *summary, const char *name) {
  const json_t *gs = json_object_get(summary, "groups");
  for (size_t i = 0; i < json_array_size(gs); i++)
    if (!strcmp(plan__json_str(json_array_get(gs, i), "name"), name))
      return json_array_get(gs, i);
  return NULL;
}

static long num(const json_t *o, const char *k) {
  return (long)json_integer_value(json_object_get(o, k));
}

static void test_replay_all(void) {
  if (!have_data())
    return;
  char **files = NULL;
  size_t n = 0;
  plan_error err;
  ASSERT_OK(plan__pb_list_results(data, &files, &n, &err));
  ASSERT_EQ(n, PLAN_ARRAY_LEN(published));
  /* In sanitizer builds, every fourth instance of every file. */
  unsigned of = PB_SANITIZED ? 4 : 1;
  json_t *groups = replay(files, n, 1, of);
  json_t *explained =
      load(PLAN_SOURCE_DIR "/benchmarks/planbench/explained.json");
  plan__pb_apply_explained(groups, explained);
  json_t *summary = plan__pb_summary(groups);
  ASSERT(summary != NULL);

  /* Every disagreement is explained, and none is a verdict. */
  size_t explained_used = 0;
  for (size_t g = 0; g < json_array_size(groups); g++) {
    const json_t *grp = json_array_get(groups, g);
    const json_t *recs = json_object_get(grp, "instances");
    for (size_t i = 0; i < json_array_size(recs); i++) {
      const json_t *rec = json_array_get(recs, i);
      bool vd = json_is_false(json_object_get(rec, "verdict_agrees"));
      bool ed = json_is_false(json_object_get(rec, "extraction_agrees"));
      bool ex = json_is_string(json_object_get(rec, "explained"));
      if ((vd || ed) && !ex) {
        char *s = json_dumps(rec, JSON_INDENT(1) | JSON_SORT_KEYS);
        fprintf(stderr, "unexplained disagreement in %s:\n%s\n",
                plan__json_str(grp, "name"), s);
        free(s);
      }
      ASSERT(!vd);
      ASSERT(!ed || ex);
      explained_used += ex;
      /* The simulator on the recorded plan reproduces the recorded flag
       * (VAL's verdict) on every plan. */
      const json_t *check = json_object_get(rec, "recorded_plan_check");
      const json_t *flag = json_object_get(rec, "recorded_correct");
      if (check && json_is_boolean(flag))
        ASSERT(json_equal(json_object_get(check, "correct"), flag));
    }
  }
  ASSERT_EQ(num(summary, "verdict_disagreements"), 0);
  ASSERT_EQ(num(summary, "unexplained_disagreements"), 0);
  if (!PB_SANITIZED) {
    /* Each listed explanation still matches a disagreement. */
    ASSERT_EQ(explained_used,
              json_array_size(json_object_get(explained, "explained")));
    ASSERT_EQ(num(summary, "extraction_disagreements"), (long)explained_used);
    ASSERT_EQ(num(summary, "instances"), 9200);
    ASSERT_EQ(num(summary, "extraction_compared"), 9191);
    /* The published per-file accuracies, ours and recorded. */
    for (size_t i = 0; i < PLAN_ARRAY_LEN(published); i++) {
      const json_t *g = find_group(summary, published[i].name);
      if (!g)
        fprintf(stderr, "missing group %s\n", published[i].name);
      ASSERT(g != NULL);
      ASSERT_EQ(num(g, "instances"), published[i].n);
      ASSERT_EQ(num(g, "correct"), published[i].correct);
      ASSERT_EQ(num(g, "recorded_correct"), published[i].correct);
    }
    const json_t *sets = json_object_get(summary, "sets");
    for (size_t i = 0; i < PLAN_ARRAY_LEN(published_sets); i++) {
      bool found = false;
      for (size_t s = 0; s < json_array_size(sets); s++) {
        const json_t *x = json_array_get(sets, s);
        if (strcmp(plan__json_str(x, "set"), published_sets[i].set) ||
            strcmp(plan__json_str(x, "model"), published_sets[i].model) ||
            strcmp(plan__json_str(x, "task"), published_sets[i].task))
          continue;
        found = true;
        ASSERT_EQ(num(x, "instances"), 600);
        ASSERT_EQ(num(x, "correct"), published_sets[i].correct);
      }
      ASSERT(found);
    }
  }
  fprintf(stderr,
          "   %ld instances, %ld correct, %ld verdict and %ld "
          "extraction disagreements (%zu explained)\n",
          num(summary, "instances"), num(summary, "correct"),
          num(summary, "verdict_disagreements"),
          num(summary, "extraction_disagreements"), explained_used);
  json_decref(summary);
  json_decref(explained);
  json_decref(groups);
  for (size_t i = 0; i < n; i++)
    plan__free(files[i]);
  plan__free(files);
}

/* Shards of a few files, merged in a scrambled order, give exactly the
 * summary of one run; overlapping and missing shards are errors. */
static void test_shards_merge(void) {
  if (!have_data())
    return;
  char *files[] = {
      "blocksworld_3/gpt-4_chat/task_1_plan_generation.json",
      "logistics/gpt-3.5-turbo-instruct/task_1_plan_generation.json",
      "mystery_blocksworld_3/o1-preview_chat/task_1_plan_generation.json"};
  size_t nf = PLAN_ARRAY_LEN(files);
  json_t *whole = replay(files, nf, 1, 1);
  json_t *sum_whole = plan__pb_summary(whole);
  enum { N = 4 };
  json_t *docs[N];
  const char *names[N] = {"part1", "part2", "part3", "part4"};
  for (unsigned k = 1; k <= N; k++) {
    json_t *g = replay(files, nf, k, N);
    /* Scramble: part k goes to slot (k * 3) % N. */
    docs[(k * 3) % N] = plan__pb_details_new(g);
    json_decref(g);
  }
  json_t *merged = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_OK(plan__pb_merge(docs, names, N, &merged, &err));
  json_t *sum_merged = plan__pb_summary(merged);
  plan__buf a;
  plan__buf b;
  plan__buf_init(&a, 0);
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__json_canonical(sum_whole, &a));
  ASSERT_OK(plan__json_canonical(sum_merged, &b));
  ASSERT_STR_EQ(a.data, b.data);
  /* The merged records equal the single run's, instance by instance. */
  for (size_t g = 0; g < nf; g++) {
    const json_t *w = json_object_get(json_array_get(whole, g), "instances");
    bool found = false;
    for (size_t m = 0; m < json_array_size(merged); m++) {
      const json_t *mg = json_array_get(merged, m);
      if (strcmp(plan__json_str(mg, "name"),
                 plan__json_str(json_array_get(whole, g), "name")))
        continue;
      found = true;
      ASSERT(json_equal(w, json_object_get(mg, "instances")));
    }
    ASSERT(found);
  }
  json_t *dup[N + 1];
  for (size_t i = 0; i < N; i++)
    dup[i] = docs[i];
  dup[N] = docs[0];
  const char *dup_names[N + 1] = {"p1", "p2", "p3", "p4", "p1again"};
  json_t *bad = NULL;
  ASSERT_STATUS(plan__pb_merge(dup, dup_names, N + 1, &bad, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "more than one part");
  ASSERT_STATUS(plan__pb_merge(docs, names, N - 1, &bad, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "a shard is missing");
  json_t *junk = json_pack("{s:s}", "format", "other");
  ASSERT_STATUS(plan__pb_merge(&junk, names, 1, &bad, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "not a details file");
  json_decref(junk);
  plan__buf_free(&a);
  plan__buf_free(&b);
  json_decref(sum_whole);
  json_decref(sum_merged);
  json_decref(merged);
  json_decref(whole);
  for (size_t i = 0; i < N; i++)
    json_decref(docs[i]);
}

/* A results file of another model in the same format works unchanged:
 * the model comes from the path, or from "engine" when the path says
 * nothing; a file outside the layout needs its config from "domain". */
static void test_other_layouts(void) {
  if (!have_data())
    return;
  char src[4096];
  snprintf(src, sizeof src,
           "%s/results/mystery_blocksworld_3/gpt-4_chat/"
           "task_1_plan_generation.json",
           data);
  json_t *doc = load(src);
  json_object_set_new(doc, "engine", json_string("my-new-model"));
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s/pb_layout_test.json", PLAN_BINARY_DIR);
  ASSERT(json_dump_file(doc, tmp, JSON_COMPACT) == 0);
  json_decref(doc);
  plan__pb_replay_options o;
  memset(&o, 0, sizeof o);
  o.data_dir = data;
  plan__pb_replay *r = NULL;
  plan_error err;
  ASSERT_OK(plan__pb_replay_create(&o, &r, &err));
  json_t *g = NULL;
  ASSERT_OK(plan__pb_replay_file(r, tmp, &g, &err));
  ASSERT_STR_EQ(plan__json_str(g, "config"), "mystery_blocksworld_3");
  ASSERT_STR_EQ(plan__json_str(g, "model"), "my-new-model");
  json_t *groups = json_pack("[o]", g);
  json_t *s = plan__pb_summary(groups);
  ASSERT_EQ(num(s, "correct"), 8);
  ASSERT_EQ(num(s, "verdict_disagreements"), 0);
  json_decref(s);
  json_decref(groups);
  /* No config can be told: a clear error. */
  doc = json_pack("{s:[]}", "instances");
  ASSERT(json_dump_file(doc, tmp, JSON_COMPACT) == 0);
  json_decref(doc);
  ASSERT_STATUS(plan__pb_replay_file(r, tmp, &g, &err), PLAN_ENOTFOUND);
  ASSERT_CONTAINS(err.text, "--config");
  doc = json_pack("{s:s}", "task", "x");
  ASSERT(json_dump_file(doc, tmp, JSON_COMPACT) == 0);
  json_decref(doc);
  ASSERT_STATUS(plan__pb_replay_file(r, tmp, &g, &err), PLAN_EPARSE);
  ASSERT_CONTAINS(err.text, "no \"instances\" array");
  plan__pb_replay_free(r);
  remove(tmp);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_replay_all);
  RUN(test_shards_merge);
  RUN(test_other_layouts);
  TEST_END();
}
