/* planner/components/components.h: the components the search core plugs
 * in (planner/planner.h): proposers, world models, goal tests and
 * evaluators, LLM-backed and exact, plus the prompt templates they render
 * and a factory that builds a set of them from a mode.
 *
 * Two kinds of domain. A *pddl* domain is a grounded PDDL task
 * (worldmodel/pddl) with an optional PlanBench config
 * (benchmarks/planbench) that gives the natural-language text of states,
 * goals and actions; node states are that text plus the exact bitset. A
 * *text* domain is a free-form task (description, initial state, goal,
 * optional action vocabulary); node states are text only.
 *
 * LLM components send one scheduler batch per call (every node's requests
 * together) and report each response with plan__search_trace_llm. Exact
 * components fill the same setters directly. docs/prompts.md documents
 * the templates, the placeholders and the answer formats.
 *
 * Internal; not installed. Everything a constructor receives is borrowed
 * for the call unless its comment says it is retained.
 */
#ifndef PLAN_PLANNER_COMPONENTS_H
#define PLAN_PLANNER_COMPONENTS_H

#include "benchmarks/planbench/planbench.h"
#include "planner/planner.h"
#include "worldmodel/pddl/pddl.h"

/* ======================================================================
 * Templates (template.c)
 * ====================================================================== */

typedef enum plan__prompt_family {
  PLAN__FAMILY_PDDL = 0,
  PLAN__FAMILY_TEXT,
  PLAN__FAMILY_COUNT
} plan__prompt_family;

typedef enum plan__prompt_role {
  PLAN__ROLE_SYSTEM = 0,
  PLAN__ROLE_PROPOSE,
  PLAN__ROLE_PROPOSE_LIST,
  PLAN__ROLE_VALUE,
  PLAN__ROLE_VALUE_FIRST, /* the value template for logprob mode */
  PLAN__ROLE_WORLD,
  PLAN__ROLE_JUDGE,
  PLAN__ROLE_COUNT
} plan__prompt_role;

/* The file name of a template: "pddl-value.txt". Static. */
const char *plan__prompt_file(plan__prompt_family f, plan__prompt_role r);

/* The values a template may use; NULL renders as "". */
typedef struct plan__prompt_vars {
  const char *domain;
  const char *state;
  const char *goal;
  const char *actions;
  const char *history;
  const char *action;
  unsigned k;
} plan__prompt_vars;

/* Checks a template: every "{{" opens a known placeholder closed by "}}".
 * source names the template in messages ("prompts/pddl-value.txt").
 * Errors: PLAN_EPARSE "SOURCE:LINE: unknown placeholder {{x}}" or
 * "SOURCE:LINE: unclosed {{". */
plan_status plan__template_check(const char *text, const char *source,
                                 plan_error *err);
/* Whether text uses the placeholder name ("state"). */
bool plan__template_uses(const char *text, const char *name);
/* Appends text with its placeholders filled to b. Errors as for check,
 * plus PLAN_ENOMEM. */
plan_status plan__template_render(const char *text, const char *source,
                                  const plan__prompt_vars *v, plan__buf *b,
                                  plan_error *err);

/* A full set of templates: the built-in defaults, each possibly replaced
 * by a file of the same name in a user folder. */
typedef struct plan__prompts plan__prompts;

/* Loads the set. dir (may be NULL) is a folder whose files override the
 * defaults by name (see docs/prompts.md); files that do not name a
 * template are ignored. Every template is checked (syntax, and the
 * placeholders its role needs). Errors: PLAN_EIO (an override cannot be
 * read), PLAN_EPARSE / PLAN_EINVAL naming the file and the placeholder,
 * PLAN_ENOMEM. Free with plan__prompts_free. */
plan_status plan__prompts_load(const char *dir, plan__prompts **out,
                               plan_error *err);
void plan__prompts_free(plan__prompts *p);
/* The template text (borrowed from p) and where it came from: the
 * override's path or "builtin:pddl-value.txt". */
