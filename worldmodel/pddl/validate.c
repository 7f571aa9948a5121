/* worldmodel/pddl/validate.c: plan files and the plan validator. The
 * validator follows VAL: every step must name an action of the domain with
 * objects of the right types, its preconditions must hold in the current
 * state, its effects apply with deletes before adds, and the goal must hold
 * after the last step. It instantiates the step's schema itself rather than
 * trusting the grounded action table, so it can say which precondition of
 * a pruned action (say, a static one) is false. It also renders VAL-like
 * text and a JSON verdict.
 */
#include <string.h>

#include "core/json.h"
#include "worldmodel/pddl/pddl_int.h"

/* ======================================================================
 * Plan text
 * ====================================================================== */

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static plan_status plan_error_at(plan_error *err, const char *src, int line,
                                 int col, const char *msg) {
  return plan__error_set(err, PLAN_EPARSE, line, col, "%s:%d:%d: %s",
                         plan__pddl_src_label(src), line, col, msg);
}

plan_status plan__pddl_plan_parse(const char *text, size_t len,
                                  const char *source_name, plan__pddl_plan *out,
                                  plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "out is NULL");
  memset(out, 0, sizeof *out);
  if (!text && len)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "text is NULL");
  if (!source_name)
    source_name = "plan";
  size_t cap_steps = 0;
  size_t cap_lines = 0;
  plan_status st = PLAN_OK;
  size_t pos = 0;
  int line = 1;
  while (pos < len && !st) {
    size_t eol = pos;
    while (eol < len && text[eol] != '\n')
      eol++;
    size_t end = pos;
    while (end < eol && text[end] != ';')
      end++;
    size_t i = pos;
    while (i < end && is_blank(text[i]))
      i++;
    /* An optional time stamp "0:" or "1.5 :". */
    if (i < end && text[i] >= '0' && text[i] <= '9') {
      size_t j = i;
      while (j < end && ((text[j] >= '0' && text[j] <= '9') || text[j] == '.'))
        j++;
      while (j < end && is_blank(text[j]))
        j++;
      if (j < end && text[j] == ':')
        i = j + 1;
    }
    for (;;) {
      while (i < end && is_blank(text[i]))
        i++;
      if (i >= end)
        break;
      int col = (int)(i - pos) + 1;
      if (text[i] == '\0' || text[i] != '(') {
        char msg[96];
        size_t k = i;
        while (k < end && !is_blank(text[k]) && text[k] != '(' &&
               (unsigned char)text[k] >= 0x20)
          k++;
        plan__fmt(msg, sizeof msg,
                  "expected an action in parentheses, found '%.*s'",
                  (int)PLAN_MIN(k - i, 40), text + i);
        st = plan_error_at(err, source_name, line, col, msg);
        break;
      }
      size_t j = i + 1;
      while (j < end && text[j] != ')' && text[j] != '(' && text[j] != '\0')
        j++;
      if (j >= end || text[j] != ')') {
        st = plan_error_at(
            err, source_name, line, j < end ? (int)(j - pos) + 1 : col,
            j < end && text[j] == '(' ? "nested '(' inside an action"
                                      : "unbalanced parentheses: '(' is never "
                                        "closed");
        break;
      }
      if (plan__grow((void **)&out->steps, &cap_steps, out->n + 1,
                     sizeof *out->steps) ||
          plan__grow((void **)&out->lines, &cap_lines, out->n + 1,
                     sizeof *out->lines)) {
        st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
        break;
      }
      out->steps[out->n] = plan__strndup(text + i, j + 1 - i);
      if (!out->steps[out->n]) {
        st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
        break;
      }
      out->lines[out->n] = line;
      out->n++;
      i = j + 1;
      /* An optional duration "[1]". */
      while (i < end && is_blank(text[i]))
        i++;
      if (i < end && text[i] == '[') {
        while (i < end && text[i] != ']')
          i++;
        if (i >= end) {
          st = plan_error_at(err, source_name, line, col,
                             "'[' without a closing ']'");
          break;
        }
        i++;
      }
    }
    pos = eol + 1;
    line++;
  }
  if (st)
    plan__pddl_plan_free(out);
  return st;
}

