/* benchmarks/planbench/prompt.c: state and goal -> text, and the prompts
 * PlanBench sends for plan generation (its prompt_generation.py and
 * utils/pddl_to_text.py as of 2024-25).
 *
 * A state is written as its atoms sorted by "predicate arg ...", each
 * rendered with the config's predicate template and the objects' encoded
 * names, joined as "x, y and z". Atoms whose template renders empty (the
 * Logistics type predicates) are dropped. Templates are filled the way
 * Python's str.format fills "{}" slots: extra arguments are ignored, too
 * few raise. The upstream code skips an atom whose predicate has no
 * template (it catches that exception) but fails on an object without an
 * encoding; so do we.
 */
#include <string.h>

#include "benchmarks/planbench/planbench.h"

/* Fills template t's "{}" slots from args (str.format with positional
 * "{}" only; "{{" and "}}" are literal braces). PLAN_EINVAL when there are
 * more slots than arguments or a field other than "{}". */
static plan_status py_format(const char *t, const char *const *args, size_t n,
                             plan__buf *b) {
  size_t next = 0;
  for (const char *p = t; *p; p++) {
    if (p[0] == '{' && p[1] == '{') {
      plan__buf_putc(b, '{');
      p++;
    } else if (p[0] == '}' && p[1] == '}') {
      plan__buf_putc(b, '}');
      p++;
    } else if (p[0] == '{' && p[1] == '}') {
      if (next >= n)
        return PLAN_EINVAL;
      plan__buf_puts(b, args[next++]);
      p++;
    } else if (p[0] == '{' || p[0] == '}') {
      return PLAN_EINVAL;
    } else {
      plan__buf_putc(b, *p);
    }
  }
  return b->status;
}

plan_status plan__pb_object_text(const plan__pb_config *cfg, const char *obj,
                                 plan__buf *b) {
  if (cfg->family == PLAN__PB_FAMILY_OTHER &&
      strstr(cfg->domain_name, "obfuscated")) {
    for (const char *p = obj; *p; p++) {
      if (*p == 'o')
        plan__buf_puts(b, "object_");
      else
        plan__buf_putc(b, *p);
    }
    return b->status;
  }
  if (cfg->family == PLAN__PB_FAMILY_LOGISTICS) {
    /* OBJS[name[0]].format(*digits of name): "l0-1" -> "location_0_1". */
    char key[2] = {obj[0], '\0'};
    const char *t = plan__pb_pairs_get(cfg->objects, cfg->n_objects, key);
    if (!t)
      return PLAN_ENOTFOUND;
    char digits[64][2];
    const char *args[64];
    size_t n = 0;
    for (const char *p = obj; *p && n < PLAN_ARRAY_LEN(args); p++) {
      if (*p >= '0' && *p <= '9') {
        digits[n][0] = *p;
        digits[n][1] = '\0';
        args[n] = digits[n];
        n++;
      }
    }
    return py_format(t, args, n, b);
  }
  const char *v = plan__pb_pairs_get(cfg->objects, cfg->n_objects, obj);
  if (!v)
    return PLAN_ENOTFOUND;
  return plan__buf_puts(b, v);
}

typedef struct atom_key {
  char *key; /* "on a b" */
  uint32_t fact;
  size_t order;
} atom_key;

static int atom_cmp(const void *a, const void *b) {
  const atom_key *x = a;
  const atom_key *y = b;
  int c = strcmp(x->key, y->key);
  if (c)
    return c;
  return x->order < y->order ? -1 : x->order > y->order;
}

