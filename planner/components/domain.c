/* planner/components/domain.c: the domain the components share (a
 * grounded PDDL task with its PlanBench config, or a free-form text task),
 * and the plumbing every LLM component uses: prompt rendering for a node,
 * a batch of requests whose messages outlive the scheduler call, and the
 * small text helpers that read labelled answers.
 */
#include <ctype.h>
#include <string.h>

#include "planner/components/comp_int.h"

/* ======================================================================
 * Domains
 * ====================================================================== */

void plan__domain_free(plan__domain *d) {
  if (!d)
    return;
  plan__free(d->intro);
  plan__free(d->goal);
  plan__free(d->actions);
  plan__free(d->init);
  plan__domain_clear_prefix(d);
  plan__free(d->prefix);
  plan__free(d);
}

bool plan__domain_is_pddl(const plan__domain *d) {
  return d && d->pddl;
}

const plan__pddl_task *plan__domain_task(const plan__domain *d) {
  return d && d->pddl ? d->task : NULL;
}

/* Copies s without its trailing white space. */
static char *dup_rtrim(const char *s) {
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1]))
    n--;
  return plan__strndup(s, n);
}

/* {{actions}} of a pddl domain: the config's NL templates with "<object>"
 * slots, or the schemas in PDDL syntax. */
static plan_status pddl_actions_text(const plan__pddl_task *task,
                                     const plan__pb_config *cfg, plan__buf *b) {
  if (cfg) {
    for (size_t i = 0; i < cfg->n_actions; i++) {
      if (i)
        plan__buf_putc(b, '\n');
      for (const char *p = cfg->actions[i].value; *p; p++) {
        if (p[0] == '{' && p[1] == '}') {
          plan__buf_puts(b, "<object>");
          p++;
        } else {
          plan__buf_putc(b, *p);
        }
      }
    }
    return b->status;
  }
  /* Schemas in first-seen order of the (name-sorted) ground actions. */
  for (size_t i = 0; i < task->n_actions; i++) {
    const plan__pddl_action *a = &task->actions[i];
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++)
      seen = !strcmp(task->actions[j].schema, a->schema);
    if (seen)
      continue;
    if (b->len)
      plan__buf_putc(b, '\n');
    plan__buf_printf(b, "(%s", a->schema);
    for (size_t k = 0; k < a->n_args; k++)
      plan__buf_printf(b, " ?x%zu", k + 1);
    plan__buf_putc(b, ')');
  }
  return b->status;
}

plan_status plan__domain_pddl_create(const plan__pddl_task *task,
                                     const plan__pb_config *cfg,
                                     const plan__prompts *prompts,
                                     plan__domain **out, plan_error *err) {
  *out = NULL;
  if (!task || !prompts)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "pddl domain: a task and prompts are required");
  plan__domain *d = plan__calloc(1, sizeof *d);
  if (!d)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  d->pddl = true;
  d->family = PLAN__FAMILY_PDDL;
  d->task = task;
  d->cfg = cfg;
  d->prompts = prompts;
  d->state_bytes = task->n_words * sizeof(uint64_t);
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_status st = PLAN_OK;
  if (cfg && (cfg->domain_intro_zero_shot || cfg->domain_intro)) {
    d->intro =
        dup_rtrim(cfg->domain_intro_zero_shot ? cfg->domain_intro_zero_shot
                                              : cfg->domain_intro);
  } else {
    plan__buf_printf(&b,
                     "I am solving a planning problem in the PDDL domain "
                     "\"%s\". Conditions are PDDL facts such as (on a b) and "
                     "actions are written in PDDL syntax, one action with "
                     "its objects in parentheses.",
                     task->domain_name ? task->domain_name : "");
    d->intro = b.status == PLAN_OK ? plan__buf_take(&b) : NULL;
  }
  plan__buf_reset(&b);
  st = plan__pddl_text_goal(cfg, task, &b);
  if (st == PLAN_OK)
    d->goal = plan__buf_take(&b);
  if (st == PLAN_OK) {
    st = plan__pddl_text_state(cfg, task, task->init, &b);
    if (st == PLAN_OK)
      d->init = plan__buf_take(&b);
  }
  if (st == PLAN_OK) {
    st = pddl_actions_text(task, cfg, &b);
    if (st == PLAN_OK)
      d->actions = plan__buf_take(&b);
  }
  plan__buf_free(&b);
  if (st == PLAN_OK && (!d->intro || !d->goal || !d->init || !d->actions))
    st = PLAN_ENOMEM;
  if (st != PLAN_OK) {
    plan__domain_free(d);
    if (st == PLAN_ENOMEM)
      return plan__error_set(err, st, 0, 0, "out of memory");
    return plan__error_set(err, st, 0, 0,
                           "pddl domain: config %s cannot render the task "
                           "(an object or predicate it does not know)",
                           cfg && cfg->name ? cfg->name : "(none)");
  }
  *out = d;
  return PLAN_OK;
}

