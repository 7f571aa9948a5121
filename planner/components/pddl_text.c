/* planner/components/pddl_text.c: PDDL states, goals and actions as
 * PlanBench text, and back. The forward direction is the PlanBench text
 * layer (benchmarks/planbench/prompt.c); this file adds the reverse that
 * the LLM world model needs: NL conditions -> atoms, by matching each
 * clause against the config's predicate templates and reading the slots
 * back to object names, and NL actions -> ground actions through
 * PlanBench's own extractor. The reverse needs only the config, so the
 * mockllm oracle can read our prompts with it too.
 */
#include <ctype.h>
#include <string.h>

#include "planner/components/components.h"

/* ======================================================================
 * Forward: state, goal, action -> text
 * ====================================================================== */

/* "x, y and z" over PDDL fact names (no config). */
static void join_names(plan__buf *b, const char *const *names, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i)
      plan__buf_puts(b, i + 1 == n ? " and " : ", ");
    plan__buf_puts(b, names[i]);
  }
}

static plan_status facts_text(const plan__pb_config *cfg,
                              const plan__pddl_task *task,
                              const uint32_t *facts, size_t n, plan__buf *b) {
  if (n == 0)
    return b->status;
  if (cfg)
    return plan__pb_atoms_text(cfg, task, facts, n, true, b);
  const char **names = plan__calloc(n, sizeof *names);
  if (!names)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < n; i++)
    names[i] = task->facts[facts[i]].name;
  join_names(b, names, n);
  plan__free(names);
  return b->status;
}

plan_status plan__pddl_text_state(const plan__pb_config *cfg,
                                  const plan__pddl_task *task,
                                  const uint64_t *state, plan__buf *b) {
  uint32_t *facts =
      plan__calloc(task->n_facts ? task->n_facts : 1, sizeof *facts);
  if (!facts)
    return PLAN_ENOMEM;
  size_t n = 0;
  for (uint32_t f = 0; f < task->n_facts; f++)
    if (plan__pddl_state_has(state, f))
      facts[n++] = f;
  plan_status st = facts_text(cfg, task, facts, n, b);
  plan__free(facts);
  return st;
}

plan_status plan__pddl_text_goal(const plan__pb_config *cfg,
                                 const plan__pddl_task *task, plan__buf *b) {
  uint32_t *facts =
      plan__calloc(task->n_goal ? task->n_goal : 1, sizeof *facts);
  if (!facts)
    return PLAN_ENOMEM;
  size_t n = 0;
  for (size_t i = 0; i < task->n_goal; i++)
    if (task->goal[i].positive)
      facts[n++] = task->goal[i].fact;
  plan_status st = facts_text(cfg, task, facts, n, b);
  /* Negative goal literals (PlanBench has none) in PDDL syntax. */
  for (size_t i = 0; i < task->n_goal && st == PLAN_OK; i++)
    if (!task->goal[i].positive) {
      plan__buf_puts(b, n++ ? " and (not " : "(not ");
      plan__buf_puts(b, task->facts[task->goal[i].fact].name);
      plan__buf_putc(b, ')');
      st = b->status;
    }
  plan__free(facts);
  return st;
}

plan_status plan__pddl_text_action(const plan__pb_config *cfg,
                                   const char *action, plan__buf *b) {
  if (cfg)
    return plan__pb_action_text(cfg, action, b);
  return plan__buf_puts(b, action);
}

/* ======================================================================
 * Reverse: text -> atoms
 * ====================================================================== */

typedef struct span {
  const char *s;
  size_t n;
} span;

static span trim(span x) {
  while (x.n && isspace((unsigned char)x.s[0])) {
    x.s++;
    x.n--;
  }
  while (x.n && isspace((unsigned char)x.s[x.n - 1]))
    x.n--;
  return x;
}

static bool span_eq(span x, const char *s) {
  return strlen(s) == x.n && !memcmp(x.s, s, x.n);
}

/* Offset of needle in x at or after from, or SIZE_MAX. */
static size_t span_find(span x, size_t from, const char *needle, size_t m) {
  if (m == 0)
    return from;
  for (size_t i = from; i + m <= x.n; i++)
    if (!memcmp(x.s + i, needle, m))
      return i;
  return SIZE_MAX;
}

/* Matches clause against template t (both lowercase) with "{}" slots.
 * Slots capture non-empty text; a literal after a slot is searched from
 * the slot's second character, so "the {} is on top of the {}" splits
 * "the red block is on top of the blue block" as expected. Fills up to
 * max slots; returns the number of slots, or -1 when it does not match. */