const char *plan__prompts_text(const plan__prompts *p, plan__prompt_family f,
                               plan__prompt_role r);
const char *plan__prompts_source(const plan__prompts *p, plan__prompt_family f,
                                 plan__prompt_role r);

/* The compiled-in copies of data/prompts/ (prompts_builtin.c): the text of
 * file name, or NULL. */
const char *plan__prompt_builtin(const char *file);

/* ======================================================================
 * PDDL states as PlanBench text (pddl_text.c)
 * ====================================================================== */

/* Appends the NL text of the true facts of state (static facts included),
 * without a final period: "the red block is clear, ... and the hand is
 * empty". Without a config, the facts in PDDL syntax joined the same way:
 * "(clear a), (handempty) and (ontable a)". Errors: PLAN_ENOTFOUND (an
 * object the config cannot render), PLAN_ENOMEM. */
plan_status plan__pddl_text_state(const plan__pb_config *cfg,
                                  const plan__pddl_task *task,
                                  const uint64_t *state, plan__buf *b);
/* The same for the positive goal literals. */
plan_status plan__pddl_text_goal(const plan__pb_config *cfg,
                                 const plan__pddl_task *task, plan__buf *b);
/* Appends the NL text of the ground action name "(unstack a b)"; without
 * a config the name itself. */
plan_status plan__pddl_text_action(const plan__pb_config *cfg,
                                   const char *action, plan__buf *b);

/* Parses NL conditions ("the red block is clear, the hand is empty and the
 * red block is on the table", optionally prefixed by "... I have that,"
 * and ended by a period) back to PDDL atoms "(clear a)" with cfg's
 * predicate templates and object names, case-insensitively. Needs no
 * grounded task, so a program that only has the config (the mockllm oracle)
 * can use it. Without a config the conditions are PDDL atoms. Appends
 * one atom per recognised clause to *atoms and every clause that names no
 * atom (trimmed) to *unknown (may be NULL). Only PLAN_ENOMEM is an
 * error. */
plan_status plan__pddl_text_parse_atoms(const plan__pb_config *cfg,
                                        const char *text, size_t len,
                                        plan__pb_plan *atoms,
                                        plan__pb_plan *unknown);
/* Parses NL conditions into a state of task (task->n_words words in out,
 * zeroed first). *n_unknown counts clauses that name no atom and atoms
 * that are not facts of the task. Only PLAN_ENOMEM is an error. */
plan_status plan__pddl_text_parse_state(const plan__pb_config *cfg,
                                        const plan__pddl_task *task,
                                        const char *text, size_t len,
                                        uint64_t *out, size_t *n_unknown);
/* Builds and grounds a task from a state and a goal in NL (as our
 * prompts write them: "As initial conditions I have that, ..." and "My goal
 * is to have that ...", or bare conditions) against dom (borrowed for the
 * call): the objects are the ones the atoms name, :init is the state, so
 * (*out)->init is the state's bitset. For Logistics the type facts, which
 * PlanBench renders as nothing, are added from the object names (p: obj,
 * t: truck, a: airplane, l: location, c: city). This is how a program that
 * sees only a prompt (the mockllm oracle) gets an exact simulator for it.
 * Errors: PLAN_EPARSE naming the first clause that names no atom, or the
 * problem the atoms make (an unknown predicate, wrong arity), PLAN_ENOMEM.
 * Free with plan__pddl_task_free. */
plan_status plan__pddl_text_task(const plan__pb_config *cfg,
                                 const plan__pddl_domain *dom,
                                 const char *state_text, const char *goal_text,
                                 plan__pddl_task **out, plan_error *err);
/* The id of the ground action named (in PDDL syntax, any case and
 * spacing) by name, or -1. Unlike plan__pddl_action_lookup it never
 * allocates, so -1 always means "no such action". */
