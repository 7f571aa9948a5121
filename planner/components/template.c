/* planner/components/template.c: the prompt template engine and the
 * template set (built-in defaults, overridable by file name from a user
 * folder). A template is plain text with {{name}} placeholders; see
 * docs/prompts.md for the names, the files and the override rules. The
 * engine is deliberately tiny: no conditionals, no loops, no escapes but
 * {{open}}. Every template is checked when it is loaded, so a typo in an
 * override fails before the first LLM call, naming the file and the line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "planner/components/components.h"

/* ======================================================================
 * Names
 * ====================================================================== */

static const char *const family_names[PLAN__FAMILY_COUNT] = {"pddl", "text"};
static const char *const role_names[PLAN__ROLE_COUNT] = {
    "system",      "propose", "propose-list", "value",
    "value-first", "world",   "judge"};

/* File names, one per (family, role), built once from the tables above. */
static const char *const file_names[PLAN__FAMILY_COUNT][PLAN__ROLE_COUNT] = {
    {"pddl-system.txt", "pddl-propose.txt", "pddl-propose-list.txt",
     "pddl-value.txt", "pddl-value-first.txt", "pddl-world.txt",
     "pddl-judge.txt"},
    {"text-system.txt", "text-propose.txt", "text-propose-list.txt",
     "text-value.txt", "text-value-first.txt", "text-world.txt",
     "text-judge.txt"}};

const char *plan__prompt_file(plan__prompt_family f, plan__prompt_role r) {
  if ((unsigned)f >= PLAN__FAMILY_COUNT || (unsigned)r >= PLAN__ROLE_COUNT)
    return "";
  return file_names[f][r];
}

/* The placeholders a role cannot do without: a template without them would
 * send the model a prompt that lacks the very thing it must reason about. */
static const char *const *role_needs(plan__prompt_role r) {
  static const char *const none[] = {NULL};
  static const char *const state_goal[] = {"state", "goal", NULL};
  static const char *const list[] = {"state", "goal", "k", NULL};
  static const char *const world[] = {"state", "action", NULL};
  switch (r) {
  case PLAN__ROLE_PROPOSE:
  case PLAN__ROLE_VALUE:
  case PLAN__ROLE_VALUE_FIRST:
  case PLAN__ROLE_JUDGE: return state_goal;
  case PLAN__ROLE_PROPOSE_LIST: return list;
  case PLAN__ROLE_WORLD: return world;
  default: return none;
  }
}

/* ======================================================================
 * The engine
 * ====================================================================== */

static const char *const known[] = {"domain",  "state",  "goal", "actions",
                                    "history", "action", "k",    "open"};

static int line_of(const char *text, const char *at) {
  int line = 1;
  for (const char *p = text; p < at; p++)
    if (*p == '\n')
      line++;
  return line;
}

/* Scans the placeholder that starts at p ("{{"). On success sets *name and
 * *name_len and returns the character after "}}"; NULL for an unclosed
 * placeholder. Only [a-z_] may appear between the braces; anything else
 * makes the placeholder unknown (reported with its text). */
static const char *scan(const char *p, const char **name, size_t *name_len) {
  const char *s = p + 2;
  const char *e = strstr(s, "}}");
  const char *nl = strchr(s, '\n');
  if (!e || (nl && nl < e))
    return NULL;
  *name = s;
  *name_len = (size_t)(e - s);
  return e + 2;
}

static int known_index(const char *name, size_t len) {
  for (size_t i = 0; i < PLAN_ARRAY_LEN(known); i++)
    if (strlen(known[i]) == len && !memcmp(known[i], name, len))
      return (int)i;
  return -1;
}

/* Walks text; with b non-NULL renders into it. One function for check and
 * render keeps their notion of a placeholder identical. */
static plan_status walk(const char *text, const char *source,
                        const plan__prompt_vars *v, plan__buf *b,
                        plan_error *err) {
  const char *p = text;
  while (*p) {
    const char *open = strstr(p, "{{");
    if (!open) {
      if (b)
        plan__buf_puts(b, p);
      break;
    }
    if (b)
      plan__buf_append(b, p, (size_t)(open - p));
    const char *name = NULL;
    size_t len = 0;
    const char *after = scan(open, &name, &len);
    if (!after)
      return plan__error_set(err, PLAN_EPARSE, line_of(text, open), 0,
                             "%s:%d: unclosed {{", source, line_of(text, open));
    int idx = known_index(name, len);
    if (idx < 0)
      return plan__error_set(err, PLAN_EPARSE, line_of(text, open), 0,
                             "%s:%d: unknown placeholder {{%.*s}}", source,
                             line_of(text, open), (int)PLAN_MIN(len, 40), name);
    if (b) {
      const char *val = NULL;
      switch (idx) {
      case 0: val = v->domain; break;
      case 1: val = v->state; break;
      case 2: val = v->goal; break;
      case 3: val = v->actions; break;
      case 4: val = v->history; break;
      case 5: val = v->action; break;
      case 6: plan__buf_printf(b, "%u", v->k); break;
      default: val = "{{"; break;
      }
      if (val)
        plan__buf_puts(b, val);
    }
    p = after;
  }
  if (b && b->status != PLAN_OK)
    return plan__error_set(err, b->status, 0, 0, "%s: out of memory", source);
  return PLAN_OK;
}