static int match_template(const char *t, span clause, span *slots, int max) {
  /* Literal segments between slots. */
  const char *segs[9];
  size_t seg_len[9];
  int nseg = 0;
  const char *p = t;
  for (;;) {
    const char *q = strstr(p, "{}");
    if (nseg >= (int)PLAN_ARRAY_LEN(segs))
      return -1;
    segs[nseg] = p;
    seg_len[nseg] = q ? (size_t)(q - p) : strlen(p);
    nseg++;
    if (!q)
      break;
    p = q + 2;
  }
  int nslots = nseg - 1;
  if (nslots > max)
    return -1;
  if (clause.n < seg_len[0] || memcmp(clause.s, segs[0], seg_len[0]))
    return -1;
  if (nslots == 0)
    return clause.n == seg_len[0] ? 0 : -1;
  size_t pos = seg_len[0];
  for (int i = 1; i < nseg; i++) {
    size_t at;
    if (i == nseg - 1) {
      /* The last literal must end the clause. */
      if (clause.n < pos + 1 + seg_len[i])
        return -1;
      at = clause.n - seg_len[i];
      if (memcmp(clause.s + at, segs[i], seg_len[i]))
        return -1;
    } else {
      at = span_find(clause, pos + 1, segs[i], seg_len[i]);
      if (at == SIZE_MAX)
        return -1;
    }
    if (at <= pos)
      return -1;
    slots[i - 1] = trim((span){clause.s + pos, at - pos});
    if (slots[i - 1].n == 0)
      return -1;
    pos = at + seg_len[i];
  }
  return nslots;
}

static void put_lower_n(plan__buf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    plan__buf_putc(b, (char)tolower((unsigned char)s[i]));
}

/* Appends to b the object name whose NL text is x (lowercase). Returns
 * 1 when found, 0 when no object has that text, -1 on ENOMEM. */
static int reverse_object(const plan__pb_config *cfg, span x, plan__buf *b) {
  if (cfg->family == PLAN__PB_FAMILY_OTHER &&
      strstr(cfg->domain_name, "obfuscated")) {
    /* Forward wrote every 'o' as "object_". */
    for (size_t i = 0; i < x.n;) {
      if (i + 7 <= x.n && !memcmp(x.s + i, "object_", 7)) {
        plan__buf_putc(b, 'o');
        i += 7;
      } else {
        plan__buf_putc(b, x.s[i++]);
      }
    }
    return b->status != PLAN_OK ? -1 : x.n > 0;
  }
  for (size_t i = 0; i < cfg->n_objects; i++) {
    plan__buf lt;
    plan__buf_init(&lt, 0);
    put_lower_n(&lt, cfg->objects[i].value, strlen(cfg->objects[i].value));
    if (lt.status != PLAN_OK) {
      plan__buf_free(&lt);
      return -1;
    }
    bool ok = false;
    if (cfg->family == PLAN__PB_FAMILY_LOGISTICS) {
      /* "location_{}_{}" with digit slots -> "l" digits joined by '-'. */
      span slots[8];
      int ns = match_template(lt.data, x, slots, 8);
      ok = ns > 0;
      for (int k = 0; ok && k < ns; k++)
        for (size_t c = 0; c < slots[k].n; c++)
          ok = ok && isdigit((unsigned char)slots[k].s[c]);
      if (ok) {
        plan__buf_puts(b, cfg->objects[i].key);
        for (int k = 0; k < ns; k++) {
          if (k)
            plan__buf_putc(b, '-');
          plan__buf_append(b, slots[k].s, slots[k].n);
        }
      }
    } else if (span_eq(x, lt.data)) {
      ok = true;
      plan__buf_puts(b, cfg->objects[i].key);
    }
    plan__buf_free(&lt);
    if (ok)
      return b->status != PLAN_OK ? -1 : 1;
  }
  return 0;
}

typedef struct pred_tmpl {
  const char *pred;
  char *lower;    /* lowercased template */
  size_t literal; /* characters outside the slots */
} pred_tmpl;

static int tmpl_cmp(const void *a, const void *b) {
  const pred_tmpl *x = a;
  const pred_tmpl *y = b;
  if (x->literal != y->literal)
    return x->literal > y->literal ? -1 : 1;
  return strcmp(x->pred, y->pred);
}