plan_status plan__pddl_plan_load(const char *path, plan__pddl_plan *out,
                                 plan_error *err) {
  if (!out || !path)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "NULL argument");
  memset(out, 0, sizeof *out);
  char *text;
  size_t len;
  plan_status st = plan__read_file(path, 0, &text, &len, err);
  if (st)
    return st;
  st = plan__pddl_plan_parse(text, len, path, out, err);
  plan__free(text);
  return st;
}

void plan__pddl_plan_free(plan__pddl_plan *plan) {
  if (!plan)
    return;
  for (size_t i = 0; i < plan->n; i++)
    plan__free(plan->steps[i]);
  plan__free(plan->steps);
  plan__free(plan->lines);
  memset(plan, 0, sizeof *plan);
}

/* ======================================================================
 * Validation
 * ====================================================================== */

typedef struct vctx {
  const plan__pddl_task *task;
  const pddl_task_int *ti;
  plan__pddl_report *r;
  plan__buf msg;
  size_t cap_unmet;
  bool oom;
} vctx;

static void add_unmet(vctx *v, plan__buf *text) {
  plan__pddl_report *r = v->r;
  if (text->status || plan__grow((void **)&r->unmet, &v->cap_unmet,
                                 r->n_unmet + 1, sizeof *r->unmet)) {
    v->oom = true;
    return;
  }
  char *s = plan__strndup(text->data, text->len);
  if (!s) {
    v->oom = true;
    return;
  }
  r->unmet[r->n_unmet++] = s;
}

/* Writes "(on a b)", "(= a b)", with "(not ...)" around when negated. */
static void literal_text(plan__buf *b, const plan__pddl_domain *d,
                         const pddl_object *objects, int pred,
                         const uint32_t *args, size_t n, bool neg) {
  if (neg)
    plan__buf_puts(b, "(not ");
  plan__buf_putc(b, '(');
  plan__buf_puts(b, pred == PDDL_EQ ? "=" : d->preds[pred].name);
  for (size_t i = 0; i < n; i++) {
    plan__buf_putc(b, ' ');
    plan__buf_puts(b, objects[args[i]].name);
  }
  plan__buf_putc(b, ')');
  if (neg)
    plan__buf_putc(b, ')');
}

static void set_message(vctx *v, const char *fmt, ...) PLAN_PRINTF(2, 3);

static void set_message(vctx *v, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  plan__buf_reset(&v->msg);
  plan__buf_vprintf(&v->msg, fmt, ap);
  va_end(ap);
}

/* Appends the unmet list "a, b" to the message. */
static void message_list(vctx *v) {
  for (size_t i = 0; i < v->r->n_unmet; i++) {
    if (i)
      plan__buf_puts(&v->msg, ", ");
    plan__buf_puts(&v->msg, v->r->unmet[i]);
  }
}

static bool object_fits(const plan__pddl_domain *d, int type,
                        const pddl_param *p) {
  for (size_t i = 0; i < p->n_types; i++)
    if (plan__pddl_subtype(d, type, p->types[i]))
      return true;
  return false;
}

/* Checks step i (text) against state; applies it when valid. Returns
 * false when the plan fails at this step. */