long plan__pddl_text_action_id(const plan__pddl_task *task, const char *name);
/* The ground action a proposal names: PDDL syntax "(unstack a b)" or the
 * config's NL ("unstack the red block from on top of the blue block", as
 * PlanBench's extractor reads it; for a config outside the PlanBench
 * families, the whole text matched against the action templates). Returns
 * the action id, -1 when the text names no single ground action, -2 on
 * ENOMEM. */
long plan__pddl_text_to_action(const plan__pb_config *cfg,
                               const plan__pddl_task *task, const char *text,
                               size_t len);

/* ======================================================================
 * Domains
 * ====================================================================== */

typedef struct plan__domain plan__domain;

/* A pddl domain over task (and cfg, may be NULL); both are retained (they
 * must outlive the domain). prompts (retained) is the template set.
 * Free with plan__domain_free. Errors: PLAN_EINVAL (NULL task or prompts),
 * PLAN_ENOTFOUND (the config cannot render the goal), PLAN_ENOMEM. */
plan_status plan__domain_pddl_create(const plan__pddl_task *task,
                                     const plan__pb_config *cfg,
                                     const plan__prompts *prompts,
                                     plan__domain **out, plan_error *err);
/* A text domain; the strings are copied. description and vocab may be
 * NULL/empty; init and goal are required. */
plan_status plan__domain_text_create(const char *description, const char *init,
                                     const char *goal, const char *const *vocab,
                                     size_t n_vocab,
                                     const plan__prompts *prompts,
                                     plan__domain **out, plan_error *err);
void plan__domain_free(plan__domain *d);
bool plan__domain_is_pddl(const plan__domain *d);
const plan__pddl_task *plan__domain_task(const plan__domain *d);

/* Sets the root of s to the domain's initial state (text, bitset, hash). */
plan_status plan__domain_set_root(const plan__domain *d, plan__search *s);

/* A state read from an observation (the agent loop, real-environment
 * world models): pddl: the facts parsed from the config's NL (or PDDL
 * atoms), with the canonical text and bitset; text: the trimmed text. */
typedef struct plan__domain_state {
  char *text;
  size_t len;
  uint64_t *exact; /* pddl: task->n_words words; NULL for text */
  uint64_t hash;
} plan__domain_state;

/* Reads text into *out (free with plan__domain_state_free). Errors:
 * PLAN_EPARSE (pddl: a clause that names no fact of the task; text: empty),
 * PLAN_ENOMEM. */
plan_status plan__domain_state_from_text(const plan__domain *d,
                                         const char *text, size_t len,
                                         plan__domain_state *out);
void plan__domain_state_free(plan__domain_state *st);
/* Sets the root of s / the state of child id (simulate phase) to st. */
plan_status plan__domain_set_root_state(const plan__domain *d, plan__search *s,
                                        const plan__domain_state *st);
plan_status plan__domain_set_node_state(const plan__domain *d, plan__search *s,
                                        plan__node_id id,
                                        const plan__domain_state *st);
/* The actions committed before the root of the next searches (the agent
 * loop's real history): they open the {{history}} of every prompt, so a
 * model sees what was done. push copies action; clear empties the list. */
plan_status plan__domain_push_prefix(plan__domain *d, const char *action);
void plan__domain_clear_prefix(plan__domain *d);
/* pddl: bytes of a state bitset; 0 for text domains. */
size_t plan__domain_state_bytes(const plan__domain *d);

/* The hash of a text state: whitespace runs collapse to one space, case
 * and surrounding white space are ignored. */
uint64_t plan__text_state_hash(const char *text, size_t len);

/* ======================================================================
 * LLM call settings shared by the LLM components
 * ====================================================================== */

typedef struct plan__llm_call {
  const char *model;  /* copied; NULL: the backend's default */
  double temperature; /* default 1.0 (0 is allowed: set has_temperature) */
  bool has_temperature;
  unsigned max_tokens; /* 0: the backend's default */
  bool has_seed;
  int64_t seed;
  /* Ask for n samples as n single-choice requests with sample indices
   * 0..n-1 instead of one request with n choices. */
  bool split_samples;
} plan__llm_call;