/* Parses one lowercase clause into an atom "(pred obj ...)" in b.
 * Returns 1 when it names an atom, 0 when not, -1 on ENOMEM. */
static int parse_clause(const plan__pb_config *cfg, const pred_tmpl *ts,
                        size_t nt, span clause, plan__buf *b) {
  if (!cfg) {
    /* PDDL syntax: "(on a b)", whitespace normalised. */
    if (clause.n < 3 || clause.s[0] != '(' || clause.s[clause.n - 1] != ')')
      return 0;
    bool space = false;
    for (size_t i = 0; i < clause.n; i++) {
      char c = clause.s[i];
      if (isspace((unsigned char)c)) {
        space = true;
        continue;
      }
      if (space && b->len && b->data[b->len - 1] != '(' && c != ')')
        plan__buf_putc(b, ' ');
      space = false;
      plan__buf_putc(b, c);
    }
    return b->status != PLAN_OK ? -1 : 1;
  }
  for (size_t i = 0; i < nt; i++) {
    span slots[8];
    int ns = match_template(ts[i].lower, clause, slots, 8);
    if (ns < 0)
      continue;
    size_t mark = b->len;
    plan__buf_printf(b, "(%s", ts[i].pred);
    int ok = b->status != PLAN_OK ? -1 : 1;
    for (int k = 0; k < ns && ok == 1; k++) {
      plan__buf_putc(b, ' ');
      ok = reverse_object(cfg, slots[k], b);
    }
    if (ok == 1)
      plan__buf_putc(b, ')');
    if (ok == -1 || b->status != PLAN_OK)
      return -1;
    if (ok == 1)
      return 1;
    /* Undo and try the next template. */
    b->len = mark;
    if (b->data)
      b->data[mark] = '\0';
  }
  return 0;
}

/* Cuts the conditions out of a sentence: after the last "i have that"
 * (and a comma), else after "resulting state:" or "my goal is to have
 * that"; a final period goes. t is lowercase. */
static span conditions_of(span t) {
  static const char *const leads[] = {
      "i have that", "resulting state:", "my goal is to have that"};
  for (size_t k = 0; k < PLAN_ARRAY_LEN(leads); k++) {
    size_t m = strlen(leads[k]);
    size_t last = SIZE_MAX;
    for (size_t at = span_find(t, 0, leads[k], m); at != SIZE_MAX;
         at = span_find(t, at + 1, leads[k], m))
      last = at;
    if (last != SIZE_MAX) {
      t = (span){t.s + last + m, t.n - last - m};
      t = trim(t);
      if (t.n && t.s[0] == ',')
        t = (span){t.s + 1, t.n - 1};
      break;
    }
  }
  t = trim(t);
  while (t.n && (t.s[t.n - 1] == '.' || isspace((unsigned char)t.s[t.n - 1])))
    t.n--;
  return trim(t);
}