static bool run_step(vctx *v, size_t i, const char *text, uint64_t *state) {
  const plan__pddl_domain *d = v->ti->dom;
  const plan__pddl_problem *p = v->ti->prob;
  plan__pddl_report *r = v->r;
  plan__buf norm;
  plan__buf lit;
  plan__buf_init(&norm, 1 << 16);
  plan__buf_init(&lit, 1 << 16);
  bool ok = false;
  uint32_t args[PDDL_MAX_ARITY];
  if (!plan__pddl_normalize(text, &norm)) {
    if (norm.status) {
      v->oom = true;
      goto done;
    }
    r->verdict = PLAN__PDDL_UNKNOWN_ACTION;
    r->failed_action = plan__strdup(text);
    if (!r->failed_action) {
      v->oom = true;
      goto done;
    }
    set_message(v, "step %zu: cannot read '%.60s' as an action", i + 1, text);
    goto done;
  }
  r->failed_action = plan__strndup(norm.data, norm.len);
  if (!r->failed_action) {
    v->oom = true;
    goto done;
  }
  /* Split "(name a b)" into its words, in place. */
  char *words[PDDL_MAX_ARITY + 2];
  size_t n_words = 0;
  norm.data[norm.len - 1] = ' ';
  char *w = norm.data + 1;
  bool too_many = false; /* more words than any action takes */
  for (;;) {
    char *sp = strchr(w, ' ');
    if (!sp)
      break;
    if (n_words == PLAN_ARRAY_LEN(words)) {
      too_many = true;
      break;
    }
    *sp = '\0';
    words[n_words++] = w;
    w = sp + 1;
  }
  r->verdict = PLAN__PDDL_UNKNOWN_ACTION;
  int s = plan__pddl_find_schema(d, words[0]);
  if (s < 0) {
    set_message(v, "step %zu %s: unknown action '%.60s'", i + 1,
                r->failed_action, words[0]);
    goto done;
  }
  const pddl_schema *sc = &d->schemas[s];
  if (n_words - 1 != sc->n_params || too_many) {
    set_message(v, "step %zu %s: '%s' takes %zu argument%s, got %s%zu", i + 1,
                r->failed_action, sc->name, sc->n_params,
                sc->n_params == 1 ? "" : "s", too_many ? "more than " : "",
                n_words - 1);
    goto done;
  }
  for (size_t k = 0; k < sc->n_params; k++) {
    if (!plan__pddl_map_get(&v->ti->objects, words[k + 1], strlen(words[k + 1]),
                            &args[k])) {
      set_message(v, "step %zu %s: unknown object '%.60s'", i + 1,
                  r->failed_action, words[k + 1]);
      goto done;
    }
    if (!object_fits(d, p->objects[args[k]].type, &sc->params[k])) {
      set_message(v, "step %zu %s: object '%s' is not of type '%s'", i + 1,
                  r->failed_action, words[k + 1],
                  d->types[sc->params[k].types[0]].name);
      goto done;
    }
  }
  /* Preconditions, each instantiated and evaluated in the state. */
  for (size_t k = 0; k < sc->n_pre; k++) {
    const pddl_atom *a = &sc->pre[k];
    uint32_t ga[PDDL_MAX_ARITY];
    for (size_t j = 0; j < a->n; j++)
      ga[j] = a->args[j] >= 0 ? args[a->args[j]] : PDDL_TERM_OBJ(a->args[j]);
    bool val;
    if (a->pred == PDDL_EQ) {
      val = ga[0] == ga[1];
    } else {
      long f = plan__pddl_fact_find(v->task, a->pred, ga, a->n);
      val = f >= 0 && plan__pddl_state_has(state, (uint32_t)f);
    }
    if (val != a->neg)
      continue;
    plan__buf_reset(&lit);
    literal_text(&lit, d, p->objects, a->pred, ga, a->n, a->neg);
    add_unmet(v, &lit);
  }
  if (v->oom)
    goto done;
  if (r->n_unmet) {
    r->verdict = PLAN__PDDL_PRECONDITION;
    set_message(v, "step %zu %s: precondition%s ", i + 1, r->failed_action,
                r->n_unmet > 1 ? "s" : "");
    message_list(v);
    plan__buf_puts(&v->msg, r->n_unmet > 1 ? " are false" : " is false");
    goto done;
  }
  /* The normalised name is the key of the action table. */
  uint32_t act_id;
  long act = plan__pddl_map_get(&v->ti->actions, r->failed_action,
                                strlen(r->failed_action), &act_id)
                 ? (long)act_id
                 : -1;
  if (PLAN_NEVER(act < 0)) {
    set_message(v,
                "step %zu %s: internal error: the action was not "
                "grounded",
                i + 1, r->failed_action);
    goto done;
  }
  plan__pddl_apply(v->task, state, (size_t)act, state);
  plan__free(r->failed_action);
  r->failed_action = NULL;
  r->verdict = PLAN__PDDL_VALID;
  ok = true;
done:
  plan__buf_free(&norm);
  plan__buf_free(&lit);
  return ok;
}

