/* benchmarks/planbench/planbench.h: the PlanBench text layer and the replay
 * harness behind `plan eval planbench` and `plan eval merge`.
 *
 * PlanBench (Valmeekam et al.) poses Blocksworld, Mystery Blocksworld and
 * Logistics problems to an LLM in natural language or PDDL, extracts a PDDL
 * plan from the answer and checks it with VAL. This module reproduces that
 * pipeline offline on recorded results files: it reads the domain configs
 * (configs/<cfg>.yaml, through yaml.h), turns states and goals into the
 * prompt text of each config (prompt.c), extracts plans from answers the
 * way the upstream code does (extract.c), reads plan text with VAL's
 * syntax (valplan.c) and validates it with the exact PDDL world model
 * (worldmodel/pddl). replay.c runs a results file, shards it, writes and
 * merges partial results and computes the summary.
 *
 * Internal to the library and the CLI; nothing here is installed. Every
 * returned non-const pointer is owned by the caller and freed with the
 * matching _free function (or plan__free for plain strings).
 */
#ifndef PLAN_BENCHMARKS_PLANBENCH_H
#define PLAN_BENCHMARKS_PLANBENCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "worldmodel/pddl/pddl.h"

/* ======================================================================
 * Configs (config.c)
 * ====================================================================== */

/* One entry of a YAML mapping of strings, in file order. */
typedef struct plan__pb_pair {
  char *key;
  char *value;
} plan__pb_pair;

/* Which upstream translation functions a config selects. PlanBench picks
 * them by substring of domain_name: "logistics" or "blocksworld" (which
 * includes mystery_blocksworld). */
typedef enum plan__pb_family {
  PLAN__PB_FAMILY_OTHER = 0,
  PLAN__PB_FAMILY_BLOCKS,
  PLAN__PB_FAMILY_LOGISTICS
} plan__pb_family;

/* A PlanBench domain config. Optional strings are NULL when absent; the
 * pair lists are empty when their key is absent. */
typedef struct plan__pb_config {
  char *name;               /* the file stem: "blocksworld_3" */
  char *domain_name;        /* domain_name: selects the translation code */
  char *instance_dir;       /* relative to DATA/instances */
  char *domain_file;        /* relative to DATA/instances */
  char *instances_template; /* "instance-{}.pddl" */
  int64_t start;
  int64_t end;
  char *domain_intro;
  char *domain_intro_zero_shot;
  plan__pb_pair *actions; /* PDDL action -> NL template, file order */
  size_t n_actions;
  plan__pb_pair *predicates; /* predicate -> NL template */
  size_t n_predicates;
  plan__pb_pair *objects; /* encoded_objects: "a" -> "red block" */
  size_t n_objects;
  plan__pb_pair *objects_compact; /* encoded_objects_compact: "a" -> "red" */
  size_t n_objects_compact;
  plan__pb_family family;
} plan__pb_config;

/* Builds a config from a parsed YAML document (borrowed). name is the
 * config's name. Errors: PLAN_EPARSE naming the field ("cfg: domain_file:
 * expected a string"), PLAN_ENOMEM. Free with plan__pb_config_free. */
plan_status plan__pb_config_from_json(const json_t *doc, const char *name,
                                      plan__pb_config **out, plan_error *err);
/* Reads DATA/configs/<name>.yaml. Errors: PLAN_EIO, PLAN_EPARSE (with
 * file:line:column for YAML syntax), PLAN_ENOMEM. */
plan_status plan__pb_config_load(const char *data_dir, const char *name,
                                 plan__pb_config **out, plan_error *err);
/* Reads a config from any path; the file's stem ("cliffs" for
 * .../cliffs.yaml) names it. Errors as plan__pb_config_load; messages
 * of the document's fields start with the path. */
plan_status plan__pb_config_load_file(const char *path, plan__pb_config **out,
                                      plan_error *err);
void plan__pb_config_free(plan__pb_config *cfg);
/* The value stored under key, or NULL. */
const char *plan__pb_pairs_get(const plan__pb_pair *pairs, size_t n,
                               const char *key);
/* The number of "{}" slots of an action template, or -1 if the action is
 * not in the config. */
int plan__pb_action_arity(const plan__pb_config *cfg, const char *action);
/* New strings: DATA/instances/<domain_file> and
 * DATA/instances/<instance_dir>/<template with id>. NULL on ENOMEM. */