plan_status plan__domain_text_create(const char *description, const char *init,
                                     const char *goal, const char *const *vocab,
                                     size_t n_vocab,
                                     const plan__prompts *prompts,
                                     plan__domain **out, plan_error *err) {
  *out = NULL;
  if (!init || !goal || !*goal || !prompts)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "text domain: an initial state, a goal and "
                           "prompts are required");
  plan__domain *d = plan__calloc(1, sizeof *d);
  if (!d)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  d->family = PLAN__FAMILY_TEXT;
  d->prompts = prompts;
  d->intro = dup_rtrim(description ? description : "");
  d->goal = dup_rtrim(goal);
  d->init = dup_rtrim(init);
  plan__buf b;
  plan__buf_init(&b, 0);
  for (size_t i = 0; i < n_vocab; i++) {
    if (i)
      plan__buf_putc(&b, '\n');
    plan__buf_puts(&b, vocab[i]);
  }
  if (n_vocab == 0)
    plan__buf_puts(&b, "(any action)");
  d->actions = b.status == PLAN_OK ? plan__buf_take(&b) : NULL;
  plan__buf_free(&b);
  if (!d->intro || !d->goal || !d->init || !d->actions) {
    plan__domain_free(d);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  *out = d;
  return PLAN_OK;
}

uint64_t plan__text_state_hash(const char *text, size_t len) {
  /* Hash the normalised bytes in small chunks so no copy is needed. */
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  unsigned char chunk[64];
  size_t n = 0;
  bool space = false;
  bool started = false;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (isspace(c)) {
      space = started;
      continue;
    }
    if (space) {
      chunk[n++] = ' ';
      if (n == sizeof chunk) {
        h = plan__hash64(chunk, n, h);
        n = 0;
      }
    }
    space = false;
    started = true;
    chunk[n++] = (unsigned char)tolower(c);
    if (n == sizeof chunk) {
      h = plan__hash64(chunk, n, h);
      n = 0;
    }
  }
  return plan__hash64(chunk, n, h);
}

plan_status plan__domain_set_root(const plan__domain *d, plan__search *s) {
  if (!d || !s)
    return PLAN_EMISUSE;
  size_t len = strlen(d->init);
  if (d->pddl)
    return plan__search_set_root(s, d->init, len, NULL, d->task->init,
                                 d->state_bytes,
                                 plan__pddl_state_hash(d->task, d->task->init));
  return plan__search_set_root(s, d->init, len, NULL, NULL, 0,
                               plan__text_state_hash(d->init, len));
}

/* ======================================================================
 * Prompts for a node
 * ====================================================================== */

/* ======================================================================
 * The agent loop's view: states from observations, committed history
 * ====================================================================== */

plan_status plan__domain_state_from_text(const plan__domain *d,
                                         const char *text, size_t len,
                                         plan__domain_state *out) {
  memset(out, 0, sizeof *out);
  if (!d || (!text && len))
    return PLAN_EMISUSE;
  if (!d->pddl) {
    size_t a = 0;
    while (a < len && (text[a] == ' ' || text[a] == '\n' || text[a] == '\t' ||
                       text[a] == '\r'))
      a++;
    while (len > a && (text[len - 1] == ' ' || text[len - 1] == '\n' ||
                       text[len - 1] == '\t' || text[len - 1] == '\r'))
      len--;
    if (len == a)
      return PLAN_EPARSE;
    out->text = plan__strndup(text + a, len - a);
    if (!out->text)
      return PLAN_ENOMEM;
    out->len = len - a;
    out->hash = plan__text_state_hash(out->text, out->len);
    return PLAN_OK;
  }
  size_t words = d->task->n_words ? d->task->n_words : 1;
  out->exact = plan__calloc(words, sizeof *out->exact);
  if (!out->exact)
    return PLAN_ENOMEM;
  size_t unknown = 0;
  plan_status st = plan__pddl_text_parse_state(d->cfg, d->task, text, len,
                                               out->exact, &unknown);
  if (st == PLAN_OK && unknown)
    st = PLAN_EPARSE;
  plan__buf b;
  plan__buf_init(&b, 0);
  if (st == PLAN_OK)
    st = plan__pddl_text_state(d->cfg, d->task, out->exact, &b);
  if (st == PLAN_OK && !b.data)
    st = plan__buf_puts(&b, "");
  if (st == PLAN_OK) {
    out->len = b.len;
    out->text = plan__buf_take(&b);
    out->hash = plan__pddl_state_hash(d->task, out->exact);
  }
  plan__buf_free(&b);
  if (st != PLAN_OK)
    plan__domain_state_free(out);
  return st;
}