plan_status plan__pb_atoms_text(const plan__pb_config *cfg,
                                const plan__pddl_task *task,
                                const uint32_t *facts, size_t n, bool dedup,
                                plan__buf *b) {
  atom_key *keys = plan__calloc(n ? n : 1, sizeof *keys);
  plan__pb_plan parts = {0};
  plan__buf one;
  plan__buf_init(&one, 0);
  plan_status st = keys ? PLAN_OK : PLAN_ENOMEM;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    const plan__pddl_fact *f = &task->facts[facts[i]];
    plan__buf k;
    plan__buf_init(&k, 0);
    plan__buf_puts(&k, f->predicate);
    for (size_t a = 0; a < f->n_args; a++) {
      plan__buf_putc(&k, ' ');
      plan__buf_puts(&k, task->objects[f->args[a]]);
    }
    if (k.status != PLAN_OK) {
      plan__buf_free(&k);
      st = PLAN_ENOMEM;
      break;
    }
    keys[i] = (atom_key){plan__buf_take(&k), facts[i], i};
  }
  if (st == PLAN_OK)
    qsort(keys, n, sizeof *keys, atom_cmp);
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    if (dedup && i > 0 && !strcmp(keys[i].key, keys[i - 1].key))
      continue;
    const plan__pddl_fact *f = &task->facts[keys[i].fact];
    /* Objects first: an object without an encoding raises upstream. */
    plan__pb_plan objs = {0};
    for (size_t a = 0; a < f->n_args && st == PLAN_OK; a++) {
      plan__buf ob;
      plan__buf_init(&ob, 0);
      st = plan__pb_object_text(cfg, task->objects[f->args[a]], &ob);
      if (st == PLAN_OK)
        st = ob.status != PLAN_OK
                 ? PLAN_ENOMEM
                 : plan__pb_plan_push(&objs, ob.data ? ob.data : "", ob.len);
      plan__buf_free(&ob);
    }
    if (st == PLAN_OK) {
      const char *t =
          plan__pb_pairs_get(cfg->predicates, cfg->n_predicates, f->predicate);
      plan__buf_reset(&one);
      /* Unknown predicates and unfillable templates are skipped, as the
       * upstream try/except does. */
      if (t && py_format(t, (const char *const *)objs.steps, objs.n, &one) ==
                   PLAN_OK)
        st = plan__pb_plan_push(&parts, one.data ? one.data : "", one.len);
      else if (one.status != PLAN_OK)
        st = PLAN_ENOMEM;
    }
    plan__pb_plan_free(&objs);
  }
  if (st == PLAN_OK) {
    if (parts.n == 0) {
      st = PLAN_EINVAL;
    } else if (parts.n == 1) {
      plan__buf_puts(b, parts.steps[0]);
    } else {
      /* Empty renderings are dropped only when there are several. */
      size_t kept = 0;
      for (size_t i = 0; i < parts.n; i++)
        if (parts.steps[i][0])
          parts.steps[kept++] = parts.steps[i];
        else
          plan__free(parts.steps[i]);
      parts.n = kept;
      if (kept == 0) {
        st = PLAN_EINVAL;
      } else {
        for (size_t i = 0; i + 1 < kept; i++) {
          if (i)
            plan__buf_puts(b, ", ");
          plan__buf_puts(b, parts.steps[i]);
        }
        plan__buf_puts(b, " and ");
        plan__buf_puts(b, parts.steps[kept - 1]);
      }
    }
    if (st == PLAN_OK && b->status != PLAN_OK)
      st = PLAN_ENOMEM;
  }
  for (size_t i = 0; keys && i < n; i++)
    plan__free(keys[i].key);
  plan__free(keys);
  plan__pb_plan_free(&parts);
  plan__buf_free(&one);
  return st;
}

plan_status plan__pb_action_text(const plan__pb_config *cfg, const char *action,
                                 plan__buf *b) {
  /* action.strip("(").strip(")").split(" "): name, then objects. */
  const char *s = action;
  while (*s == '(')
    s++;
  size_t len = strlen(s);
  while (len > 0 && s[len - 1] == ')')
    len--;
  plan__pb_plan words = {0};
  size_t start = 0;
  plan_status st = PLAN_OK;
  for (size_t i = 0; i <= len && st == PLAN_OK; i++) {
    if (i == len || s[i] == ' ') {
      st = plan__pb_plan_push(&words, s + start, i - start);
      start = i + 1;
    }
  }
  const char *t =
      st == PLAN_OK
          ? plan__pb_pairs_get(cfg->actions, cfg->n_actions, words.steps[0])
          : NULL;
  if (st == PLAN_OK && !t)
    st = PLAN_ENOTFOUND;
  plan__pb_plan objs = {0};
  for (size_t i = 1; i < words.n && st == PLAN_OK; i++) {
    plan__buf ob;
    plan__buf_init(&ob, 0);
    st = plan__pb_object_text(cfg, words.steps[i], &ob);
    if (st == PLAN_OK)
      st = ob.status != PLAN_OK
               ? PLAN_ENOMEM
               : plan__pb_plan_push(&objs, ob.data ? ob.data : "", ob.len);
    plan__buf_free(&ob);
  }
  if (st == PLAN_OK)
    st = py_format(t, (const char *const *)objs.steps, objs.n, b);
  plan__pb_plan_free(&objs);
  plan__pb_plan_free(&words);
  return st;
}