char *plan__pb_domain_path(const char *data_dir, const plan__pb_config *cfg);
char *plan__pb_instance_path(const char *data_dir, const plan__pb_config *cfg,
                             int64_t id);

/* ======================================================================
 * Plans as lists of lines
 * ====================================================================== */

typedef struct plan__pb_plan {
  char **steps;
  size_t n;
  size_t cap;
} plan__pb_plan;

/* Appends a copy of s[0..n). */
plan_status plan__pb_plan_push(plan__pb_plan *p, const char *s, size_t n);
/* Frees the steps and zeroes *p. */
void plan__pb_plan_free(plan__pb_plan *p);
/* Whether a and b hold the same lines. */
bool plan__pb_plan_equal(const plan__pb_plan *a, const plan__pb_plan *b);
/* Reads a recorded plan: a newline-separated string or an array of
 * strings (borrowed). Lines are trimmed; empty lines are dropped. A JSON
 * null or absent value gives an empty plan. PLAN_EINVAL for other types. */
plan_status plan__pb_plan_from_json(const json_t *v, plan__pb_plan *out);
/* Appends the lines joined with '\n' to b. */
plan_status plan__pb_plan_join(const plan__pb_plan *p, plan__buf *b);

/* ======================================================================
 * Text -> plan (extract.c)
 * ====================================================================== */

/* The upstream extraction procedures. PlanBench's code changed between the
 * recorded runs; each value reproduces one version (docs/planbench.md
 * lists which files each reproduces).
 *  NL      text_to_plan: rule-based, per family (Blocksworld colours and
 *          Mystery objects via the config's templates; Logistics objects
 *          like package_0 -> p0, truck or airplane from the objects).
 *  NL_COT  the same on the "Action:" lines only (state-tracking prompts).
 *  PDDL    save_gpt3_response (2024): lines starting with '(' lowercased.
 *  PDDL_V1 save_gpt3_response (2023): the text between the first '(' and
 *          ')' of each line if it starts with a domain action; stops at
 *          "[PLAN END]".
 *  LLM     text_to_plan_with_llm (2024-25): the post-processing applied to
 *          the recorded GPT-4o translation (raw_translation).
 *  LLM_V1  an earlier version of it that keeps only lines starting with
 *          '(' before the per-domain processing. */
typedef enum plan__pb_extractor {
  PLAN__PB_X_AUTO = 0,
  PLAN__PB_X_NL,
  PLAN__PB_X_NL_COT,
  PLAN__PB_X_PDDL,
  PLAN__PB_X_PDDL_V1,
  PLAN__PB_X_LLM,
  PLAN__PB_X_LLM_V1
} plan__pb_extractor;

/* "auto", "nl", "nl-cot", "pddl", "pddl-v1", "llm", "llm-v1". */
const char *plan__pb_extractor_name(plan__pb_extractor x);
/* Parses a name above; false if unknown. */
bool plan__pb_extractor_parse(const char *name, plan__pb_extractor *out);
/* Whether x reads the recorded translation (raw_translation) rather than
 * the raw answer. */
bool plan__pb_extractor_uses_translation(plan__pb_extractor x);

/* Extracts a plan from text with procedure x (not AUTO) and the config's
 * templates. Appends the plan's lines (as the upstream code writes them to
 * VAL's plan file) to *out, which must be empty or zeroed. *failed is set
 * when the upstream code raises an exception on this text (Logistics: a
 * numbered line without an object, a vehicle that is neither airplane nor
 * truck): PlanBench then scores the answer incorrect and records no plan,
 * and *out stays empty. Errors: PLAN_EINVAL (x is AUTO or the config lacks
 * what x needs, e.g. no actions), PLAN_ENOMEM. */
plan_status plan__pb_extract(const plan__pb_config *cfg, plan__pb_extractor x,
                             const char *text, plan__pb_plan *out,
                             bool *failed);

/* ======================================================================
 * VAL's plan syntax (valplan.c)
 * ====================================================================== */

