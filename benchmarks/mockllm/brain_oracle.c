/* benchmarks/mockllm/brain_oracle.c: the noisy PDDL domain oracle, a brain
 * of the mockllm TEST DOUBLE. It measures search without a real model: it
 * reads the prompts of the search components (data/prompts/pddl-*.txt,
 * contract in docs/prompts.md), recovers state, goal, action and history
 * from their PlanBench natural language, and answers every role from the
 * exact PDDL simulator (worldmodel/pddl) and the optimal planner
 * (solvers/strips), with seeded noise:
 *
 *   propose, propose-list  applicable actions, uniformly; each proposed item
 *                          is an inapplicable ground action with the level's
 *                          rate
 *   world                  the true next state; with the level's rate a
 *                          wrong one (another action's successor, or one
 *                          fact toggled)
 *   value                  v = 1 - h/h0 (h the optimal distance to the goal,
 *                          h0 that of the problem's initial state; goal 1,
 *                          dead end 0) plus Gaussian noise of the level's
 *                          sigma, mapped to the prompt's rubric
 *   judge                  Status: success / on track / failure, exact
 *
 * and, before all of that, an unparseable answer with the level's
 * malformed rate. Every random draw comes from a PRNG seeded with a hash of
 * the whole prompt (every message), --seed, the request's seed and the
 * choice index, so the same request always gets the same answer, whatever
 * order requests arrive in. Requests share only read-only tables built at
 * create, so replies run on many threads at once; each connection thread
 * keeps the last prompt it read and grounded, so that the n choices of a
 * request (and repeated prompts) are prepared once.
 * Every reply names the model "mockllm-oracle-test-double". docs/mockllm.md
 * ("The oracle brain") describes it for users. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchmarks/mockllm/mockllm.h"
#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"
#include "planner/components/components.h"
#include "solvers/strips/strips.h"
#include "worldmodel/pddl/pddl.h"

#define ORACLE_MODEL "mockllm-oracle-test-double"
#define ORACLE_MAX_PROBLEMS 100000
#define ORACLE_MAX_PROBLEM_BYTES (4u << 20)
#define ORACLE_ASTAR_NODES 200000 /* then h_FF stands in for h* */

/* ======================================================================
 * Noise levels
 * ====================================================================== */

/* The named levels of issue 5; values are on a 0-1 scale before the rubric
 * maps them. "none" gives the exact answers. */
struct noise {
  const char *name;
  double inapplicable; /* rate of inapplicable proposed actions */
  double wrong_state;  /* rate of wrong world-model states */
  double sigma;        /* Gaussian noise on values */
  double malformed;    /* rate of unparseable answers, every role */
};

static const struct noise noise_levels[] = {
    {"none", 0.0, 0.0, 0.0, 0.0},
    {"low", 0.10, 0.05, 0.10, 0.02},
    {"middle", 0.30, 0.15, 0.25, 0.05},
    {"high", 0.50, 0.30, 0.40, 0.10},
};

/* Replies that no component parser accepts: no action phrase, no list, no
 * rubric word (sure, likely, impossible, success, on track, failure), no
 * number, no state condition and no complete JSON. */
static const char *const malformed_texts[] = {
    "Let me think about this carefully before answering.",
    "Hmm, I would need to look at the blocks again to tell.",
    "{\"answer\": \"",
};

/* ======================================================================
 * The brain's read-only tables
 * ====================================================================== */

/* A problem of --problem-dir: prompts whose goal and objects match it are
 * grounded with its object declarations, and its initial state gives h0. */
struct problem {
  char *path;
  plan__pddl_task *task;
  char *objects_block; /* the "(:objects ...)" text as written, or NULL */
  char *goal_key;      /* sorted goal atoms, space-separated */
  char *objects_key;   /* sorted object names, space-separated */
};

struct oracle {
  const struct noise *noise;
  uint64_t seed;
  plan__pddl_domain *dom;
  plan__pb_config *cfg;
  struct problem *problems;
  size_t n_problems;
  /* Each connection thread keeps the prompt it read last (struct
   * prepared), so the n choices of one request read and ground it once. */
  pthread_key_t cache;
  bool have_cache;
};

/* ======================================================================
 * Small helpers
 * ====================================================================== */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool prefix_ci(const char *s, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (ascii_lower(s[i]) != ascii_lower(p[i]))
      return false;
  return true;
}

/* A list of owned strings. */
struct strs {
  char **v;
  size_t n, cap;
};

static bool strs_push(struct strs *l, const char *s, size_t len) {
  if (plan__grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != PLAN_OK)
    return false;
  char *c = plan__strndup(s, len);
  if (!c)
    return false;
  l->v[l->n++] = c;
  return true;
}

static void strs_free(struct strs *l) {
  for (size_t i = 0; i < l->n; i++)
    plan__free(l->v[i]);
  plan__free(l->v);
  memset(l, 0, sizeof *l);
}

static bool strs_has(const struct strs *l, const char *s) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->v[i], s) == 0)
      return true;
  return false;
}

/* Sorts l and joins it with single spaces into b (the match keys). */
static void strs_key(struct strs *l, plan__buf *b) {
  if (l->n > 1)
    qsort(l->v, l->n, sizeof *l->v, cmp_str);
  for (size_t i = 0; i < l->n; i++) {
    if (i)
      plan__buf_putc(b, ' ');
    plan__buf_puts(b, l->v[i]);
  }
}

/* Appends the object names of atom "(pred a b)" to l, skipping names
 * already there. */
static bool atom_objects(const char *atom, struct strs *l) {
  const char *p = atom;
  if (*p == '(')
    p++;
  while (*p && *p != ' ' && *p != ')')
    p++; /* the predicate */
  for (;;) {
    while (*p == ' ')
      p++;
    if (!*p || *p == ')')
      return true;
    const char *w = p;
    while (*p && *p != ' ' && *p != ')')
      p++;
    char name[128];
    size_t n = (size_t)(p - w);
    if (n >= sizeof name)
      return false;
    memcpy(name, w, n);
    name[n] = '\0';
    if (!strs_has(l, name) && !strs_push(l, name, n))
      return false;
  }
}