/* ======================================================================
 * Proposers (propose.c)
 * ====================================================================== */

typedef enum plan__propose_method {
  PLAN__PROPOSE_SAMPLE = 0, /* n sampled next actions, counted, top k */
  PLAN__PROPOSE_LIST        /* one "list the options" call */
} plan__propose_method;

typedef struct plan__llm_proposer_options {
  plan__propose_method method;
  unsigned k;       /* children kept per node; default 5 */
  unsigned samples; /* SAMPLE: samples per node; default 2k */
  /* pddl: drop proposals that are not applicable in the node's exact
   * state (hybrid mode). Needs node->exact. */
  bool filter_applicable;
  plan__llm_call call;
} plan__llm_proposer_options;

typedef struct plan__proposer_stats {
  uint64_t requests;     /* LLM requests sent */
  uint64_t samples;      /* answers received (choices, list items) */
  uint64_t failed;       /* requests that got no reply (error, budget) */
  uint64_t truncated;    /* cut answers (never parsed) */
  uint64_t unknown;      /* answers naming no (single, known) action */
  uint64_t inapplicable; /* known actions not applicable in the state */
  uint64_t duplicates;   /* answers merged into an earlier one */
  uint64_t dropped_k;    /* distinct actions past the top k */
  uint64_t children;     /* children added */
} plan__proposer_stats;

/* Creates an LLM proposer over dom (retained). Destroy with
 * out->destroy(out->self). Errors: PLAN_EINVAL (no domain or options, the
 * applicability filter on a text domain), PLAN_ENOMEM. */
plan_status plan__llm_proposer_create(const plan__domain *dom,
                                      const plan__llm_proposer_options *o,
                                      plan__proposer *out, plan_error *err);
/* The exact proposer: every applicable ground action of the node's state
 * (at most max_children, 0: all, in action-id order), prior 1/count. */
plan_status plan__exact_proposer_create(const plan__domain *dom,
                                        unsigned max_children,
                                        plan__proposer *out, plan_error *err);
/* The counters of a proposer made here; false for other proposers. */
bool plan__proposer_stats_get(const plan__proposer *p,
                              plan__proposer_stats *out);

/* ======================================================================
 * Evaluators (value.c)
 * ====================================================================== */

typedef struct plan__llm_evaluator_options {
  unsigned samples; /* value samples per node; default 3 */
  /* The rubric. PLAN_RUBRIC_NUMBER needs its scale lo < hi; zeroed
   * options (NUMBER with lo == hi == 0) mean PLAN_RUBRIC_SURE, the
   * default. */
  plan_rubric rubric;
  double lo, hi;
  /* One request per node with logprobs: the expected value over the
   * rubric words of the first verdict token (PLAN_RUBRIC_SURE only). Uses
   * the value-first template. */
  bool logprobs;
  /* Prune a node when every sample is present and all are 0
   * ("impossible"). */
  bool prune_impossible;
  plan__llm_call call;
} plan__llm_evaluator_options;

typedef enum plan__heuristic {
  PLAN__HEUR_GOAL_FRACTION = 0, /* satisfied goal literals / all */
  PLAN__HEUR_HADD,              /* 1 / (1 + h_add / h_add(root)) */
  PLAN__HEUR_HFF                /* the same with h_FF */
} plan__heuristic;

/* Parses "goal-fraction", "hadd", "hff". */
bool plan__heuristic_parse(const char *s, plan__heuristic *out);

typedef struct plan__evaluator_stats {
  uint64_t requests;
  uint64_t samples; /* values added */
  uint64_t missing; /* samples that did not parse (or no reply) */
  uint64_t logprob_values;
  uint64_t pruned;
} plan__evaluator_stats;