void plan__domain_state_free(plan__domain_state *st) {
  if (!st)
    return;
  plan__free(st->text);
  plan__free(st->exact);
  memset(st, 0, sizeof *st);
}

plan_status plan__domain_set_root_state(const plan__domain *d, plan__search *s,
                                        const plan__domain_state *st) {
  if (!d || !s || !st || !st->text)
    return PLAN_EMISUSE;
  return plan__search_set_root(s, st->text, st->len, NULL, st->exact,
                               st->exact ? d->state_bytes : 0, st->hash);
}

plan_status plan__domain_set_node_state(const plan__domain *d, plan__search *s,
                                        plan__node_id id,
                                        const plan__domain_state *st) {
  if (!d || !s || !st || !st->text)
    return PLAN_EMISUSE;
  return plan__search_set_state(s, id, st->text, st->len, NULL, st->exact,
                                st->exact ? d->state_bytes : 0, st->hash);
}

plan_status plan__domain_push_prefix(plan__domain *d, const char *action) {
  if (!d || !action)
    return PLAN_EMISUSE;
  if (plan__grow((void **)&d->prefix, &d->cap_prefix, d->n_prefix + 1,
                 sizeof *d->prefix) != PLAN_OK)
    return PLAN_ENOMEM;
  char *c = plan__strdup(action);
  if (!c)
    return PLAN_ENOMEM;
  d->prefix[d->n_prefix++] = c;
  return PLAN_OK;
}

void plan__domain_clear_prefix(plan__domain *d) {
  if (!d)
    return;
  for (size_t i = 0; i < d->n_prefix; i++)
    plan__free(d->prefix[i]);
  d->n_prefix = 0;
}

size_t plan__domain_state_bytes(const plan__domain *d) {
  return d && d->pddl ? d->state_bytes : 0;
}

/* One history line's action: pddl actions in the config's NL (PDDL when
 * the config cannot phrase it). */
static plan_status history_action(const plan__domain *d, const char *act,
                                  plan__buf *b) {
  if (!d->pddl)
    return plan__buf_puts(b, act);
  size_t mark = b->len;
  plan_status st = plan__pddl_text_action(d->cfg, act, b);
  if (st == PLAN_ENOTFOUND || st == PLAN_EINVAL) {
    b->len = mark;
    if (b->data)
      b->data[mark] = '\0';
    st = plan__buf_puts(b, act);
  }
  return st;
}

plan_status plan__comp_history(const plan__domain *d, plan__search *s,
                               plan__node_id id, plan__buf *b) {
  /* Collect the path leaf -> root, then write it root first, after the
   * actions committed before the root. */
  size_t n = 0;
  for (plan__node_id x = id; x != PLAN__NODE_NONE;) {
    const plan__node *nd = plan__search_node(s, x);
    if (!nd || !nd->action)
      break;
    n++;
    x = nd->parent;
  }
  if (n == 0 && d->n_prefix == 0)
    return plan__buf_puts(b, "(none)");
  plan_status pst = PLAN_OK;
  for (size_t k = 0; k < d->n_prefix && pst == PLAN_OK; k++) {
    if (k)
      plan__buf_putc(b, '\n');
    plan__buf_printf(b, "%zu. ", k + 1);
    pst = history_action(d, d->prefix[k], b);
  }
  if (pst != PLAN_OK || n == 0)
    return pst == PLAN_OK ? b->status : pst;
  const char **acts = plan__calloc(n, sizeof *acts);
  if (!acts)
    return PLAN_ENOMEM;
  size_t i = n;
  for (plan__node_id x = id; x != PLAN__NODE_NONE && i > 0;) {
    const plan__node *nd = plan__search_node(s, x);
    if (!nd || !nd->action)
      break;
    acts[--i] = nd->action;
    x = nd->parent;
  }
  plan_status st = PLAN_OK;
  for (size_t k = 0; k < n && st == PLAN_OK; k++) {
    if (k + d->n_prefix)
      plan__buf_putc(b, '\n');
    plan__buf_printf(b, "%zu. ", d->n_prefix + k + 1);
    st = history_action(d, acts[k], b);
  }
  plan__free(acts);
  return st == PLAN_OK ? b->status : st;
}