/* A standard normal deviate (Box-Muller) from r. */
static double gaussian(plan__rng *r) {
  double u1 = plan__rng_double(r);
  double u2 = plan__rng_double(r);
  if (u1 < 1e-300)
    u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ======================================================================
 * Create: domain, PlanBench config, problems
 * ====================================================================== */

/* Finds the PlanBench config for the domain file when --pb-config is not
 * given: the folder above "instances/" holds "configs/", and the config
 * whose domain_file names this file (first in name order) is the one. */
static bool find_config(const char *domain_path, plan__pb_config **out,
                        char *err, size_t errsize) {
  const char *inst = strstr(domain_path, "instances/");
  const char *next;
  while (inst && (next = strstr(inst + 1, "instances/")) != NULL)
    inst = next;
  if (!inst) {
    plan__fmt(err, errsize,
              "oracle brain: %s is not under a PlanBench instances/ folder; "
              "pass --pb-config FILE",
              domain_path);
    return false;
  }
  char *data_dir = plan__strndup(domain_path, (size_t)(inst - domain_path));
  const char *rel = inst + strlen("instances/");
  plan__buf dir;
  plan__buf_init(&dir, 0);
  plan__buf_printf(&dir, "%sconfigs", data_dir ? data_dir : "");
  DIR *d = data_dir && dir.status == PLAN_OK ? opendir(dir.data) : NULL;
  struct strs names = {0};
  bool ok = d != NULL;
  for (struct dirent *e; ok && (e = readdir(d)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0)
      ok = strs_push(&names, e->d_name, n - 5);
  }
  if (d)
    closedir(d);
  if (names.n > 1)
    qsort(names.v, names.n, sizeof *names.v, cmp_str);
  *out = NULL;
  for (size_t i = 0; ok && i < names.n && !*out; i++) {
    plan__pb_config *c = NULL;
    plan_error perr;
    if (plan__pb_config_load(data_dir, names.v[i], &c, &perr) != PLAN_OK)
      continue;
    if (c->domain_file && strcmp(c->domain_file, rel) == 0 &&
        c->n_predicates > 0)
      *out = c;
    else
      plan__pb_config_free(c);
  }
  if (!*out)
    plan__fmt(err, errsize,
              "oracle brain: no config in %s names %s as its domain_file; "
              "pass --pb-config FILE",
              dir.data ? dir.data : "configs", rel);
  strs_free(&names);
  plan__buf_free(&dir);
  plan__free(data_dir);
  return *out != NULL;
}

static bool load_config(const char *path, plan__pb_config **out, char *err,
                        size_t errsize) {
  plan_error perr;
  memset(&perr, 0, sizeof perr);
  if (plan__pb_config_load_file(path, out, &perr) != PLAN_OK) {
    plan__fmt(err, errsize, "oracle brain: %s", perr.text);
    return false;
  }
  return true;
}

/* The "(:objects ...)" block of a problem file as written (its types
 * included), or NULL when it has none. Comments are not expected inside. */
static char *objects_block(const char *text) {
  const char *p = text;
  for (; (p = strchr(p, '(')) != NULL; p++) {
    const char *q = p + 1;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
      q++;
    if (prefix_ci(q, ":objects", 8))
      break;
  }
  if (!p)
    return NULL;
  const char *e = strchr(p, ')');
  return e ? plan__strndup(p, (size_t)(e - p + 1)) : NULL;
}

static bool load_problem(struct oracle *o, const char *path, struct problem *pr,
                         char *err, size_t errsize) {
  memset(pr, 0, sizeof *pr);
  plan_error perr;
  char *text = NULL;
  size_t len = 0;
  plan__pddl_problem *prob = NULL;
  if (plan__read_file(path, ORACLE_MAX_PROBLEM_BYTES, &text, &len, &perr) !=
          PLAN_OK ||
      plan__pddl_problem_parse(o->dom, text, len, path, &prob, &perr) !=
          PLAN_OK ||
      plan__pddl_task_create(o->dom, prob, &pr->task, &perr) != PLAN_OK) {
    plan__fmt(err, errsize, "oracle brain: %s", perr.text);
    plan__pddl_problem_free(prob);
    plan__free(text);
    return false;
  }
  plan__pddl_problem_free(prob);
  pr->objects_block = objects_block(text);
  plan__free(text);
  pr->path = plan__strdup(path);
  const plan__pddl_task *t = pr->task;
  struct strs goal = {0};
  struct strs objs = {0};
  bool ok = true;
  for (size_t i = 0; ok && i < t->n_goal; i++)
    if (t->goal[i].positive) {
      const char *f = t->facts[t->goal[i].fact].name;
      ok = strs_push(&goal, f, strlen(f));
    }
  for (size_t i = 0; ok && i < t->n_objects; i++)
    ok = strs_push(&objs, t->objects[i], strlen(t->objects[i]));
  plan__buf gk;
  plan__buf ok_key;
  plan__buf_init(&gk, 0);
  plan__buf_init(&ok_key, 0);
  strs_key(&goal, &gk);
  strs_key(&objs, &ok_key);
  ok = ok && gk.status == PLAN_OK && ok_key.status == PLAN_OK && pr->path;
  pr->goal_key = plan__buf_take(&gk);
  pr->objects_key = plan__buf_take(&ok_key);
  plan__buf_free(&gk);
  plan__buf_free(&ok_key);
  strs_free(&goal);
  strs_free(&objs);
  if (!ok)
    plan__fmt(err, errsize, "oracle brain: out of memory");
  return ok;
}

static void problem_free(struct problem *pr) {
  plan__free(pr->path);
  plan__pddl_task_free(pr->task);
  plan__free(pr->objects_block);
  plan__free(pr->goal_key);
  plan__free(pr->objects_key);
}

/* Loads every *.pddl file of dir (sorted by name) as a problem. */
static bool load_problems(struct oracle *o, const char *dir, char *err,
                          size_t errsize) {
  DIR *d = opendir(dir);
  if (!d) {
    plan__fmt(err, errsize, "oracle brain: cannot open --problem-dir %s", dir);
    return false;
  }
  struct strs names = {0};
  bool ok = true;
  for (struct dirent *e; ok && (e = readdir(d)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n > 5 && strcmp(e->d_name + n - 5, ".pddl") == 0 &&
        strstr(e->d_name, "domain") == NULL)
      ok = names.n < ORACLE_MAX_PROBLEMS && strs_push(&names, e->d_name, n);
  }
  closedir(d);
  if (names.n > 1)
    qsort(names.v, names.n, sizeof *names.v, cmp_str);
  if (ok && names.n)
    o->problems = plan__calloc(names.n, sizeof *o->problems);
  ok = ok && (names.n == 0 || o->problems);
  if (!ok)
    plan__fmt(err, errsize, "oracle brain: out of memory");
  for (size_t i = 0; ok && i < names.n; i++) {
    plan__buf path;
    plan__buf_init(&path, 0);
    plan__buf_printf(&path, "%s/%s", dir, names.v[i]);
    ok = path.status == PLAN_OK &&
         load_problem(o, path.data, &o->problems[i], err, errsize);
    if (ok)
      o->n_problems = i + 1;
    else
      problem_free(&o->problems[i]);
    plan__buf_free(&path);
  }
  strs_free(&names);
  if (ok && o->n_problems == 0) {
    plan__fmt(err, errsize, "oracle brain: no *.pddl problem in %s", dir);
    ok = false;
  }
  return ok;
}

static void prepared_free(void *c);

static void oracle_destroy(void *self) {
  struct oracle *o = self;
  if (!o)
    return;
  for (size_t i = 0; i < o->n_problems; i++)
    problem_free(&o->problems[i]);
  plan__free(o->problems);
  plan__pb_config_free(o->cfg);
  plan__pddl_domain_free(o->dom);
  if (o->have_cache)
    pthread_key_delete(o->cache);
  plan__free(o);
}

static bool oracle_create(const mockllm_config *cfg, void **out_self, char *err,
                          size_t errsize) {
  *out_self = NULL;
  err[0] = '\0';
  if (!cfg->domain) {
    plan__fmt(err, errsize, "brain 'oracle' needs --domain FILE");
    return false;
  }
  struct oracle *o = plan__calloc(1, sizeof *o);
  if (!o) {
    plan__fmt(err, errsize, "out of memory");
    return false;
  }
  o->seed = cfg->seed;
  const char *level = cfg->noise ? cfg->noise : "none";
  for (size_t i = 0; i < PLAN_ARRAY_LEN(noise_levels); i++)
    if (strcmp(noise_levels[i].name, level) == 0)
      o->noise = &noise_levels[i];
  if (!o->noise) {
    plan__fmt(err, errsize, "oracle brain: unknown --noise %s", level);
    goto fail;
  }
  plan_error perr;
  if (plan__pddl_domain_load(cfg->domain, &o->dom, &perr) != PLAN_OK) {
    plan__fmt(err, errsize, "oracle brain: %s", perr.text);
    goto fail;
  }
  if (cfg->pb_config ? !load_config(cfg->pb_config, &o->cfg, err, errsize)
                     : !find_config(cfg->domain, &o->cfg, err, errsize))
    goto fail;
  if (cfg->problem_dir && !load_problems(o, cfg->problem_dir, err, errsize))
    goto fail;
  if (pthread_key_create(&o->cache, prepared_free) != 0) {
    plan__fmt(err, errsize, "oracle brain: cannot create a thread key");
    goto fail;
  }
  o->have_cache = true;
  *out_self = o;
  return true;
fail:
  oracle_destroy(o);
  return false;
}

/* ======================================================================
 * Reading a prompt (docs/prompts.md, "Recognising a prompt")
 * ====================================================================== */

enum role {
  ROLE_PROPOSE,
  ROLE_PROPOSE_LIST,
  ROLE_VALUE,
  ROLE_WORLD,
  ROLE_JUDGE
};

static const char *const role_names[] = {"propose", "propose-list", "value",
                                         "world", "judge"};

enum rubric { RUBRIC_SURE, RUBRIC_STATUS, RUBRIC_NUMBER };

struct prompt {
  enum role role;
  char *state; /* the conditions, lowercase, no prefix or final period */
  char *goal;
  char *action;        /* world: the action line */
  struct strs history; /* the actions done, without their numbers */
  unsigned k;          /* propose-list: how many options */
  enum rubric rubric;  /* value */
  double lo, hi;       /* RUBRIC_NUMBER scale */
};

static void prompt_free(struct prompt *p) {
  plan__free(p->state);
  plan__free(p->goal);
  plan__free(p->action);
  strs_free(&p->history);
}

/* A header line: "[WORD]" or "[WORD: word]" and nothing else. */
static bool is_header(const char *s, size_t n) {
  if (n < 3 || s[0] != '[' || s[n - 1] != ']')
    return false;
  for (size_t i = 1; i + 1 < n; i++) {
    char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' ||
          c == ':' || c == '-'))
      return false;
  }
  return true;
}