plan_status plan__pddl_validate(const plan__pddl_task *task,
                                const char *const *actions, size_t n,
                                plan__pddl_report *out) {
  if (!out)
    return PLAN_EINVAL;
  memset(out, 0, sizeof *out);
  out->failed_step = SIZE_MAX;
  if (!task || (!actions && n))
    return PLAN_EINVAL;
  vctx v;
  memset(&v, 0, sizeof v);
  v.task = task;
  v.ti = task->internal;
  v.r = out;
  plan__buf_init(&v.msg, 1 << 16);
  out->n_steps = n;
  out->final_state = plan__calloc(task->n_words, sizeof *out->final_state);
  if (!out->final_state)
    goto nomem;
  plan__pddl_state_init(task, out->final_state);
  for (size_t i = 0; i < n; i++) {
    if (!run_step(&v, i, actions[i] ? actions[i] : "", out->final_state)) {
      if (v.oom)
        goto nomem;
      out->failed_step = i;
      break;
    }
    out->steps_executed++;
  }
  if (out->verdict == PLAN__PDDL_VALID) {
    plan__buf lit;
    plan__buf_init(&lit, 1 << 16);
    const pddl_task_int *ti = task->internal;
    for (size_t g = 0; g < task->n_goal; g++) {
      const plan__pddl_literal *l = &task->goal[g];
      if (plan__pddl_state_has(out->final_state, l->fact) == l->positive)
        continue;
      const plan__pddl_fact *f = &task->facts[l->fact];
      plan__buf_reset(&lit);
      literal_text(&lit, ti->dom, ti->prob->objects,
                   plan__pddl_find_pred(ti->dom, f->predicate), f->args,
                   f->n_args, !l->positive);
      add_unmet(&v, &lit);
    }
    plan__buf_free(&lit);
    if (v.oom)
      goto nomem;
    if (out->n_unmet) {
      out->verdict = PLAN__PDDL_GOAL_UNMET;
      set_message(&v, "the goal is not satisfied: ");
      message_list(&v);
      plan__buf_puts(&v.msg, out->n_unmet > 1 ? " are false" : " is false");
    } else {
      out->valid = true;
      out->cost = n;
      set_message(&v, "plan valid: %zu step%s reach the goal", n,
                  n == 1 ? "" : "s");
    }
  }
  if (v.msg.status)
    goto nomem;
  out->message = plan__buf_take(&v.msg);
  if (!out->message)
    goto nomem;
  return PLAN_OK;
nomem:
  plan__buf_free(&v.msg);
  plan__pddl_report_free(out);
  return PLAN_ENOMEM;
}

void plan__pddl_report_free(plan__pddl_report *r) {
  if (!r)
    return;
  plan__free(r->failed_action);
  for (size_t i = 0; i < r->n_unmet; i++)
    plan__free(r->unmet[i]);
  plan__free(r->unmet);
  plan__free(r->message);
  plan__free(r->final_state);
  memset(r, 0, sizeof *r);
  r->failed_step = SIZE_MAX;
}

/* ======================================================================
 * Output
 * ====================================================================== */

/* "(on a b)" -> "(Set (on a b) to true)"; "(not (on a b))" -> "... false". */
static void advice_line(plan__buf *b, const char *lit) {
  const char *pfx = "(not ";
  size_t n = strlen(lit);
  if (!strncmp(lit, pfx, strlen(pfx)) && n > strlen(pfx) + 1)
    plan__buf_printf(b, "(Set %.*s to false)\n", (int)(n - strlen(pfx) - 1),
                     lit + strlen(pfx));
  else
    plan__buf_printf(b, "(Set %s to true)\n", lit);
}