/* Python's str.strip() on ASCII text. */
static void put_stripped(plan__buf *b, const char *s) {
  size_t n = strlen(s);
  while (n > 0 && strchr(" \t\n\r\v\f", s[0])) {
    s++;
    n--;
  }
  while (n > 0 && strchr(" \t\n\r\v\f", s[n - 1]))
    n--;
  plan__buf_append(b, s, n);
}

/* fill_template: the [STATEMENT] block of one instance. plan is the
 * example's plan (NULL for the query); instruction selects the zero-shot
 * ending. */
static plan_status statement(const plan__pb_config *cfg,
                             const plan__pddl_task *task,
                             const plan__pb_plan *plan, bool instruction,
                             plan__buf *out) {
  plan__buf init;
  plan__buf goal;
  plan__buf text;
  plan__buf_init(&init, 0);
  plan__buf_init(&goal, 0);
  plan__buf_init(&text, 0);
  uint32_t *gf = plan__calloc(task->n_goal ? task->n_goal : 1, sizeof *gf);
  plan_status st = gf ? PLAN_OK : PLAN_ENOMEM;
  for (size_t i = 0; i < task->n_goal && st == PLAN_OK; i++) {
    if (!task->goal[i].positive)
      st = PLAN_EINVAL; /* the upstream text layer has no negated goals */
    gf[i] = task->goal[i].fact;
  }
  if (st == PLAN_OK)
    st = plan__pb_atoms_text(cfg, task, task->init_facts, task->n_init_facts,
                             true, &init);
  if (st == PLAN_OK)
    st = plan__pb_atoms_text(cfg, task, gf, task->n_goal, false, &goal);
  if (st == PLAN_OK) {
    if (init.len) {
      plan__buf_puts(&text, "\n[STATEMENT]\nAs initial conditions I have "
                            "that, ");
      put_stripped(&text, init.data);
      plan__buf_putc(&text, '.');
    }
    if (goal.len)
      plan__buf_printf(&text, "\nMy goal is to have that %s.", goal.data);
    if (instruction) {
      plan__buf_puts(&text, "\n\nWhat is the plan to achieve my goal? Just "
                            "give the actions in the plan.");
    } else {
      plan__buf_puts(&text, "\n\nMy plan is as follows:\n\n[PLAN]");
      if (plan) {
        plan__buf_putc(&text, '\n');
        for (size_t i = 0; i < plan->n && st == PLAN_OK; i++) {
          st = plan__pb_action_text(cfg, plan->steps[i], &text);
          plan__buf_putc(&text, '\n');
        }
        plan__buf_puts(&text, "[PLAN END]\n");
      }
    }
  }
  if (st == PLAN_OK && text.status != PLAN_OK)
    st = PLAN_ENOMEM;
  if (st == PLAN_OK) {
    /* PlanBench's Blocksworld rewrite of the whole block. */
    if (strstr(cfg->domain_name, "blocksworld")) {
      const char *p = text.data ? text.data : "";
      while (*p) {
        if (*p == '-') {
          plan__buf_putc(out, ' ');
          p++;
        } else if (!strncmp(p, "ontable", 7)) {
          plan__buf_puts(out, "on the table");
          p += 7;
        } else {
          plan__buf_putc(out, *p++);
        }
      }
    } else {
      plan__buf_append(out, text.data ? text.data : "", text.len);
    }
    if (out->status != PLAN_OK)
      st = PLAN_ENOMEM;
  }
  plan__free(gf);
  plan__buf_free(&init);
  plan__buf_free(&goal);
  plan__buf_free(&text);
  return st;
}

static const char pddl_oneshot_head[] =
    "Here is a pddl domain, an example problem and it's corresponding plan. "
    "Provide the plan for the query problem. Provide only the pddl syntax "
    "for the plan.\n";
static const char pddl_zeroshot_head_2023[] =
    "Here is a pddl domain, a planning problem. Provide the plan for the "
    "query problem. Provide only the pddl syntax for the plan where each "
    "action is represented as (ACTION_NAME OBJECTS).\n";
static const char pddl_zeroshot_head[] =
    "The following is a PDDL specification of a planning problem. The first "
    "part, under the heading [DOMAIN], is the domain file. The second part, "
    "under the heading [QUERY PROBLEM], is the problem file. Using this "
    "information, which is correct, and no further assumptions, find a "
    "plan which, when run from the specified initial state, satisfies the "
    "specified goal. Provide your answer as a sequence of actions in PDDL "
    "format. An action ACTION which acts on two objects OBJ1 and OBJ2 would "
    "be written (ACTION OBJ1 OBJ2). Do not provide anything else in your "
    "answer.\n";