/* The line after the header line `header`, or NULL; *len its length. */
static const char *line_after(const char *text, const char *header,
                              size_t *len) {
  size_t hn = strlen(header);
  for (const char *p = text; p && *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n > 0 && p[n - 1] == '\r')
      n--;
    if (n == hn && memcmp(p, header, hn) == 0) {
      if (!e)
        return NULL;
      const char *l = e + 1;
      const char *le = strchr(l, '\n');
      *len = le ? (size_t)(le - l) : strlen(l);
      if (*len > 0 && l[*len - 1] == '\r')
        (*len)--;
      return l;
    }
    p = e ? e + 1 : NULL;
  }
  return NULL;
}

/* Copies line[0..n) lowercased, without `prefix` (case-insensitive, when
 * present), surrounding blanks and one final period. */
static char *conditions(const char *line, size_t n, const char *prefix) {
  size_t pn = strlen(prefix);
  if (n >= pn && prefix_ci(line, prefix, pn)) {
    line += pn;
    n -= pn;
  }
  while (n > 0 && (*line == ' ' || *line == '\t')) {
    line++;
    n--;
  }
  while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
    n--;
  if (n > 0 && line[n - 1] == '.')
    n--;
  char *c = plan__strndup(line, n);
  if (c)
    for (char *p = c; *p; p++)
      *p = ascii_lower(*p);
  return c;
}