plan_status plan__comp_prompt(const plan__domain *d, plan__search *s,
                              plan__prompt_role role, plan__node_id node,
                              const char *state, const char *action, unsigned k,
                              char **out) {
  *out = NULL;
  const plan__node *nd = plan__search_node(s, node);
  if (!nd)
    return PLAN_EINVAL;
  plan__buf hist;
  plan__buf text;
  plan__buf_init(&hist, 0);
  plan__buf_init(&text, 0);
  plan_status st = plan__comp_history(d, s, node, &hist);
  if (st == PLAN_OK) {
    plan__prompt_vars v = {
        .domain = d->intro,
        .state = state ? state : (nd->state_text ? nd->state_text : ""),
        .goal = d->goal,
        .actions = d->actions,
        .history = hist.data ? hist.data : "",
        .action = action,
        .k = k};
    st = plan__template_render(
        plan__prompts_text(d->prompts, d->family, role),
        plan__prompts_source(d->prompts, d->family, role), &v, &text, NULL);
  }
  if (st == PLAN_OK)
    *out = plan__buf_take(&text);
  plan__buf_free(&hist);
  plan__buf_free(&text);
  return st;
}

/* ======================================================================
 * Batches
 * ====================================================================== */

void plan__comp_batch_init(plan__comp_batch *b) {
  memset(b, 0, sizeof *b);
}

void plan__comp_batch_free(plan__comp_batch *b) {
  for (size_t i = 0; i < b->n; i++) {
    if (b->owns_user[i])
      plan__free(b->users[i]);
    plan_llm_response_clear(&b->resps[i]);
  }
  plan__free(b->reqs);
  plan__free(b->msgs);
  plan__free(b->users);
  plan__free(b->owns_user);
  plan__free(b->item);
  plan__free(b->resps);
  memset(b, 0, sizeof *b);
}

static plan_status batch_reserve(plan__comp_batch *b, size_t need) {
  if (need <= b->cap)
    return PLAN_OK;
  size_t cap = b->cap ? b->cap : 8;
  while (cap < need)
    cap *= 2;
  plan_llm_request *reqs = plan__realloc(b->reqs, cap * sizeof *reqs);
  if (!reqs)
    return PLAN_ENOMEM;
  b->reqs = reqs;
  plan_message *msgs = plan__realloc(b->msgs, 2 * cap * sizeof *msgs);
  if (!msgs)
    return PLAN_ENOMEM;
  b->msgs = msgs;
  char **users = plan__realloc(b->users, cap * sizeof *users);
  if (!users)
    return PLAN_ENOMEM;
  b->users = users;
  bool *owns = plan__realloc(b->owns_user, cap * sizeof *owns);
  if (!owns)
    return PLAN_ENOMEM;
  b->owns_user = owns;
  size_t *item = plan__realloc(b->item, cap * sizeof *item);
  if (!item)
    return PLAN_ENOMEM;
  b->item = item;
  plan_llm_response *resps = plan__realloc(b->resps, cap * sizeof *resps);
  if (!resps)
    return PLAN_ENOMEM;
  b->resps = resps;
  b->cap = cap;
  return PLAN_OK;
}

plan_status plan__comp_batch_add(plan__comp_batch *b, const plan__domain *d,
                                 const plan__llm_call *call, size_t item,
                                 char *user, unsigned samples, bool logprobs,
                                 unsigned max_tokens) {
  if (samples == 0)
    samples = 1;
  size_t nreq = call->split_samples ? samples : 1;
  if (batch_reserve(b, b->n + nreq) != PLAN_OK) {
    plan__free(user);
    return PLAN_ENOMEM;
  }
  const char *system =
      plan__prompts_text(d->prompts, d->family, PLAN__ROLE_SYSTEM);
  b->system = system;
  for (size_t j = 0; j < nreq; j++) {
    size_t i = b->n++;
    b->users[i] = user;
    b->owns_user[i] = j == 0;
    b->item[i] = item;
    plan_llm_response_init(&b->resps[i]);
    plan_llm_request *r = &b->reqs[i];
    plan_llm_request_init(r, PLAN_LLM_REQUEST_VERSION);
    r->model = call->model;
    if (call->has_temperature)
      r->temperature = call->temperature;
    r->max_tokens = max_tokens ? max_tokens : call->max_tokens;
    r->n = call->split_samples ? 1 : samples;
    r->sample_index = (unsigned)j;
    if (call->has_seed) {
      r->has_seed = true;
      r->seed = call->seed;
    }
    if (logprobs) {
      r->logprobs = true;
      r->top_logprobs = 20;
    }
    /* Messages are filled in batch_run: msgs may still move. */
    r->messages = NULL;
    r->n_messages = system && *system ? 2 : 1;
  }
  return PLAN_OK;
}

