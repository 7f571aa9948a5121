/* worldmodel/pddl/sim.c: the exact simulator over a grounded task. States
 * are bitsets (pddl.h); these functions test preconditions and goals, apply
 * effects with VAL's delete-before-add order, hash states canonically, and
 * look up actions and facts by their text. They allocate nothing, so the
 * search can call them in its inner loop.
 */
#include <string.h>

#include "worldmodel/pddl/pddl_int.h"

static void set_bit(uint64_t *s, uint32_t f) {
  s[f >> 6] |= (uint64_t)1 << (f & 63);
}

static void clear_bit(uint64_t *s, uint32_t f) {
  s[f >> 6] &= ~((uint64_t)1 << (f & 63));
}

void plan__pddl_state_init(const plan__pddl_task *task, uint64_t *out) {
  memcpy(out, task->init, task->n_words * sizeof *out);
}

bool plan__pddl_applicable(const plan__pddl_task *task, const uint64_t *state,
                           size_t action) {
  const plan__pddl_action *a = &task->actions[action];
  for (size_t i = 0; i < a->n_pre; i++)
    if (!plan__pddl_state_has(state, a->pre[i]))
      return false;
  for (size_t i = 0; i < a->n_pre_neg; i++)
    if (plan__pddl_state_has(state, a->pre_neg[i]))
      return false;
  return true;
}

void plan__pddl_apply(const plan__pddl_task *task, const uint64_t *state,
                      size_t action, uint64_t *out) {
  const plan__pddl_action *a = &task->actions[action];
  if (out != state)
    memcpy(out, state, task->n_words * sizeof *out);
  for (size_t i = 0; i < a->n_del; i++)
    clear_bit(out, a->del[i]);
  for (size_t i = 0; i < a->n_add; i++)
    set_bit(out, a->add[i]);
}

bool plan__pddl_goal_reached(const plan__pddl_task *task,
                             const uint64_t *state) {
  for (size_t i = 0; i < task->n_goal; i++)
    if (plan__pddl_state_has(state, task->goal[i].fact) !=
        task->goal[i].positive)
      return false;
  return true;
}

uint64_t plan__pddl_state_hash(const plan__pddl_task *task,
                               const uint64_t *state) {
  return plan__hash64(state, task->n_words * sizeof *state, 0);
}

size_t plan__pddl_applicable_actions(const plan__pddl_task *task,
                                     const uint64_t *state, uint32_t *out,
                                     size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < task->n_actions; i++)
    if (plan__pddl_applicable(task, state, i)) {
      if (n < cap)
        out[n] = (uint32_t)i;
      n++;
    }
  return n;
}

size_t plan__pddl_state_facts(const plan__pddl_task *task,
                              const uint64_t *state, bool include_static,
                              const char **out, size_t cap) {
  size_t n = 0;
  for (size_t f = 0; f < task->n_facts; f++) {
    if (!plan__pddl_state_has(state, (uint32_t)f))
      continue;
    if (!include_static && task->facts[f].is_static)
      continue;
    if (n < cap)
      out[n] = task->facts[f].name;
    n++;
  }
  return n;
}

plan_status plan__pddl_state_format(const plan__pddl_task *task,
                                    const uint64_t *state, bool include_static,
                                    plan__buf *b) {
  bool first = true;
  for (size_t f = 0; f < task->n_facts; f++) {
    if (!plan__pddl_state_has(state, (uint32_t)f))
      continue;
    if (!include_static && task->facts[f].is_static)
      continue;
    if (!first)
      plan__buf_putc(b, ' ');
    plan__buf_puts(b, task->facts[f].name);
    first = false;
  }
  return b->status;
}

/* ======================================================================
 * Lookups by text
 * ====================================================================== */

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

bool plan__pddl_normalize(const char *text, plan__buf *b) {
  plan__buf_reset(b);
  if (!text)
    return false;
  const char *s = text;
  while (is_space(*s))
    s++;
  bool paren = *s == '(';
  if (paren)
    s++;
  size_t tokens = 0;
  plan__buf_putc(b, '(');
  for (;;) {
    while (is_space(*s))
      s++;
    if (!*s || *s == ')')
      break;
    if (*s == '(')
      return false;
    if (tokens++)
      plan__buf_putc(b, ' ');
    while (*s && !is_space(*s) && *s != '(' && *s != ')') {
      char c = *s++;
      if (c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
      plan__buf_putc(b, c);
    }
  }
  if (paren != (*s == ')'))
    return false;
  if (*s == ')')
    s++;
  while (is_space(*s))
    s++;
  if (*s || tokens == 0)
    return false;
  plan__buf_putc(b, ')');
  return b->status == PLAN_OK;
}

long plan__pddl_action_lookup(const plan__pddl_task *task, const char *text) {
  if (!task || !text)
    return -1;
  const pddl_task_int *ti = task->internal;
  plan__buf b;
  plan__buf_init(&b, 1 << 16);
  long r = -1;
  uint32_t id;
  if (plan__pddl_normalize(text, &b) &&
      plan__pddl_map_get(&ti->actions, b.data, b.len, &id))
    r = (long)id;
  plan__buf_free(&b);
  return r;
}

long plan__pddl_fact_lookup(const plan__pddl_task *task, const char *text) {
  if (!task || !text)
    return -1;
  const pddl_task_int *ti = task->internal;
  plan__buf b;
  plan__buf_init(&b, 1 << 16);
  long r = -1;
  if (!plan__pddl_normalize(text, &b))
    goto done;
  /* Facts are keyed by id tuples: turn "(on a b)" into (on, a, b). */
  uint32_t key[PDDL_MAX_ARITY + 1];
  size_t n = 0;
  b.data[b.len - 1] = ' '; /* ')' becomes a final separator */
  char *p = b.data + 1;
  for (;;) {
    char *sp = strchr(p, ' ');
    if (!sp)
      break;
    *sp = '\0';
    if (n > PDDL_MAX_ARITY)
      goto done;
    if (n == 0) {
      int pred = plan__pddl_find_pred(ti->dom, p);
      if (pred < 0)
        goto done;
      key[0] = (uint32_t)pred;
    } else if (!plan__pddl_map_get(&ti->objects, p, strlen(p), &key[n])) {
      goto done;
    }
    n++;
    p = sp + 1;
  }
  if (n > 0 && n - 1 == ti->dom->preds[key[0]].arity)
    r = plan__pddl_fact_find(task, (int)key[0], key + 1, n - 1);
done:
  plan__buf_free(&b);
  return r;
}

long plan__pddl_fact_find(const plan__pddl_task *task, int pred,
                          const uint32_t *args, size_t n) {
  const pddl_task_int *ti = task->internal;
  uint32_t key[PDDL_MAX_ARITY + 1];
  if (pred < 0 || n > PDDL_MAX_ARITY)
    return -1;
  key[0] = (uint32_t)pred;
  memcpy(key + 1, args, n * sizeof *args);
  uint32_t id;
  if (plan__pddl_map_get(&ti->facts, key, (n + 1) * sizeof *key, &id))
    return (long)id;
  return -1;
}