/* The rubric of a value prompt, from its [QUESTION] text: the words sure
 * and impossible, "on track", or a numeric scale "from LO to HI" /
 * "between LO and HI". The default is sure/likely/impossible. */
static void detect_rubric(const char *q, struct prompt *p) {
  p->rubric = RUBRIC_SURE;
  if (strstr(q, "sure") && strstr(q, "impossible"))
    return;
  if (strstr(q, "on track")) {
    p->rubric = RUBRIC_STATUS;
    return;
  }
  static const char *const forms[][2] = {
      {"from ", " to "}, {"between ", " and "}, {"scale of ", " to "}};
  for (size_t f = 0; f < PLAN_ARRAY_LEN(forms); f++) {
    for (const char *s = strstr(q, forms[f][0]); s;
         s = strstr(s + 1, forms[f][0])) {
      char *end;
      const char *a = s + strlen(forms[f][0]);
      double lo = strtod(a, &end);
      if (end == a || strncmp(end, forms[f][1], strlen(forms[f][1])) != 0)
        continue;
      const char *b = end + strlen(forms[f][1]);
      double hi = strtod(b, &end);
      if (end == b || !(hi > lo))
        continue;
      p->rubric = RUBRIC_NUMBER;
      p->lo = lo;
      p->hi = hi;
      return;
    }
  }
}

/* Reads role, state, goal, action, history, k and rubric from the last
 * user message. Returns 0 or 400 with a message. */
static int prompt_read(const char *text, struct prompt *p, char *err,
                       size_t errsize) {
  memset(p, 0, sizeof *p);
  p->k = 5;
  const char *nl = strchr(text, '\n');
  size_t n0 = nl ? (size_t)(nl - text) : strlen(text);
  bool found = false;
  for (size_t r = 0; r < PLAN_ARRAY_LEN(role_names); r++) {
    char line[64];
    plan__fmt(line, sizeof line, "[ROLE: %s]", role_names[r]);
    if (n0 == strlen(line) && memcmp(text, line, n0) == 0) {
      p->role = (enum role)r;
      found = true;
    }
  }
  if (!found) {
    plan__fmt(err, errsize,
              "mockllm oracle brain (a test double): the prompt does not "
              "start with a [ROLE: ...] line of docs/prompts.md");
    return 400;
  }
  size_t n;
  const char *l = line_after(text, "[STATE]", &n);
  if (!l) {
    plan__fmt(err, errsize,
              "mockllm oracle brain: the %s prompt has no [STATE] line",
              role_names[p->role]);
    return 400;
  }
  p->state = conditions(l, n, "As initial conditions I have that,");
  if (p->role != ROLE_WORLD) {
    l = line_after(text, "[GOAL]", &n);
    if (!l) {
      plan__fmt(err, errsize,
                "mockllm oracle brain: the %s prompt has no [GOAL] line",
                role_names[p->role]);
      return 400;
    }
    p->goal = conditions(l, n, "My goal is to have that");
  } else {
    l = line_after(text, "[ACTION]", &n);
    if (!l) {
      plan__fmt(err, errsize,
                "mockllm oracle brain: the world prompt has no [ACTION] line");
      return 400;
    }
    p->action = plan__strndup(l, n);
  }
  /* [HISTORY]: "N. action" lines up to the next header; "(none)". */
  const char *h = strstr(text, "\n[HISTORY]\n");
  bool ok = true;
  if (h) {
    for (const char *q = h + strlen("\n[HISTORY]\n"); q && *q && ok;) {
      const char *e = strchr(q, '\n');
      size_t len = e ? (size_t)(e - q) : strlen(q);
      if (is_header(q, len))
        break;
      size_t i = 0;
      while (i < len && q[i] >= '0' && q[i] <= '9')
        i++;
      if (i > 0 && i < len && q[i] == '.') {
        i++;
        while (i < len && q[i] == ' ')
          i++;
        ok = strs_push(&p->history, q + i, len - i);
      }
      q = e ? e + 1 : NULL;
    }
  }
  const char *question = strstr(text, "\n[QUESTION]\n");
  question = question ? question : text;
  if (p->role == ROLE_PROPOSE_LIST) {
    const char *s = strstr(question, "List up to ");
    if (s) {
      char *end;
      const char *num = s + strlen("List up to ");
      long k = strtol(num, &end, 10);
      if (end != num && k >= 1 && k <= 1000)
        p->k = (unsigned)k;
    }
  }
  if (p->role == ROLE_VALUE)
    detect_rubric(question, p);
  if (!ok || !p->state || (p->role != ROLE_WORLD && !p->goal) ||
      (p->role == ROLE_WORLD && !p->action)) {
    plan__fmt(err, errsize, "mockllm oracle brain: out of memory");
    return 500;
  }
  return 0;
}

/* Turns "x, y and z" into atoms with the config's templates, the way the
 * components read conditions (plan__pddl_text_parse_atoms). A clause that
 * names no atom is a 400 quoting it. */