plan_status plan__pddl_text_parse_atoms(const plan__pb_config *cfg,
                                        const char *text, size_t len,
                                        plan__pb_plan *atoms,
                                        plan__pb_plan *unknown) {
  plan_status st = PLAN_OK;
  plan__buf low;
  plan__buf atom;
  plan__buf_init(&low, 0);
  plan__buf_init(&atom, 0);
  size_t nt = 0;
  pred_tmpl *ts = NULL;
  if (cfg && cfg->n_predicates) {
    ts = plan__calloc(cfg->n_predicates, sizeof *ts);
    if (!ts) {
      st = PLAN_ENOMEM;
      goto done;
    }
    for (size_t i = 0; i < cfg->n_predicates; i++) {
      const char *v = cfg->predicates[i].value;
      if (!v || !*v)
        continue; /* renders empty: never in the text */
      plan__buf lb;
      plan__buf_init(&lb, 0);
      put_lower_n(&lb, v, strlen(v));
      if (lb.status != PLAN_OK) {
        plan__buf_free(&lb);
        st = PLAN_ENOMEM;
        goto done;
      }
      size_t literal = lb.len;
      for (const char *q = strstr(lb.data, "{}"); q; q = strstr(q + 2, "{}"))
        literal -= 2;
      ts[nt++] =
          (pred_tmpl){cfg->predicates[i].key, plan__buf_take(&lb), literal};
    }
    qsort(ts, nt, sizeof *ts, tmpl_cmp);
  }
  put_lower_n(&low, text, len);
  if (low.status != PLAN_OK) {
    st = PLAN_ENOMEM;
    goto done;
  }
  /* One line: the conditions never span lines; take the first non-empty
   * one after the lead phrase. */
  span all = conditions_of((span){low.data ? low.data : "", low.len});
  for (size_t i = 0; i < all.n; i++)
    if (all.s[i] == '\n') {
      all.n = i;
      break;
    }
  all = trim(all);
  /* Clauses: split on ',' and on the word "and". */
  size_t pos = 0;
  while (pos <= all.n && st == PLAN_OK) {
    size_t comma = span_find(all, pos, ",", 1);
    size_t and_at = span_find(all, pos, " and ", 5);
    size_t end = PLAN_MIN(comma, and_at);
    if (end == SIZE_MAX)
      end = all.n;
    span clause = trim((span){all.s + pos, end - pos});
    if (clause.n >= 4 && !memcmp(clause.s, "and ", 4))
      clause = trim((span){clause.s + 4, clause.n - 4});
    if (clause.n) {
      plan__buf_reset(&atom);
      int got = parse_clause(cfg, ts, nt, clause, &atom);
      if (got < 0)
        st = PLAN_ENOMEM;
      else if (got)
        st = plan__pb_plan_push(atoms, atom.data, atom.len);
      else if (unknown)
        st = plan__pb_plan_push(unknown, clause.s, clause.n);
    }
    if (end >= all.n)
      break;
    pos = end + (end == comma ? 1 : 5);
  }
done:
  for (size_t i = 0; i < nt; i++)
    plan__free(ts[i].lower);
  plan__free(ts);
  plan__buf_free(&low);
  plan__buf_free(&atom);
  return st;
}

/* Normalises an atom or action text the way task names are written:
 * lowercase, one space between words, "(" and ")" tight, outer
 * parentheses added. Writes into out (cap bytes); false when it does not
 * fit (no task name is that long) or there is nothing. Allocation-free, so
 * a lookup can never mistake an allocation failure for an unknown name
 * (plan__pddl_*_lookup return -1 for both). */
static bool normalise_name(const char *s, size_t n, char *out, size_t cap) {
  size_t k = 0;
  span t = trim((span){s, n});
  bool paren = t.n && t.s[0] == '(';
  if (paren) {
    if (t.s[t.n - 1] != ')')
      return false;
    t = trim((span){t.s + 1, t.n - 2});
  }
  if (t.n == 0 || cap < 3)
    return false;
  out[k++] = '(';
  bool space = false;
  for (size_t i = 0; i < t.n; i++) {
    unsigned char c = (unsigned char)t.s[i];
    if (c == '(' || c == ')')
      return false;
    if (isspace(c)) {
      space = true;
      continue;
    }
    if (space) {
      if (k + 1 >= cap)
        return false;
      out[k++] = ' ';
    }
    space = false;
    if (k + 1 >= cap)
      return false;
    out[k++] = (char)tolower(c);
  }
  if (k + 2 > cap)
    return false;
  out[k++] = ')';
  out[k] = '\0';
  return true;
}

static int action_cmp(const void *key, const void *elem) {
  return strcmp(key, ((const plan__pddl_action *)elem)->name);
}

/* The id of the ground action named by s[0..n), or -1. */
static long find_action(const plan__pddl_task *task, const char *s, size_t n) {
  char name[512];
  if (!normalise_name(s, n, name, sizeof name))
    return -1;
  const plan__pddl_action *a = bsearch(name, task->actions, task->n_actions,
                                       sizeof *task->actions, action_cmp);
  return a ? (long)(a - task->actions) : -1;
}

/* The id of the fact named by an atom text, or -1. */
static long find_fact(const plan__pddl_task *task, const char *atom) {
  char name[512];
  if (!normalise_name(atom, strlen(atom), name, sizeof name))
    return -1;
  for (size_t f = 0; f < task->n_facts; f++)
    if (!strcmp(task->facts[f].name, name))
      return (long)f;
  return -1;
}

long plan__pddl_text_action_id(const plan__pddl_task *task, const char *name) {
  return find_action(task, name, strlen(name));
}