plan_status plan__llm_evaluator_create(const plan__domain *dom,
                                       const plan__llm_evaluator_options *o,
                                       plan__evaluator *out, plan_error *err);
/* A heuristic evaluator on a pddl domain. A node without an exact state
 * gets a missing sample; a relaxed dead end (h = infinity) gets 0 and, with
 * prune_dead_ends, is pruned. */
plan_status plan__heuristic_evaluator_create(const plan__domain *dom,
                                             plan__heuristic h,
                                             bool prune_dead_ends,
                                             plan__evaluator *out,
                                             plan_error *err);
/* w_a * a + w_b * b (normalised by w_a + w_b) where a and b (evaluators
 * made here, retained; the combination destroys them) are both run on the
 * nodes: every sample of a is combined with b's mean, so the node keeps
 * a's sample count and (scaled) spread. A node with no sample from one of
 * them gets the other's samples unchanged; with none from either, a
 * missing sample. Prunes by either are kept. Errors: PLAN_EINVAL
 * (an evaluator not made here, negative weights or both 0). */
plan_status plan__combined_evaluator_create(plan__evaluator *a, double w_a,
                                            plan__evaluator *b, double w_b,
                                            plan__evaluator *out,
                                            plan_error *err);
bool plan__evaluator_stats_get(const plan__evaluator *e,
                               plan__evaluator_stats *out);

/* ======================================================================
 * World models (world.c)
 * ====================================================================== */

/* The exact PDDL simulator: state text = NL rendering, exact = bitset,
 * hash = plan__pddl_state_hash. An inapplicable action or an unknown one
 * prunes the child. */
plan_status plan__exact_world_create(const plan__domain *dom,
                                     plan__world_model *out, plan_error *err);
/* The LLM world model: one request per child, all children of a round in
 * one batch, at temperature 0 unless call sets one. pddl: the prediction
 * is parsed back to facts and the state is their canonical NL rendering and
 * bitset. text: the predicted text. An unparseable prediction prunes the
 * child. */
plan_status plan__llm_world_create(const plan__domain *dom,
                                   const plan__llm_call *call,
                                   plan__world_model *out, plan_error *err);
/* The checked world model (pddl): runs the LLM prediction and the exact
 * simulator for every child and records the LLM's errors per action
 * schema (stats and a "wm_check" trace event). follow_llm: the child gets
 * the LLM's state (the llm mode); else the exact one (the LLM is asked
 * only about applicable actions). */
plan_status plan__checked_world_create(const plan__domain *dom,
                                       const plan__llm_call *call,
                                       bool follow_llm, plan__world_model *out,
                                       plan_error *err);

/* The voting LLM world model (the agent's commit barrier): k predictions
 * per child in one request (temperature 1 unless call sets one above 0);
 * the child gets the modal prediction (ties: the first). The votes of the
 * last round are read with plan__world_vote_get. */
plan_status plan__vote_world_create(const plan__domain *dom,
                                    const plan__llm_call *call, unsigned k,
                                    plan__world_model *out, plan_error *err);
/* Sets the predictions per child of a voting world model (1-64) for its
 * next rounds; false when wm is not one. */
bool plan__world_vote_set_k(const plan__world_model *wm, unsigned k);
/* The last round's votes for child: *agree predictions equal to the modal
 * one among *votes that parsed, of *asked. false when wm is not a voting
 * world model or child was not in its last round. */
bool plan__world_vote_get(const plan__world_model *wm, plan__node_id child,
                          unsigned *agree, unsigned *votes, unsigned *asked);

typedef struct plan__wm_schema_stats {
  const char *schema;    /* "unstack"; borrowed from the world model */
  uint64_t checked;      /* predictions compared with the simulator */
  uint64_t wrong;        /* parsed, applicable, different state */
  uint64_t unparseable;  /* no state could be read from the answer */
  uint64_t inapplicable; /* follow_llm: predicted for an inapplicable action */
  double error_rate;     /* (wrong + unparseable) / (checked + unparseable) */
} plan__wm_schema_stats;