/* Reads plan text the way VAL's plan parser does: steps are
 * "[T:] (name arg...) [[D]]", ';' starts a comment, names are
 * [A-Za-z][A-Za-z0-9_-]*, the operator characters * + / < > = ? - # . are
 * syntax errors, and characters VAL's lexer has no rule for (',', '\\',
 * '{', non-ASCII, ...) are skipped. On success appends one normalised step
 * "(name arg ...)" (lowercase) per action to *steps and sets *ok. A syntax
 * error ("Bad plan description!" in VAL, which then rejects the whole
 * plan) clears *ok and stores the 1-based line in *bad_line. Only
 * PLAN_ENOMEM is an error. */
plan_status plan__pb_val_read(const char *text, size_t len,
                              plan__pb_plan *steps, bool *ok, size_t *bad_line);

/* ======================================================================
 * State and goal -> text, prompts (prompt.c)
 * ====================================================================== */

/* The NL name of an object ("a" -> "red block", Logistics "l0-1" ->
 * "location_0_1"), appended to b. PLAN_ENOTFOUND if the config has no
 * encoding for it. */
plan_status plan__pb_object_text(const plan__pb_config *cfg, const char *obj,
                                 plan__buf *b);
/* The NL text of atoms (fact ids of task) the way PlanBench writes
 * initial states and goals: sorted by "predicate args", rendered with the
 * predicate templates, empty renderings dropped, joined as "x, y and z".
 * PLAN_ENOTFOUND for an unknown predicate or object, PLAN_EINVAL if a
 * template has fewer slots than it needs arguments filled or nothing is
 * left to write. */
plan_status plan__pb_atoms_text(const plan__pb_config *cfg,
                                const plan__pddl_task *task,
                                const uint32_t *facts, size_t n, bool dedup,
                                plan__buf *b);
/* The NL text of one action "(unstack d a)" with the action templates
 * ("unstack the yellow block from on top of the red block"). */
plan_status plan__pb_action_text(const plan__pb_config *cfg, const char *action,
                                 plan__buf *b);

typedef enum plan__pb_prompt_kind {
  PLAN__PB_PROMPT_ONESHOT = 0,  /* domain_intro, solved example, query */
  PLAN__PB_PROMPT_ZEROSHOT,     /* domain_intro(_zero_shot), query,
                                   "What is the plan ..." */
  PLAN__PB_PROMPT_PDDL_ONESHOT, /* [DOMAIN], [PROBLEM] + [PLAN], [QUERY
                                   PROBLEM] */
  PLAN__PB_PROMPT_PDDL_ZEROSHOT /* the 2024 zero-shot PDDL instruction */
} plan__pb_prompt_kind;

/* What a prompt is built from. Everything is borrowed. The example fields
 * are needed for the one-shot kinds only; the PDDL texts for the PDDL kinds
 * only (as read from the files, unmodified). */
typedef struct plan__pb_prompt_input {
  plan__pb_prompt_kind kind;
  const plan__pb_config *cfg;
  const plan__pddl_task *task; /* the query instance */
  const plan__pddl_task *example_task;
  const plan__pb_plan *example_plan; /* "(unstack d a)" lines */
  const char *domain_pddl;
  const char *problem_pddl;
  const char *example_problem_pddl;
  /* The shape of the 2023 GPT-4 runs (task "t1" files): a final '\n'
   * after the prompt, and for zero-shot PDDL the older instruction with the
   * problem file as is. Their domain_intro texts also came from an older
   * config revision; docs/planbench.md lists those differences. */
  bool legacy_2023;
} plan__pb_prompt_input;

/* Builds the prompt PlanBench sends for in (its prompt_generation.py as of
 * 2024-25, or 2023 with legacy_2023) and appends it to b. The one-shot PDDL
 * prompt shows example_plan's lines as given (FD's plan file adds a
 * "; cost = N (unit cost)" line in the 2024 code; pass it to get that
 * form). Errors: PLAN_EINVAL (a missing input, no
 * domain_intro), PLAN_ENOTFOUND (an object or predicate the config cannot
 * render), PLAN_ENOMEM. */
plan_status plan__pb_prompt(const plan__pb_prompt_input *in, plan__buf *b);

/* ======================================================================
 * Replay (replay.c)
 * ====================================================================== */