plan_status plan__comp_batch_run(plan__comp_batch *b, plan__search *s,
                                 const char *who) {
  if (b->n == 0)
    return PLAN_OK;
  plan_scheduler *sched = plan__search_scheduler(s);
  if (!sched) {
    plan__search_set_error(
        s, PLAN_EMISUSE, "%s: the search has no scheduler for LLM calls", who);
    return PLAN_EMISUSE;
  }
  for (size_t i = 0; i < b->n; i++) {
    plan_message *m = &b->msgs[2 * i];
    if (b->reqs[i].n_messages == 2) {
      /* The system text is the same for every request of a batch. */
      m[0].role = "system";
      m[0].content = b->system;
      m[1].role = "user";
      m[1].content = b->users[i];
    } else {
      m[0].role = "user";
      m[0].content = b->users[i];
    }
    b->reqs[i].messages = m;
  }
  uint64_t salt = plan__search_opts(s)->request_salt;
  for (size_t i = 0; salt && i < b->n; i++) {
    b->reqs[i].seed =
        (int64_t)(((uint64_t)(b->reqs[i].has_seed ? b->reqs[i].seed : 0) ^
                   salt) &
                  0x7fffffffffffffffu);
    b->reqs[i].has_seed = true;
  }
  plan_status st = plan_scheduler_run(sched, b->reqs, b->n, b->resps);
  if (st != PLAN_OK && st != PLAN_EBUDGET)
    plan__search_set_error(s, st, "%s: scheduler: %s", who,
                           plan_scheduler_errmsg(sched));
  return st;
}

plan_status plan__comp_call_copy(const plan__llm_call *in, plan__llm_call *out,
                                 char **model_out) {
  *model_out = NULL;
  if (!in) {
    memset(out, 0, sizeof *out);
    return PLAN_OK;
  }
  *out = *in;
  if (in->model) {
    *model_out = plan__strdup(in->model);
    if (!*model_out)
      return PLAN_ENOMEM;
  }
  out->model = *model_out;
  return PLAN_OK;
}

/* ======================================================================
 * Reading answers
 * ====================================================================== */

static bool ieq_prefix(const char *s, const char *prefix) {
  for (; *prefix; s++, prefix++)
    if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
      return false;
  return true;
}

const char *plan__comp_after_label(const char *text, const char *label,
                                   bool line_only, size_t *len_out) {
  const char *last = NULL;
  size_t lab = strlen(label);
  for (const char *p = text; *p; p++)
    if (ieq_prefix(p, label))
      last = p + lab;
  *len_out = 0;
  if (!last)
    return NULL;
  /* Bold markers and white space around the label's value. */
  while (*last == '*' || *last == ' ' || *last == '\t')
    last++;
  if (!line_only)
    while (*last == '\n' || *last == '\r')
      last++;
  const char *end = line_only ? strchr(last, '\n') : NULL;
  size_t n = end ? (size_t)(end - last) : strlen(last);
  while (n && (isspace((unsigned char)last[n - 1]) || last[n - 1] == '*'))
    n--;
  *len_out = n;
  return last;
}

const char *plan__comp_first_line(const char *text, size_t len,
                                  size_t *len_out) {
  const char *p = text;
  const char *end = text + len;
  *len_out = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    const char *a = p;
    const char *b = le;
    while (a < b && isspace((unsigned char)*a))
      a++;
    while (b > a && isspace((unsigned char)b[-1]))
      b--;
    /* List markers: "1." "2)" "-" "*" "•". */
    const char *q = a;
    while (q < b && isdigit((unsigned char)*q))
      q++;
    if (q > a && q < b && (*q == '.' || *q == ')'))
      a = q + 1;
    else if (b - a >= 2 && (*a == '-' || *a == '*') && a[1] == ' ')
      a += 2;
    else if (b - a >= 3 && !memcmp(a, "\xe2\x80\xa2", 3))
      a += 3;
    while (a < b && (isspace((unsigned char)*a) || *a == '*' || *a == '`' ||
                     *a == '"' || *a == '\''))
      a++;
    while (b > a &&
           (isspace((unsigned char)b[-1]) || b[-1] == '*' || b[-1] == '`' ||
            b[-1] == '"' || b[-1] == '\'' || b[-1] == '.'))
      b--;
    if (b > a) {
      *len_out = (size_t)(b - a);
      return a;
    }
    p = nl ? nl + 1 : end;
  }
  return text;
}

void plan__comp_trace(plan__search *s, const char *ev, json_t *fields) {
  if (!fields)
    return;
  plan__search_trace(s, ev, fields);
  json_decref(fields);
}