typedef struct plan__world_stats {
  uint64_t requests;
  uint64_t failed; /* no reply */
  uint64_t predictions;
  uint64_t unparseable;
  uint64_t wrong;
  uint64_t checked;
  uint64_t inapplicable;
  /* checked world model: one entry per schema seen, sorted by name */
  const plan__wm_schema_stats *schemas;
  size_t n_schemas;
} plan__world_stats;

/* The counters of a world model made here (schemas borrowed until its next
 * call or destroy); false for other world models. */
bool plan__world_stats_get(const plan__world_model *w, plan__world_stats *out);

/* ======================================================================
 * Goal tests (goal.c)
 * ====================================================================== */

/* Every goal literal holds in node->exact (nodes without one are not
 * goals). */
plan_status plan__exact_goal_create(const plan__domain *dom,
                                    plan__goal_test *out, plan_error *err);
/* The LLM judge: samples per node (default 1, then at temperature 0
 * unless call sets one) on the status rubric; a node is a goal when more
 * than half of the samples say success. */
plan_status plan__llm_judge_create(const plan__domain *dom,
                                   const plan__llm_call *call, unsigned samples,
                                   plan__goal_test *out, plan_error *err);

/* ======================================================================
 * The factory (factory.c)
 * ====================================================================== */

typedef enum plan__comp_mode {
  PLAN__MODE_LLM = 0, /* LLM proposer, value, world model (checked) */
  PLAN__MODE_HYBRID,  /* LLM proposer and value; exact sim, goal, filter */
  PLAN__MODE_EXACT,   /* applicable actions, simulator, heuristic */
  PLAN__MODE_TEXT     /* free-form: LLM proposer, world model, judge, value */
} plan__comp_mode;

/* Parses "llm", "hybrid", "exact", "text". */
bool plan__comp_mode_parse(const char *s, plan__comp_mode *out);
const char *plan__comp_mode_name(plan__comp_mode m);

typedef struct plan__comp_options {
  plan__comp_mode mode;
  plan__propose_method propose;
  unsigned k;               /* default 5 */
  unsigned propose_samples; /* default 2k */
  unsigned value_samples;   /* default 3 */
  plan_rubric rubric;       /* default SURE; NUMBER needs lo < hi */
  double lo, hi;            /* NUMBER scale */
  bool logprobs;
  bool prune_impossible;
  plan__heuristic heuristic; /* exact mode, and w_heuristic > 0 */
  double w_heuristic;        /* llm/hybrid: weight of the heuristic next
                                to the LLM value (weight 1); 0: none */
  bool llm_judge;            /* llm mode: LLM judge instead of checking the
                                goal literals on the predicted state */
  unsigned judge_samples;    /* default 1 */
  plan__llm_call call;
} plan__comp_options;

void plan__comp_options_default(plan__comp_options *o);

typedef struct plan__comp_set {
  plan__comp_mode mode;
  plan__proposer proposer;
  plan__world_model world;
  plan__goal_test goal;
  plan__evaluator evaluator;
} plan__comp_set;

/* Builds the components of o->mode over dom (retained). llm, hybrid and
 * exact need a pddl domain, text a text domain (PLAN_EINVAL naming the
 * mode otherwise). Free with plan__comp_set_free. */
plan_status plan__comp_set_create(const plan__domain *dom,
                                  const plan__comp_options *o,
                                  plan__comp_set **out, plan_error *err);
void plan__comp_set_free(plan__comp_set *cs);

/* Checks the actions of a result's path with the exact validator (pddl
 * domains; the llm mode's final check). Release *out with
 * plan__pddl_report_free. PLAN_EINVAL on a text domain. */
plan_status plan__comp_validate(const plan__domain *dom, plan__search *s,
                                const plan__result *r, plan__pddl_report *out);

#endif /* PLAN_PLANNER_COMPONENTS_H */