static int parse_conditions(const struct oracle *o, const char *text,
                            struct strs *atoms, char *err, size_t errsize) {
  plan__pb_plan got = {0};
  plan__pb_plan unknown = {0};
  int rc = 0;
  if (plan__pddl_text_parse_atoms(o->cfg, text, strlen(text), &got, &unknown) !=
      PLAN_OK) {
    plan__fmt(err, errsize, "mockllm oracle brain: out of memory");
    rc = 500;
  } else if (unknown.n > 0) {
    plan__fmt(err, errsize,
              "mockllm oracle brain: \"%.120s\" names no condition of the "
              "domain",
              unknown.steps[0]);
    rc = 400;
  }
  for (size_t i = 0; rc == 0 && i < got.n; i++)
    if (!strs_has(atoms, got.steps[i]) &&
        !strs_push(atoms, got.steps[i], strlen(got.steps[i]))) {
      plan__fmt(err, errsize, "mockllm oracle brain: out of memory");
      rc = 500;
    }
  plan__pb_plan_free(&got);
  plan__pb_plan_free(&unknown);
  return rc;
}

/* ======================================================================
 * The situation a prompt describes, grounded
 * ====================================================================== */

struct situation {
  plan__pddl_task *task; /* init = the prompt's state */
  const uint64_t *state; /* task->init */
  struct strs atoms;     /* the state's atoms */
  struct strs goal;      /* the goal's atoms (world: empty) */
  struct strs objects;   /* objects named by state and goal */
  /* The problems of --problem-dir with this goal and these objects. */
  const struct problem **cands;
  size_t n_cands;
};

static void situation_free(struct situation *s) {
  plan__pddl_task_free(s->task);
  strs_free(&s->atoms);
  strs_free(&s->goal);
  strs_free(&s->objects);
  plan__free(s->cands);
}

/* Grounds the prompt: a problem whose init is the prompt's state and whose
 * goal is its goal (world prompts: one state atom, any goal will do),
 * declared with the objects block of a matching --problem-dir problem
 * (types and all) or, without one, the objects the conditions name. */
static int situation_build(const struct oracle *o, const struct prompt *p,
                           struct situation *s, char *err, size_t errsize) {
  memset(s, 0, sizeof *s);
  int rc = parse_conditions(o, p->state, &s->atoms, err, errsize);
  if (rc == 0 && p->goal)
    rc = parse_conditions(o, p->goal, &s->goal, err, errsize);
  if (rc)
    return rc;
  if (s->atoms.n == 0) {
    plan__fmt(err, errsize, "mockllm oracle brain: the state is empty");
    return 400;
  }
  bool ok = true;
  for (size_t i = 0; ok && i < s->atoms.n; i++)
    ok = atom_objects(s->atoms.v[i], &s->objects);
  for (size_t i = 0; ok && i < s->goal.n; i++)
    ok = atom_objects(s->goal.v[i], &s->objects);
  plan__buf gk;
  plan__buf objk;
  plan__buf_init(&gk, 0);
  plan__buf_init(&objk, 0);
  struct strs g = {0};
  struct strs ob = {0};
  for (size_t i = 0; ok && i < s->goal.n; i++)
    ok = strs_push(&g, s->goal.v[i], strlen(s->goal.v[i]));
  for (size_t i = 0; ok && i < s->objects.n; i++)
    ok = strs_push(&ob, s->objects.v[i], strlen(s->objects.v[i]));
  strs_key(&g, &gk);
  strs_key(&ob, &objk);
  ok = ok && gk.status == PLAN_OK && objk.status == PLAN_OK;
  if (ok && o->n_problems) {
    s->cands = plan__calloc(o->n_problems, sizeof *s->cands);
    ok = s->cands != NULL;
  }
  const char *block = NULL;
  for (size_t i = 0; ok && i < o->n_problems; i++) {
    const struct problem *pr = &o->problems[i];
    if (strcmp(pr->objects_key, objk.data ? objk.data : "") != 0)
      continue;
    if (!block)
      block = pr->objects_block;
    if (p->goal && strcmp(pr->goal_key, gk.data ? gk.data : "") == 0)
      s->cands[s->n_cands++] = pr;
  }
  plan__buf text;
  plan__buf_init(&text, 0);
  plan__buf_printf(&text, "(define (problem oracle-prompt) (:domain %s)\n",
                   plan__pddl_domain_name(o->dom));
  if (block) {
    plan__buf_puts(&text, block);
  } else {
    plan__buf_puts(&text, "(:objects");
    for (size_t i = 0; i < s->objects.n; i++)
      plan__buf_printf(&text, " %s", s->objects.v[i]);
    plan__buf_putc(&text, ')');
  }
  plan__buf_puts(&text, "\n(:init");
  for (size_t i = 0; i < s->atoms.n; i++)
    plan__buf_printf(&text, " %s", s->atoms.v[i]);
  plan__buf_puts(&text, ")\n(:goal (and");
  if (s->goal.n)
    for (size_t i = 0; i < s->goal.n; i++)
      plan__buf_printf(&text, " %s", s->goal.v[i]);
  else
    plan__buf_printf(&text, " %s", s->atoms.v[0]);
  plan__buf_puts(&text, ")))\n");
  ok = ok && text.status == PLAN_OK;
  plan_error perr;
  memset(&perr, 0, sizeof perr);
  plan__pddl_problem *prob = NULL;
  if (!ok) {
    plan__fmt(err, errsize, "mockllm oracle brain: out of memory");
    rc = 500;
  } else if (plan__pddl_problem_parse(o->dom, text.data, text.len, "prompt",
                                      &prob, &perr) != PLAN_OK ||
             plan__pddl_task_create(o->dom, prob, &s->task, &perr) != PLAN_OK) {
    plan__fmt(err, errsize,
              "mockllm oracle brain: the prompt's state does not fit the "
              "domain: %s",
              perr.text);
    rc = perr.code == PLAN_ENOMEM ? 500 : 400;
  } else {
    s->state = s->task->init;
  }
  plan__pddl_problem_free(prob);
  plan__buf_free(&text);
  plan__buf_free(&gk);
  plan__buf_free(&objk);
  strs_free(&g);
  strs_free(&ob);
  return rc;
}