plan_status plan__pddl_text_parse_state(const plan__pb_config *cfg,
                                        const plan__pddl_task *task,
                                        const char *text, size_t len,
                                        uint64_t *out, size_t *n_unknown) {
  plan__pb_plan atoms = {0};
  plan__pb_plan unknown = {0};
  *n_unknown = 0;
  memset(out, 0, task->n_words * sizeof *out);
  plan_status st =
      plan__pddl_text_parse_atoms(cfg, text, len, &atoms, &unknown);
  if (st == PLAN_OK) {
    *n_unknown = unknown.n;
    for (size_t i = 0; i < atoms.n; i++) {
      long f = find_fact(task, atoms.steps[i]);
      if (f < 0)
        (*n_unknown)++;
      else
        out[(size_t)f >> 6] |= (uint64_t)1 << ((size_t)f & 63);
    }
    /* Static facts never change, and some render as nothing (the
     * Logistics type predicates): take them from the initial state. */
    for (uint32_t f = 0; f < task->n_facts; f++)
      if (task->facts[f].is_static && plan__pddl_state_has(task->init, f))
        out[f >> 6] |= (uint64_t)1 << (f & 63);
  }
  plan__pb_plan_free(&atoms);
  plan__pb_plan_free(&unknown);
  return st;
}

/* ======================================================================
 * Text -> task
 * ====================================================================== */

/* Appends every object an atom "(pred a b)" names to objs, once each. */
static plan_status collect_objects(const char *atom, plan__pb_plan *objs) {
  const char *p = strchr(atom, ' ');
  while (p && *p) {
    while (*p == ' ')
      p++;
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != ')')
      n++;
    if (n == 0)
      break;
    bool seen = false;
    for (size_t i = 0; i < objs->n && !seen; i++)
      seen = strlen(objs->steps[i]) == n && !memcmp(objs->steps[i], p, n);
    if (!seen && plan__pb_plan_push(objs, p, n) != PLAN_OK)
      return PLAN_ENOMEM;
    p += n;
  }
  return PLAN_OK;
}

plan_status plan__pddl_text_task(const plan__pb_config *cfg,
                                 const plan__pddl_domain *dom,
                                 const char *state_text, const char *goal_text,
                                 plan__pddl_task **out, plan_error *err) {
  *out = NULL;
  plan__pb_plan init = {0};
  plan__pb_plan goal = {0};
  plan__pb_plan unknown = {0};
  plan__pb_plan objs = {0};
  plan__buf prob;
  plan__buf_init(&prob, 0);
  plan__pddl_problem *pp = NULL;
  plan_status st = plan__pddl_text_parse_atoms(
      cfg, state_text, strlen(state_text), &init, &unknown);
  if (st == PLAN_OK)
    st = plan__pddl_text_parse_atoms(cfg, goal_text, strlen(goal_text), &goal,
                                     &unknown);
  if (st != PLAN_OK) {
    st = plan__error_set(err, st, 0, 0, "out of memory");
    goto done;
  }
  if (unknown.n) {
    st = plan__error_set(err, PLAN_EPARSE, 0, 0,
                         "no atom for the clause \"%.100s\"", unknown.steps[0]);
    goto done;
  }
  for (size_t i = 0; i < init.n && st == PLAN_OK; i++)
    st = collect_objects(init.steps[i], &objs);
  for (size_t i = 0; i < goal.n && st == PLAN_OK; i++)
    st = collect_objects(goal.steps[i], &objs);
  plan__buf_printf(&prob,
                   "(define (problem from-text) (:domain %s)\n"
                   "(:objects",
                   plan__pddl_domain_name(dom));
  for (size_t i = 0; i < objs.n; i++)
    plan__buf_printf(&prob, " %s", objs.steps[i]);
  plan__buf_puts(&prob, ")\n(:init");
  for (size_t i = 0; i < init.n; i++)
    plan__buf_printf(&prob, " %s", init.steps[i]);
  if (cfg && cfg->family == PLAN__PB_FAMILY_LOGISTICS) {
    static const char *const types[][2] = {{"p", "obj"},
                                           {"t", "truck"},
                                           {"a", "airplane"},
                                           {"l", "location"},
                                           {"c", "city"}};
    for (size_t i = 0; i < objs.n; i++)
      for (size_t k = 0; k < PLAN_ARRAY_LEN(types); k++)
        if (objs.steps[i][0] == types[k][0][0])
          plan__buf_printf(&prob, " (%s %s)", types[k][1], objs.steps[i]);
  }
  plan__buf_puts(&prob, ")\n(:goal (and");
  for (size_t i = 0; i < goal.n; i++)
    plan__buf_printf(&prob, " %s", goal.steps[i]);
  plan__buf_puts(&prob, ")))\n");
  if (st != PLAN_OK || prob.status != PLAN_OK) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto done;
  }
  st = plan__pddl_problem_parse(dom, prob.data, prob.len, "text", &pp, err);
  if (st == PLAN_OK)
    st = plan__pddl_task_create(dom, pp, out, err);
