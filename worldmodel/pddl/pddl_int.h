/* worldmodel/pddl/pddl_int.h: the private structures shared by the files of
 * worldmodel/pddl: the S-expression reader (sexp.c), a byte-key hash map
 * (map.c), the lifted domain and problem (parse.c), and the grounded
 * task's lookup tables (task.c, sim.c, validate.c). Nothing outside this
 * folder includes it; the rest of the engine uses pddl.h.
 */
#ifndef PLAN_WORLDMODEL_PDDL_INT_H
#define PLAN_WORLDMODEL_PDDL_INT_H

#include "worldmodel/pddl/pddl.h"

/* ======================================================================
 * S-expressions
 * ====================================================================== */

/* A node of a parsed file: a symbol (sym != NULL, lowercased) or a list of
 * n kids. Positions are 1-based; for a list they are those of its '('. */
typedef struct pddl_sx {
  const char *sym;
  struct pddl_sx **kids;
  size_t n;
  int line;
  int col;
} pddl_sx;

/* Deepest nesting the reader accepts; the interpreters recurse at most this
 * deep. */
#define PDDL_MAX_DEPTH 256

/* Reads text as exactly one S-expression (comments start with ';'). Nodes
 * and symbols live in a. Errors (PLAN_EPARSE, PLAN_ENOMEM) name
 * src:line:column. */
plan_status plan__pddl_sx_read(plan__arena *a, const char *text, size_t len,
                               const char *src, pddl_sx **out, plan_error *err);

/* The label used in messages for a source name: the name itself, or its
 * last path component when the whole name is long. */
const char *plan__pddl_src_label(const char *src);

/* ======================================================================
 * A hash map from byte strings (borrowed; they must outlive the map) to
 * uint32 values. Open addressing, linear probing, power-of-two capacity.
 * ====================================================================== */

typedef struct pddl_map_slot {
  const void *key; /* NULL: empty */
  size_t len;
  uint64_t hash;
  uint32_t val;
} pddl_map_slot;

typedef struct pddl_map {
  pddl_map_slot *slots;
  size_t cap;
  size_t n;
} pddl_map;

void plan__pddl_map_init(pddl_map *m);
void plan__pddl_map_free(pddl_map *m);
/* Inserts key -> val unless key is present. *existing (may be NULL)
 * receives the value stored under key afterwards; *inserted (may be NULL)
 * whether this call inserted it. PLAN_ENOMEM leaves the map unchanged. */
plan_status plan__pddl_map_put(pddl_map *m, const void *key, size_t len,
                               uint32_t val, uint32_t *existing,
                               bool *inserted);
bool plan__pddl_map_get(const pddl_map *m, const void *key, size_t len,
                        uint32_t *out);

/* ======================================================================
 * The lifted domain and problem
 * ====================================================================== */

/* Term encoding in atoms: t >= 0 is parameter t of the schema; t < 0 is
 * object -(t + 1) (domain constants first, then problem objects). */
#define PDDL_OBJ_TERM(o) (-(int32_t)(o)-1)
#define PDDL_TERM_OBJ(t) ((uint32_t)(-((t) + 1)))

#define PDDL_EQ (-1)      /* the predicate of (= a b) */
#define PDDL_MAX_ARITY 64 /* most arguments of a predicate or action */

typedef struct pddl_atom {
  int pred; /* index into the domain's predicates, or PDDL_EQ */
  int32_t *args;
  size_t n;
  bool neg;
  int line;
  int col;
} pddl_atom;

typedef struct pddl_type {
  char *name;
  int parent; /* -1 for "object" (always type 0) */
} pddl_type;

typedef struct pddl_pred {
  char *name;
  size_t arity;
  bool fluent; /* some action schema adds or deletes it */
} pddl_pred;

typedef struct pddl_object {
  char *name;
  int type;
} pddl_object;

typedef struct pddl_param {
  char *name;
  int *types; /* the allowed types (either); n_types >= 1 */
  size_t n_types;
} pddl_param;

typedef struct pddl_schema {
  char *name;
  pddl_param *params;
  size_t n_params;
  pddl_atom *pre;
  size_t n_pre;
  pddl_atom *eff; /* neg: delete effect */
  size_t n_eff;
  int line;
  int col;
} pddl_schema;

struct plan__pddl_domain {
  plan__arena arena;
  char *source; /* copies of the input, so a task can re-read them */
  char *text;
  size_t len;
  char *name;
  pddl_type *types;
  size_t n_types;
  pddl_pred *preds;
  size_t n_preds;
  pddl_object *consts;
  size_t n_consts;
  pddl_schema *schemas;
  size_t n_schemas;
};

struct plan__pddl_problem {
  plan__arena arena;
  char *source;
  char *text;
  size_t len;
  char *name;
  char *domain_name;
  pddl_object *objects; /* the domain's constants, then the :objects */
  size_t n_objects;
  pddl_atom *init; /* ground atoms, in file order */
  size_t n_init;
  pddl_atom *goal; /* ground literals, in file order */
  size_t n_goal;
};

/* Index of a predicate, type, constant, schema by name, or -1. */
int plan__pddl_find_pred(const plan__pddl_domain *d, const char *name);
int plan__pddl_find_type(const plan__pddl_domain *d, const char *name);
int plan__pddl_find_schema(const plan__pddl_domain *d, const char *name);
/* Whether type t is type want or a subtype of it. */
bool plan__pddl_subtype(const plan__pddl_domain *d, int t, int want);

/* ======================================================================
 * The grounded task's private part (task->internal)
 * ====================================================================== */

typedef struct pddl_task_int {
  plan__pddl_domain *dom; /* private re-parsed copies */
  plan__pddl_problem *prob;
  plan__arena arena;   /* names, arrays of the public task */
  pddl_map objects;    /* name -> object id */
  pddl_map facts;      /* uint32 tuple (pred, args...) -> fact id */
  pddl_map actions;    /* name -> action id */
  uint32_t *fact_keys; /* storage of the fact tuples */
} pddl_task_int;

/* Writes the normalised "(a b c)" form of an action or fact text into b
 * (lowercase, single spaces, outer parentheses added if missing). Returns
 * false when the text is not one flat parenthesised term. */
bool plan__pddl_normalize(const char *text, plan__buf *b);

/* The fact id of the ground atom pred(args), or -1 if it is not a fact of
 * the task (then it is false in every reachable state). */
long plan__pddl_fact_find(const plan__pddl_task *task, int pred,
                          const uint32_t *args, size_t n);

#endif /* PLAN_WORLDMODEL_PDDL_INT_H */