/* The optimal distance from state to the goal of task, UINT32_MAX for a
 * dead end. When A* runs out of nodes, h_FF stands in. */
static uint32_t distance(const plan__pddl_task *task) {
  plan__strips_options so;
  plan__strips_options_init(&so, PLAN__STRIPS_OPTIONS_VERSION);
  so.max_nodes = ORACLE_ASTAR_NODES;
  plan__strips_result r;
  plan_status st = plan__strips_solve(task, &so, &r);
  uint32_t h = UINT32_MAX;
  if (st == PLAN_OK && r.solved)
    h = (uint32_t)PLAN_MIN(r.cost, (uint64_t)UINT32_MAX - 1);
  plan__strips_result_free(&r);
  if (st == PLAN_EBUDGET) {
    plan__relax *rx = NULL;
    if (plan__relax_create(task, &rx) == PLAN_OK)
      h = plan__relax_eval(rx, PLAN__STRIPS_H_FF, task->init);
    plan__relax_free(rx);
  }
  return h;
}

/* Whether the history, applied from pr's initial state, ends in the
 * prompt's state. */
static bool history_consistent(const struct oracle *o, const struct prompt *p,
                               const struct problem *pr,
                               const struct situation *s) {
  const plan__pddl_task *t = pr->task;
  uint64_t *st = plan__calloc(t->n_words ? t->n_words : 1, sizeof *st);
  if (!st)
    return false;
  plan__pddl_state_init(t, st);
  bool ok = true;
  for (size_t i = 0; ok && i < p->history.n; i++) {
    const char *h = p->history.v[i];
    long id = plan__pddl_text_to_action(o->cfg, t, h, strlen(h));
    ok = id >= 0 && plan__pddl_applicable(t, st, (size_t)id);
    if (ok)
      plan__pddl_apply(t, st, (size_t)id, st);
  }
  size_t n_true = 0;
  for (uint32_t f = 0; ok && f < t->n_facts; f++) {
    if (!plan__pddl_state_has(st, f))
      continue;
    n_true++;
    ok = strs_has(&s->atoms, t->facts[f].name);
  }
  ok = ok && n_true == s->atoms.n;
  plan__free(st);
  return ok;
}

/* h0, the scale of values: the optimal distance of the problem's initial
 * state. The problem is the --problem-dir problem with the prompt's goal
 * and objects whose initial state leads through the history to the
 * prompt's state; when several fit (or none fits the history), the
 * largest distance among them. Without one, 2 x the number of objects. */
static uint32_t scale(const struct oracle *o, const struct prompt *p,
                      const struct situation *s) {
  uint32_t h0 = 0;
  bool any = false;
  for (int pass = 0; pass < 2 && !any; pass++) {
    for (size_t i = 0; i < s->n_cands; i++) {
      if (pass == 0 && !history_consistent(o, p, s->cands[i], s))
        continue;
      uint32_t h = distance(s->cands[i]->task);
      if (h != UINT32_MAX) {
        h0 = PLAN_MAX(h0, h);
        any = true;
      }
    }
  }
  if (!any)
    h0 = (uint32_t)(2 * s->objects.n);
  return h0;
}

/* ======================================================================
 * Answers
 * ====================================================================== */

static void put_action(const struct oracle *o, const plan__pddl_task *t,
                       uint32_t a, plan__buf *out) {
  plan__pddl_text_action(o->cfg, t->actions[a].name, out);
}

/* The applicable (app) and inapplicable (inapp) ground actions. */
struct split {
  uint32_t *app, *inapp;
  size_t n_app, n_inapp;
};

/* Whether no object appears twice among the arguments: the inapplicable
 * proposals are mistakes a model could make ("stack the red block on top
 * of the blue block" while holding nothing), not "stack the red block on
 * top of the red block", which an untyped domain also grounds. */
static bool distinct_args(const plan__pddl_action *a) {
  for (size_t i = 0; i < a->n_args; i++)
    for (size_t j = i + 1; j < a->n_args; j++)
      if (a->args[i] == a->args[j])
        return false;
  return true;
}

static bool split_actions(const plan__pddl_task *t, const uint64_t *state,
                          struct split *sp) {
  size_t n = t->n_actions ? t->n_actions : 1;
  sp->app = plan__calloc(n, sizeof *sp->app);
  sp->inapp = plan__calloc(n, sizeof *sp->inapp);
  sp->n_app = sp->n_inapp = 0;
  if (!sp->app || !sp->inapp)
    return false;
  for (uint32_t a = 0; a < t->n_actions; a++) {
    if (plan__pddl_applicable(t, state, a))
      sp->app[sp->n_app++] = a;
    else if (distinct_args(&t->actions[a]))
      sp->inapp[sp->n_inapp++] = a;
  }
  return true;
}

static void split_free(struct split *sp) {
  plan__free(sp->app);
  plan__free(sp->inapp);
}