/* Options of a replay. Zero values are the defaults. */
typedef struct plan__pb_replay_options {
  const char *data_dir;         /* required: the PlanBench data folder */
  const char *config;           /* force the config (NULL: from the path) */
  const char *model;            /* force the model name (NULL: path/engine) */
  plan__pb_extractor extractor; /* AUTO: chosen per file */
  unsigned shard_k;             /* 1-based shard; 0: the whole file */
  unsigned shard_n;
  /* Live runs. With a scheduler (borrowed; it must outlive the replay)
   * the answers are not read from the file: each instance's "query" is
   * sent to the model (after the system message, NULL: PlanBench's
   * "You are the planner assistant who comes up with correct plans.") and
   * the reply is extracted and validated. Nothing is compared with the
   * recorded results; records carry the reply as "llm_raw_response". */
  plan_scheduler *scheduler;
  const char *llm_model; /* NULL: the backend's default */
  const char *system;
  double temperature;  /* sent as is; PlanBench used 0 */
  unsigned max_tokens; /* 0: the backend's default */
} plan__pb_replay_options;

typedef struct plan__pb_replay plan__pb_replay;

/* A replay context: caches configs, parsed domains and grounded tasks
 * across results files. Free with plan__pb_replay_free. */
plan_status plan__pb_replay_create(const plan__pb_replay_options *opts,
                                   plan__pb_replay **out, plan_error *err);
void plan__pb_replay_free(plan__pb_replay *r);

/* Replays one results file (or, live, runs its prompts) and returns its
 * group as a new JSON object:
 * the header (name, config, model, task, prompt_type, extractor, the
 * extractor agreement counts, total, shard, hash of the file) and
 * "instances", one record per processed instance in index order:
 *   {"index", "instance_id", "correct", "recorded_correct" (bool|null),
 *    "verdict" ("valid", "precondition", "unknown_action", "goal_unmet",
 *    "syntax", "extract_error"), "failed_step" (int|null), "message",
 *    "plan" [lines], "recorded_plan" [lines]|null,
 *    "extraction_agrees" (bool|null), "verdict_agrees" (bool|null)}.
 * A live run adds "llm_raw_response" (null when the request failed, with
 * "llm_error" then; such an answer counts as incorrect).
 * Errors (with err naming the file and the entry): PLAN_EIO, PLAN_EPARSE
 * (not a results file, no instance_id, live: no query), PLAN_ENOTFOUND
 * (no config can be inferred, a missing instance file), PLAN_EBACKEND
 * (live: the scheduler refused the batch), PLAN_ENOMEM. */
plan_status plan__pb_replay_file(plan__pb_replay *r, const char *path,
                                 json_t **out, plan_error *err);

/* Lists DATA/results/<cfg>/<model>/<task>.json as sorted new strings
 * "<cfg>/<model>/<task>.json" in *out (free each and the array with
 * plan__free). PLAN_EIO if DATA/results cannot be read. */
plan_status plan__pb_list_results(const char *data_dir, char ***out,
                                  size_t *n_out, plan_error *err);

/* The details/partial file: {"format":"plan-eval-planbench","version":1,
 * "groups":[...]} with groups (borrowed) as plan__pb_replay_file returns
 * them. Returns a new reference. */
json_t *plan__pb_details_new(json_t *groups);

/* Joins the groups of several details files (borrowed docs) into complete
 * groups: records of the same results file (same hash, config, model,
 * task, extractor) are combined and sorted by index. Errors (PLAN_EINVAL
 * with a message naming the file): not a details file, a duplicated
 * instance (overlapping shards), missing instances (a shard was not run),
 * parts that disagree on their header. Returns a new array. */
plan_status plan__pb_merge(json_t *const *docs, const char *const *names,
                           size_t n, json_t **out_groups, plan_error *err);

/* Marks the records listed in explained (borrowed; the parsed
 * benchmarks/planbench/explained.json) with "explained": reason. */
void plan__pb_apply_explained(json_t *groups, const json_t *explained);

/* The summary of groups (borrowed): a new object with the totals
 * (instances, correct, recorded_correct, accuracy, recorded_accuracy,
 * verdict_disagreements, extraction_compared, extraction_disagreements,
 * unexplained_disagreements, domain, model) and "groups": one summary per
 * group, sorted by name. The numbers depend only on the set of records,
 * so a merge of shards gives the same summary as one run. */
json_t *plan__pb_summary(const json_t *groups);

/* Appends the summary as a human-readable table to b. */
plan_status plan__pb_summary_render(const json_t *summary, plan__buf *b);

#endif /* PLAN_BENCHMARKS_PLANBENCH_H */