done:
  plan__pddl_problem_free(pp);
  plan__buf_free(&prob);
  plan__pb_plan_free(&init);
  plan__pb_plan_free(&goal);
  plan__pb_plan_free(&unknown);
  plan__pb_plan_free(&objs);
  return st;
}

/* ======================================================================
 * Text -> ground action
 * ====================================================================== */

/* The action whose config template matches the whole of t (lowercase, a
 * final period dropped), objects read back as for conditions: the reverse
 * of plan__pb_action_text. For configs outside the PlanBench families
 * (new domains such as data/pddl/cliffs), which have no upstream
 * extractor. Returns the id, -1 when no template or more than one ground
 * action matches, -2 on ENOMEM. */
static long action_from_templates(const plan__pb_config *cfg,
                                  const plan__pddl_task *task, span t) {
  plan__buf low;
  plan__buf tl;
  plan__buf atom;
  plan__buf_init(&low, 0);
  plan__buf_init(&tl, 0);
  plan__buf_init(&atom, 0);
  put_lower_n(&low, t.s, t.n);
  long id = low.status != PLAN_OK ? -2 : -1;
  span x = {low.data ? low.data : "", low.len};
  while (x.n && (x.s[x.n - 1] == '.' || isspace((unsigned char)x.s[x.n - 1])))
    x.n--;
  x = trim(x);
  for (size_t i = 0; i < cfg->n_actions && id != -2; i++) {
    plan__buf_reset(&tl);
    put_lower_n(&tl, cfg->actions[i].value, strlen(cfg->actions[i].value));
    if (tl.status != PLAN_OK) {
      id = -2;
      break;
    }
    span slots[8];
    int ns = match_template(tl.data ? tl.data : "", x, slots, 8);
    if (ns < 0)
      continue;
    plan__buf_reset(&atom);
    plan__buf_printf(&atom, "(%s", cfg->actions[i].key);
    int ok = 1;
    for (int k = 0; k < ns && ok == 1; k++) {
      plan__buf_putc(&atom, ' ');
      ok = reverse_object(cfg, slots[k], &atom);
    }
    plan__buf_putc(&atom, ')');
    if (ok == -1 || atom.status != PLAN_OK) {
      id = -2;
      break;
    }
    long a = ok == 1 ? find_action(task, atom.data, atom.len) : -1;
    if (a >= 0 && id >= 0 && a != id) {
      id = -1; /* two actions fit: ambiguous */
      break;
    }
    if (a >= 0)
      id = a;
  }
  plan__buf_free(&low);
  plan__buf_free(&tl);
  plan__buf_free(&atom);
  return id;
}

long plan__pddl_text_to_action(const plan__pb_config *cfg,
                               const plan__pddl_task *task, const char *text,
                               size_t len) {
  span t = trim((span){text, len});
  /* PDDL syntax anywhere in the text: the first parenthesised group. */
  for (size_t i = 0; i < t.n; i++) {
    if (t.s[i] != '(')
      continue;
    size_t j = i + 1;
    while (j < t.n && t.s[j] != ')' && t.s[j] != '(')
      j++;
    if (j < t.n && t.s[j] == ')') {
      long id = find_action(task, t.s + i, j - i + 1);
      if (id >= 0)
        return id;
    }
    break;
  }
  long id = -1;
  if (cfg) {
    char *copy = plan__strndup(t.s, t.n);
    if (!copy)
      return -2;
    plan__pb_plan steps = {0};
    bool failed = false;
    plan_status st =
        plan__pb_extract(cfg, PLAN__PB_X_NL, copy, &steps, &failed);
    if (st == PLAN_ENOMEM)
      id = -2;
    else if (st == PLAN_OK && !failed && steps.n == 1)
      id = find_action(task, steps.steps[0], strlen(steps.steps[0]));
    plan__pb_plan_free(&steps);
    plan__free(copy);
    if (id == -1 && cfg->family == PLAN__PB_FAMILY_OTHER)
      id = action_from_templates(cfg, task, t);
  }
  if (id == -1)
    id = find_action(task, t.s, t.n); /* "unstack a b" */
  return id;
}
