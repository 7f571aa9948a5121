/* planner/components/comp_int.h: what the component files share and
 * nobody else needs: the domain's layout, prompt rendering for a node,
 * and a batch of LLM requests with the memory their messages live in.
 */
#ifndef PLAN_PLANNER_COMPONENTS_INT_H
#define PLAN_PLANNER_COMPONENTS_INT_H

#include <jansson.h>

#include "planner/components/components.h"

struct plan__domain {
  bool pddl;
  plan__prompt_family family;
  const plan__pddl_task *task; /* pddl: retained */
  const plan__pb_config *cfg;  /* pddl: retained, may be NULL */
  const plan__prompts *prompts;
  char *intro;        /* {{domain}} */
  char *goal;         /* {{goal}} */
  char *actions;      /* {{actions}} */
  char *init;         /* the initial state's text */
  size_t state_bytes; /* pddl: task->n_words * 8 */
  /* Actions committed before the search's root (the agent loop): they
   * open every prompt's history. Owned copies. */
  char **prefix;
  size_t n_prefix, cap_prefix;
};

/* Magic words that tell our components' self pointers apart. */
#define PLAN__COMP_MAGIC_PROPOSER 0x50524f50u  /* "PROP" */
#define PLAN__COMP_MAGIC_EVALUATOR 0x4556414cu /* "EVAL" */
#define PLAN__COMP_MAGIC_WORLD 0x574f524cu     /* "WORL" */
#define PLAN__COMP_MAGIC_GOAL 0x474f414cu      /* "GOAL" */

/* Appends the history of node id (the actions from the root, numbered,
 * one per line; "(none)" at the root) to b. pddl actions are written in
 * the config's NL. */
plan_status plan__comp_history(const plan__domain *d, plan__search *s,
                               plan__node_id id, plan__buf *b);

/* Renders the role's template for node (state from the node unless
 * state is given, action for world prompts) into a new string *out (free
 * with plan__free). */
plan_status plan__comp_prompt(const plan__domain *d, plan__search *s,
                              plan__prompt_role role, plan__node_id node,
                              const char *state, const char *action, unsigned k,
                              char **out);

/* A batch of requests, each with its own [system, user] messages. */
typedef struct plan__comp_batch {
  plan_llm_request *reqs;
  plan_message *msgs; /* 2 per request */
  char **users;       /* owned user texts (shared by split samples) */
  bool *owns_user;
  size_t *item; /* which caller item (node index) a request is for */
  plan_llm_response *resps;
  size_t n;
  size_t cap;
  const char *system; /* the family's system text (from the prompts) */
} plan__comp_batch;

void plan__comp_batch_init(plan__comp_batch *b);
/* Adds the requests for one item: `samples` choices as one request (n =
 * samples) or, with call->split_samples, as that many single-choice
 * requests with sample indices 0.. . Takes ownership of user (freed by
 * batch_free even on failure). */
plan_status plan__comp_batch_add(plan__comp_batch *b, const plan__domain *d,
                                 const plan__llm_call *call, size_t item,
                                 char *user, unsigned samples, bool logprobs,
                                 unsigned max_tokens);
/* Runs every request as one batch on the search's scheduler. PLAN_EBUDGET
 * when a budget ended it (the finished responses are kept); other failures
 * of the batch itself (no scheduler: PLAN_EMISUSE) are returned and
 * recorded with plan__search_set_error, naming who. */
plan_status plan__comp_batch_run(plan__comp_batch *b, plan__search *s,
                                 const char *who);
void plan__comp_batch_free(plan__comp_batch *b);

/* Copies call settings (model string copied into *model_out). */
plan_status plan__comp_call_copy(const plan__llm_call *in, plan__llm_call *out,
                                 char **model_out);

/* The text after the last line label (case-insensitive, e.g.
 * "Action:"), to the end of its line (line_only) or of the text; NULL
 * when there is no label. *len_out gets the trimmed length. */
const char *plan__comp_after_label(const char *text, const char *label,
                                   bool line_only, size_t *len_out);

/* The first non-empty line of text, trimmed, with list markers ("1.",
 * "-", "*"), surrounding quotes, backticks and bold markers removed. */
const char *plan__comp_first_line(const char *text, size_t len,
                                  size_t *len_out);

/* Trace helper: emits ev with fields (a new object; consumed). */
void plan__comp_trace(plan__search *s, const char *ev, json_t *fields);

#endif /* PLAN_PLANNER_COMPONENTS_INT_H */