plan_status plan__pddl_report_render(const plan__pddl_report *r,
                                     const char *plan_name, plan__buf *b) {
  if (!r || !b)
    return PLAN_EINVAL;
  if (!plan_name)
    plan_name = "plan";
  plan__buf_printf(b, "Checking plan: %s\n", plan_name);
  switch (r->verdict) {
  case PLAN__PDDL_VALID:
    plan__buf_printf(b,
                     "Plan executed successfully - checking goal\n"
                     "Plan valid\n"
                     "Final value: %llu\n\n"
                     "Successful plans:\n %s %llu\n",
                     (unsigned long long)r->cost, plan_name,
                     (unsigned long long)r->cost);
    break;
  case PLAN__PDDL_PRECONDITION:
    plan__buf_printf(b,
                     "Plan failed because of unsatisfied precondition in:\n"
                     "%s\n"
                     "Plan failed to execute\n\n"
                     "Plan Repair Advice:\n\n"
                     "%s has an unsatisfied precondition at time %zu\n",
                     r->failed_action, r->failed_action, r->failed_step + 1);
    for (size_t i = 0; i < r->n_unmet; i++)
      advice_line(b, r->unmet[i]);
    plan__buf_printf(b, "\nFailed plans:\n %s %zu\n", plan_name,
                     r->failed_step + 1);
    break;
  case PLAN__PDDL_UNKNOWN_ACTION:
    plan__buf_printf(b,
                     "Bad operator in plan: %s\n"
                     "Plan failed to execute\n\n"
                     "Failed plans:\n %s %zu\n",
                     r->message, plan_name, r->failed_step + 1);
    break;
  case PLAN__PDDL_GOAL_UNMET:
    plan__buf_puts(b, "Plan executed successfully - checking goal\n"
                      "Goal not satisfied\n\n"
                      "Plan Repair Advice:\n\n");
    for (size_t i = 0; i < r->n_unmet; i++)
      advice_line(b, r->unmet[i]);
    plan__buf_printf(b, "\nFailed plans:\n %s\n", plan_name);
    break;
  }
  return b->status;
}

static const char *verdict_name(plan__pddl_verdict v) {
  switch (v) {
  case PLAN__PDDL_VALID: return "valid";
  case PLAN__PDDL_PRECONDITION: return "precondition";
  case PLAN__PDDL_UNKNOWN_ACTION: return "unknown_action";
  case PLAN__PDDL_GOAL_UNMET: return "goal_unmet";
  }
  return "unknown";
}

/* A JSON string of s; bytes of invalid UTF-8 (a step may hold anything)
 * become '?'. New reference, NULL on ENOMEM. */
static json_t *safe_string(const char *s) {
  json_t *j = json_string(s);
  if (j)
    return j;
  char *copy = plan__strdup(s);
  if (!copy)
    return NULL;
  for (char *p = copy; *p; p++)
    if ((unsigned char)*p >= 0x80)
      *p = '?';
  j = json_string(copy);
  plan__free(copy);
  return j;
}

plan_status plan__pddl_report_json(const plan__pddl_report *r, plan__buf *b) {
  if (!r || !b)
    return PLAN_EINVAL;
  json_t *o = json_object();
  json_t *unmet = json_array();
  plan_status st = PLAN_ENOMEM;
  if (!o || !unmet)
    goto done;
  for (size_t i = 0; i < r->n_unmet; i++)
    if (json_array_append_new(unmet, safe_string(r->unmet[i])))
      goto done;
  bool failed = r->failed_step != SIZE_MAX;
  if (json_object_set_new(o, "valid", json_boolean(r->valid)) ||
      json_object_set_new(o, "verdict",
                          json_string(verdict_name(r->verdict))) ||
      json_object_set_new(o, "steps", json_integer((json_int_t)r->n_steps)) ||
      json_object_set_new(o, "executed",
                          json_integer((json_int_t)r->steps_executed)) ||
      json_object_set_new(o, "failed_step",
                          failed ? json_integer((json_int_t)r->failed_step)
                                 : json_null()) ||
      json_object_set_new(o, "failed_action",
                          r->failed_action ? safe_string(r->failed_action)
                                           : json_null()) ||
      json_object_set(o, "unmet", unmet) ||
      json_object_set_new(o, "message",
                          safe_string(r->message ? r->message : "")) ||
      json_object_set_new(o, "cost", json_integer((json_int_t)r->cost)))
    goto done;
  st = plan__json_canonical(o, b);
done:
  json_decref(unmet);
  json_decref(o);
  return st;
}