static int answer_propose(const struct oracle *o, const struct prompt *p,
                          const struct situation *s, plan__rng *r,
                          plan__buf *out) {
  const plan__pddl_task *t = s->task;
  struct split sp;
  if (!split_actions(t, s->state, &sp)) {
    split_free(&sp);
    return 500;
  }
  if (p->role == ROLE_PROPOSE) {
    /* One next action: inapplicable with the level's rate, else uniform
     * over the applicable ones. */
    bool bad = plan__rng_double(r) < o->noise->inapplicable && sp.n_inapp > 0;
    plan__buf_puts(out, "Action: ");
    if (bad)
      put_action(o, t, sp.inapp[plan__rng_below(r, sp.n_inapp)], out);
    else if (sp.n_app > 0)
      put_action(o, t, sp.app[plan__rng_below(r, sp.n_app)], out);
    else
      plan__buf_puts(out, "(nothing can be done)");
  } else {
    /* Every applicable action in a seeded order, up to k items; each item
     * is an inapplicable one instead with the level's rate. */
    for (size_t i = sp.n_app; i > 1; i--) {
      size_t j = (size_t)plan__rng_below(r, i);
      uint32_t x = sp.app[i - 1];
      sp.app[i - 1] = sp.app[j];
      sp.app[j] = x;
    }
    size_t next = 0;
    size_t items = 0;
    while (items < p->k && next < sp.n_app) {
      uint32_t a;
      if (plan__rng_double(r) < o->noise->inapplicable && sp.n_inapp > 0) {
        size_t j = (size_t)plan__rng_below(r, sp.n_inapp);
        a = sp.inapp[j];
        sp.inapp[j] = sp.inapp[--sp.n_inapp]; /* no repeats */
      } else {
        a = sp.app[next++];
      }
      plan__buf_printf(out, "%s%zu. ", items ? "\n" : "", items + 1);
      put_action(o, t, a, out);
      items++;
    }
    if (items == 0)
      plan__buf_puts(out, "1. (nothing can be done)");
  }
  split_free(&sp);
  return 0;
}

static int answer_world(const struct oracle *o, const struct prompt *p,
                        const struct situation *s, plan__rng *r,
                        plan__buf *out) {
  const plan__pddl_task *t = s->task;
  long a = plan__pddl_text_to_action(o->cfg, t, p->action, strlen(p->action));
  bool wrong = plan__rng_double(r) < o->noise->wrong_state;
  bool applicable = a >= 0 && plan__pddl_applicable(t, s->state, (size_t)a);
  uint64_t *next = plan__calloc(t->n_words ? t->n_words : 1, sizeof *next);
  if (!next)
    return 500;
  memcpy(next, s->state, t->n_words * sizeof *next);
  if (applicable)
    plan__pddl_apply(t, s->state, (size_t)a, next);
  if (!applicable && !wrong) {
    plan__free(next);
    plan__buf_puts(out,
                   "The action cannot be done: it is not applicable in these "
                   "conditions.");
    return 0;
  }
  if (wrong) {
    /* A wrong prediction: for an inapplicable (but known) action, its
     * effects applied anyway; else, half of the time, the successor of
     * another applicable action, and otherwise one fact of the true next
     * state toggled. */
    bool done = false;
    if (!applicable && a >= 0) {
      plan__pddl_apply(t, s->state, (size_t)a, next);
      done = memcmp(next, s->state, t->n_words * sizeof *next) != 0;
    } else if (applicable && plan__rng_double(r) < 0.5) {
      struct split sp;
      if (split_actions(t, s->state, &sp)) {
        size_t n_alt = 0; /* the applicable actions other than a */
        for (size_t i = 0; i < sp.n_app; i++)
          if (sp.app[i] != (uint32_t)a)
            sp.app[n_alt++] = sp.app[i];
        uint64_t *alt =
            n_alt ? plan__calloc(t->n_words ? t->n_words : 1, sizeof *alt)
                  : NULL;
        if (alt) {
          plan__pddl_apply(t, s->state, sp.app[plan__rng_below(r, n_alt)], alt);
          if (memcmp(alt, next, t->n_words * sizeof *alt) != 0) {
            memcpy(next, alt, t->n_words * sizeof *alt);
            done = true;
          }
        }
        plan__free(alt);
      }
      split_free(&sp);
    }
    if (!done && t->n_facts > 0) {
      /* Toggle a fact that is not static. */
      uint32_t *cand = plan__calloc(t->n_facts, sizeof *cand);
      size_t nc = 0;
      if (cand)
        for (uint32_t f = 0; f < t->n_facts; f++)
          if (!t->facts[f].is_static)
            cand[nc++] = f;
      if (nc > 0) {
        uint32_t f = cand[plan__rng_below(r, nc)];
        next[f >> 6] ^= (uint64_t)1 << (f & 63);
      }
      plan__free(cand);
    }
  }
  plan__buf_puts(out, "Resulting State: ");
  plan_status st = plan__pddl_text_state(o->cfg, t, next, out);
  plan__free(next);
  if (st == PLAN_EINVAL) {
    /* Nothing left to write (every fact deleted): still an answer. */
    plan__buf_puts(out, "nothing holds");
    st = PLAN_OK;
  }
  return st == PLAN_OK ? 0 : 500;
}

static int answer_value(const struct oracle *o, const struct prompt *p,
                        double v, plan__rng *r, plan__buf *out) {
  if (o->noise->sigma > 0)
    v += o->noise->sigma * gaussian(r);
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  switch (p->rubric) {
  case RUBRIC_NUMBER: {
    double x = p->lo + v * (p->hi - p->lo);
    if (p->lo == floor(p->lo) && p->hi == floor(p->hi))
      plan__buf_printf(out, "%.0f", floor(x + 0.5));
    else
      plan__buf_printf(out, "%.2f", x);
    break;
  }
  case RUBRIC_STATUS:
  case RUBRIC_SURE: {
    /* The word is drawn between the two rubric points around v (1, 0.5,
     * 0) so that its expected weight is v: samples stay unbiased and
     * their mean keeps the information a nearest-word rounding loses. */
    double u = plan__rng_double(r);
    int level = v >= 0.5 ? (u < 2 * v - 1 ? 2 : 1) : (u < 2 * v ? 1 : 0);
    static const char *const words[2][3] = {
        {"impossible", "likely", "sure"},
        {"Status: failure", "Status: on track", "Status: success"}};
    plan__buf_puts(out, words[p->rubric == RUBRIC_STATUS][level]);
    break;
  }
  }
  return 0;
}