/* The 2024 zero-shot PDDL prompt rewrites the problem as
 * "(define" + problem.split("(define")[1][:-1].strip() + "\n)". */
static plan_status rewrap_problem(const char *problem, plan__buf *b) {
  const char *d = strstr(problem, "(define");
  if (!d)
    return PLAN_EINVAL;
  const char *s = d + 7;
  const char *e = strstr(s, "(define");
  size_t n = e ? (size_t)(e - s) : strlen(s);
  if (n > 0)
    n--; /* [:-1] */
  plan__buf mid;
  plan__buf_init(&mid, 0);
  plan__buf_append(&mid, s, n);
  plan__buf_puts(b, "(define");
  put_stripped(b, mid.data ? mid.data : "");
  plan__buf_puts(b, "\n)");
  plan_status st = mid.status;
  plan__buf_free(&mid);
  return st;
}

plan_status plan__pb_prompt(const plan__pb_prompt_input *in, plan__buf *b) {
  if (!in || !in->cfg || !b)
    return PLAN_EINVAL;
  const plan__pb_config *cfg = in->cfg;
  plan_status st = PLAN_OK;
  switch (in->kind) {
  case PLAN__PB_PROMPT_ONESHOT:
    if (!cfg->domain_intro || !in->task || !in->example_task ||
        !in->example_plan)
      return PLAN_EINVAL;
    plan__buf_puts(b, cfg->domain_intro);
    st = statement(cfg, in->example_task, in->example_plan, false, b);
    if (st == PLAN_OK)
      st = statement(cfg, in->task, NULL, false, b);
    break;
  case PLAN__PB_PROMPT_ZEROSHOT: {
    const char *intro = cfg->domain_intro_zero_shot
                            ? cfg->domain_intro_zero_shot
                            : cfg->domain_intro;
    if (!intro || !in->task)
      return PLAN_EINVAL;
    plan__buf_puts(b, intro);
    st = statement(cfg, in->task, NULL, true, b);
    break;
  }
  case PLAN__PB_PROMPT_PDDL_ONESHOT:
    if (!in->domain_pddl || !in->problem_pddl || !in->example_problem_pddl ||
        !in->example_plan)
      return PLAN_EINVAL;
    plan__buf_puts(b, pddl_oneshot_head);
    plan__buf_puts(b, "[DOMAIN]\n");
    put_stripped(b, in->domain_pddl);
    plan__buf_puts(b, "\n\n[PROBLEM]\n");
    put_stripped(b, in->example_problem_pddl);
    plan__buf_puts(b, "\n\n[PLAN]\n");
    {
      plan__buf plan;
      plan__buf_init(&plan, 0);
      plan__pb_plan_join(in->example_plan, &plan);
      put_stripped(b, plan.data ? plan.data : "");
      plan__buf_free(&plan);
    }
    plan__buf_puts(b, "\n[PLAN_END]\n\n[QUERY PROBLEM]\n");
    put_stripped(b, in->problem_pddl);
    plan__buf_puts(b, "\n\n");
    break;
  case PLAN__PB_PROMPT_PDDL_ZEROSHOT:
    if (!in->domain_pddl || !in->problem_pddl)
      return PLAN_EINVAL;
    plan__buf_puts(b, in->legacy_2023 ? pddl_zeroshot_head_2023
                                      : pddl_zeroshot_head);
    plan__buf_puts(b, "[DOMAIN]\n");
    put_stripped(b, in->domain_pddl);
    plan__buf_puts(b, "\n\n[QUERY PROBLEM]\n");
    if (in->legacy_2023) {
      put_stripped(b, in->problem_pddl);
      plan__buf_puts(b, "\n\n");
    } else {
      plan__buf q;
      plan__buf_init(&q, 0);
      st = rewrap_problem(in->problem_pddl, &q);
      put_stripped(b, q.data ? q.data : "");
      plan__buf_free(&q);
      plan__buf_puts(b, "\n\n[PLAN]");
    }
    break;
  default: return PLAN_EINVAL;
  }
  if (st == PLAN_OK && in->legacy_2023)
    plan__buf_putc(b, '\n');
  if (st == PLAN_OK && b->status != PLAN_OK)
    st = b->status;
  return st;
}
