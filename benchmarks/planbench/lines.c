/* benchmarks/planbench/lines.c: plans as lists of lines (plan__pb_plan),
 * the form in which extracted, recorded and validated plans travel through
 * the PlanBench harness. */
#include <string.h>

#include "benchmarks/planbench/planbench.h"

plan_status plan__pb_plan_push(plan__pb_plan *p, const char *s, size_t n) {
  if (p->n == p->cap) {
    void *arr = p->steps;
    if (plan__grow(&arr, &p->cap, p->n + 1, sizeof *p->steps) != PLAN_OK)
      return PLAN_ENOMEM;
    p->steps = arr;
  }
  char *copy = plan__strndup(s, n);
  if (!copy)
    return PLAN_ENOMEM;
  p->steps[p->n++] = copy;
  return PLAN_OK;
}

void plan__pb_plan_free(plan__pb_plan *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->n; i++)
    plan__free(p->steps[i]);
  plan__free(p->steps);
  p->steps = NULL;
  p->n = p->cap = 0;
}

bool plan__pb_plan_equal(const plan__pb_plan *a, const plan__pb_plan *b) {
  if (a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++)
    if (strcmp(a->steps[i], b->steps[i]) != 0)
      return false;
  return true;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

/* Pushes s[0..n) trimmed, unless it is empty. */
static plan_status push_trimmed(plan__pb_plan *p, const char *s, size_t n) {
  while (n > 0 && is_space(s[0])) {
    s++;
    n--;
  }
  while (n > 0 && is_space(s[n - 1]))
    n--;
  return n ? plan__pb_plan_push(p, s, n) : PLAN_OK;
}

static plan_status push_lines(plan__pb_plan *p, const char *s, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '\n') {
      if (push_trimmed(p, s + start, i - start) != PLAN_OK)
        return PLAN_ENOMEM;
      start = i + 1;
    }
  }
  return PLAN_OK;
}

plan_status plan__pb_plan_from_json(const json_t *v, plan__pb_plan *out) {
  if (!v || json_is_null(v))
    return PLAN_OK;
  if (json_is_string(v))
    return push_lines(out, json_string_value(v), json_string_length(v));
  if (!json_is_array(v))
    return PLAN_EINVAL;
  for (size_t i = 0; i < json_array_size(v); i++) {
    const json_t *e = json_array_get(v, i);
    if (!json_is_string(e))
      return PLAN_EINVAL;
    if (push_lines(out, json_string_value(e), json_string_length(e)) != PLAN_OK)
      return PLAN_ENOMEM;
  }
  return PLAN_OK;
}

plan_status plan__pb_plan_join(const plan__pb_plan *p, plan__buf *b) {
  for (size_t i = 0; i < p->n; i++) {
    if (i)
      plan__buf_putc(b, '\n');
    plan__buf_puts(b, p->steps[i]);
  }
  return b->status;
}