plan_status plan__template_check(const char *text, const char *source,
                                 plan_error *err) {
  return walk(text, source, NULL, NULL, err);
}

bool plan__template_uses(const char *text, const char *name) {
  const char *p = text;
  size_t want = strlen(name);
  while ((p = strstr(p, "{{")) != NULL) {
    const char *n = NULL;
    size_t len = 0;
    const char *after = scan(p, &n, &len);
    if (!after)
      return false;
    if (len == want && !memcmp(n, name, len))
      return true;
    p = after;
  }
  return false;
}

plan_status plan__template_render(const char *text, const char *source,
                                  const plan__prompt_vars *v, plan__buf *b,
                                  plan_error *err) {
  static const plan__prompt_vars empty = {0};
  return walk(text, source, v ? v : &empty, b, err);
}

/* ======================================================================
 * The set
 * ====================================================================== */

struct plan__prompts {
  /* text: built-in (static) or an override (owned); source: owned. */
  const char *text[PLAN__FAMILY_COUNT][PLAN__ROLE_COUNT];
  char *owned[PLAN__FAMILY_COUNT][PLAN__ROLE_COUNT];
  char *source[PLAN__FAMILY_COUNT][PLAN__ROLE_COUNT];
};

void plan__prompts_free(plan__prompts *p) {
  if (!p)
    return;
  for (int f = 0; f < PLAN__FAMILY_COUNT; f++)
    for (int r = 0; r < PLAN__ROLE_COUNT; r++) {
      plan__free(p->owned[f][r]);
      plan__free(p->source[f][r]);
    }
  plan__free(p);
}

/* Reads dir/file into *out when it exists. A missing file is not an error
 * (*out stays NULL); any other failure to open or read is PLAN_EIO. */
static plan_status read_override(const char *dir, const char *file, char **out,
                                 char **path_out, plan_error *err) {
  plan__buf path;
  plan__buf_init(&path, 0);
  plan__buf_printf(&path, "%s/%s", dir, file);
  if (path.status != PLAN_OK) {
    plan__buf_free(&path);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  FILE *fp = fopen(path.data, "rb");
  if (!fp) {
    int e = errno;
    plan_status st = PLAN_OK;
    if (e != ENOENT)
      st = plan__error_set(err, PLAN_EIO, 0, 0, "%s: %s", path.data,
                           strerror(e));
    plan__buf_free(&path);
    return st;
  }
  fclose(fp);
  size_t len = 0;
  plan_status st = plan__read_file(path.data, 1u << 20, out, &len, err);
  if (st == PLAN_OK && strlen(*out) != len) {
    st = plan__error_set(err, PLAN_EPARSE, 0, 0, "%s: contains a NUL byte",
                         path.data);
    plan__free(*out);
    *out = NULL;
  }
  if (st == PLAN_OK)
    *path_out = plan__buf_take(&path);
  plan__buf_free(&path);
  return st;
}

plan_status plan__prompts_load(const char *dir, plan__prompts **out,
                               plan_error *err) {
  *out = NULL;
  plan__prompts *p = plan__calloc(1, sizeof *p);
  if (!p)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  plan_status st = PLAN_OK;
  for (int f = 0; f < PLAN__FAMILY_COUNT && st == PLAN_OK; f++) {
    for (int r = 0; r < PLAN__ROLE_COUNT && st == PLAN_OK; r++) {
      const char *file = file_names[f][r];
      char *text = NULL;
      char *path = NULL;
      if (dir && *dir)
        st = read_override(dir, file, &text, &path, err);
      if (st != PLAN_OK)
        break;
      if (text) {
        p->owned[f][r] = text;
        p->text[f][r] = text;
        p->source[f][r] = path;
      } else {
        p->text[f][r] = plan__prompt_builtin(file);
        plan__buf src;
        plan__buf_init(&src, 0);
        plan__buf_printf(&src, "builtin:%s", file);
        if (src.status != PLAN_OK || !PLAN_ALWAYS(p->text[f][r] != NULL)) {
          plan__buf_free(&src);
          st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
          break;
        }
        p->source[f][r] = plan__buf_take(&src);
      }
      st = plan__template_check(p->text[f][r], p->source[f][r], err);
      for (const char *const *need = role_needs((plan__prompt_role)r);
           st == PLAN_OK && *need; need++)
        if (!plan__template_uses(p->text[f][r], *need))
          st = plan__error_set(err, PLAN_EINVAL, 0, 0,
                               "%s: the %s template of family %s needs the "
                               "placeholder {{%s}}",
                               p->source[f][r], role_names[r], family_names[f],
                               *need);
    }
  }
  if (st != PLAN_OK) {
    plan__prompts_free(p);
    return st;
  }
  *out = p;
  return PLAN_OK;
}

const char *plan__prompts_text(const plan__prompts *p, plan__prompt_family f,
                               plan__prompt_role r) {
  if (!p || (unsigned)f >= PLAN__FAMILY_COUNT ||
      (unsigned)r >= PLAN__ROLE_COUNT)
    return "";
  return p->text[f][r];
}

const char *plan__prompts_source(const plan__prompts *p, plan__prompt_family f,
                                 plan__prompt_role r) {
  if (!p || (unsigned)f >= PLAN__FAMILY_COUNT ||
      (unsigned)r >= PLAN__ROLE_COUNT)
    return "";
  return p->source[f][r];
}