static int answer_judge(uint32_t h, plan__buf *out) {
  plan__buf_puts(out, h == 0            ? "Status: success"
                      : h == UINT32_MAX ? "Status: failure"
                                        : "Status: on track");
  return 0;
}

/* The seed of one answer: a hash of every message of the request (system
 * included) mixed with --seed, the request's seed and the choice index. */
static uint64_t answer_seed(const struct oracle *o, const mockllm_query *q,
                            int index) {
  plan__buf all;
  plan__buf_init(&all, 0);
  const json_t *sys = json_object_get(q->body, "system");
  if (sys) {
    plan__buf_puts(&all, "system\x1f");
    if (json_is_string(sys))
      plan__buf_puts(&all, json_string_value(sys));
    else
      mockllm_content_text(sys, &all);
    plan__buf_putc(&all, '\x1e');
  }
  size_t i;
  const json_t *m;
  json_array_foreach(json_object_get(q->body, "messages"), i, m) {
    const char *role = json_string_value(json_object_get(m, "role"));
    plan__buf_puts(&all, role ? role : "");
    plan__buf_putc(&all, '\x1f');
    mockllm_content_text(json_object_get(m, "content"), &all);
    plan__buf_putc(&all, '\x1e');
  }
  uint64_t h = plan__hash64(all.data ? all.data : "", all.len, 0x0bac1eULL);
  plan__buf_free(&all);
  h = plan__hash_mix(h ^ plan__hash_mix(o->seed + 1));
  h = plan__hash_mix(
      h ^ (q->has_seed ? plan__hash_mix((uint64_t)q->seed + 2) : 0x5eedu));
  return plan__hash_mix(h ^ (uint64_t)(index + 1));
}

/* What an answer needs from a prompt, whatever the choice: the prompt read,
 * the situation grounded, and (once asked for) the distance to the goal
 * and the exact value. One per connection thread, for the last prompt. */
struct prepared {
  char *text; /* the last user message it was made from */
  int rc;     /* 0, or the HTTP status of a bad prompt */
  char err[256];
  struct prompt p;
  struct situation s;
  bool have_h;
  uint32_t h; /* 0 at a goal, UINT32_MAX for a dead end */
  double v;   /* the exact value, 1 - h / (2 h0) */
};

static void prepared_clear(struct prepared *c) {
  plan__free(c->text);
  situation_free(&c->s);
  prompt_free(&c->p);
  memset(c, 0, sizeof *c);
}

static void prepared_free(void *c) {
  if (c)
    prepared_clear(c);
  plan__free(c);
}

static void prepare(const struct oracle *o, const char *text,
                    struct prepared *c) {
  if (c->text && strcmp(c->text, text) == 0)
    return;
  prepared_clear(c);
  c->text = plan__strdup(text);
  if (!c->text) {
    c->rc = 500;
    plan__fmt(c->err, sizeof c->err, "mockllm oracle brain: out of memory");
    return;
  }
  c->rc = prompt_read(text, &c->p, c->err, sizeof c->err);
  if (c->rc == 0)
    c->rc = situation_build(o, &c->p, &c->s, c->err, sizeof c->err);
}

/* The distance to the goal and the exact value v = 1 - h / (2 h0): the
 * initial state is worth 0.5 ("likely"), the goal 1, a state twice as far
 * as the initial state 0 (and so is a dead end). */
static void exact_value(const struct oracle *o, struct prepared *c) {
  if (c->have_h)
    return;
  c->have_h = true;
  if (plan__pddl_goal_reached(c->s.task, c->s.state)) {
    c->h = 0;
    c->v = 1.0;
    return;
  }
  c->h = distance(c->s.task);
  if (c->h == UINT32_MAX) {
    c->v = 0.0;
    return;
  }
  uint32_t h0 = PLAN_MAX(scale(o, &c->p, &c->s), 1u);
  c->v = 1.0 - (double)c->h / (2.0 * (double)h0);
  if (c->v < 0)
    c->v = 0;
}

static int oracle_reply(void *self, const mockllm_query *q, int index,
                        plan__buf *out, char *err, size_t errsize) {
  const struct oracle *o = self;
  struct prepared *c = pthread_getspecific(o->cache);
  if (!c) {
    c = plan__calloc(1, sizeof *c);
    if (!c || pthread_setspecific(o->cache, c) != 0) {
      plan__free(c);
      plan__fmt(err, errsize, "mockllm oracle brain: out of memory");
      return 500;
    }
  }
  prepare(o, q->last_user, c);
  if (c->rc) {
    plan__fmt(err, errsize, "%s", c->err);
    return c->rc;
  }
  plan__rng r;
  plan__rng_seed(&r, answer_seed(o, q, index));
  int rc = 0;
  /* The first draw decides a malformed answer, for every role. */
  if (plan__rng_double(&r) < o->noise->malformed) {
    plan__buf_puts(
        out,
        malformed_texts[plan__rng_below(&r, PLAN_ARRAY_LEN(malformed_texts))]);
  } else {
    switch (c->p.role) {
    case ROLE_PROPOSE:
    case ROLE_PROPOSE_LIST:
      rc = answer_propose(o, &c->p, &c->s, &r, out);
      break;
    case ROLE_WORLD: rc = answer_world(o, &c->p, &c->s, &r, out); break;
    case ROLE_VALUE:
      exact_value(o, c);
      rc = answer_value(o, &c->p, c->v, &r, out);
      break;
    case ROLE_JUDGE:
      exact_value(o, c);
      rc = answer_judge(c->h, out);
      break;
    }
  }
  if (rc == 0 && out->status != PLAN_OK)
    rc = 500;
  if (rc == 500)
    plan__fmt(err, errsize, "mockllm oracle brain: out of memory");
  return rc;
}

const mockllm_brain_vtbl mockllm_brain_oracle = {
    "oracle",
    "noisy PDDL oracle: answers the search prompts from the simulator",
    oracle_create,
    oracle_reply,
    oracle_destroy,
    ORACLE_MODEL,
};
