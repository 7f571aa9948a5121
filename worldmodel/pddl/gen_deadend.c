/* worldmodel/pddl/gen_deadend.c: dead ends, exactly. The state space of a
 * small grounded task (every reachable state, its transitions, its optimal
 * distance to the goal), the trap counts the agent benchmarks care about,
 * and the generator of the cliffs domain's problems (gen_deadend.h,
 * docs/deadend.md).
 *
 * The generator draws a map per attempt: an upper region where the robot
 * and the crates start, a lower region with the crates' goal places, and
 * pits. Trails join places within a region; the regions are joined only
 * by slides and rope bridges going down, so every plan commits at least
 * one irreversible action. A slide or bridge always leads from the start
 * into the lower region: taken before the crates are picked up it is a
 * dead end that looks like the way to the goal. Pits (reached by a slide
 * or a bridge, with no way out) are dead ends that do not. The map is kept
 * only when the exact analysis of its grounded task confirms all that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worldmodel/pddl/gen_deadend.h"

/* ======================================================================
 * The state space
 * ====================================================================== */

#define DEFAULT_MAX_STATES 100000

/* Open addressing over state indices: slot value i + 1 is state i, 0 is
 * empty. The load stays at most one half. */
typedef struct space_index {
  uint32_t *slots;
  size_t cap; /* a power of two */
} space_index;

static const uint64_t *state_at(const plan__state_space *sp, size_t i) {
  return sp->states + i * sp->n_words;
}

static size_t state_bytes(const plan__state_space *sp) {
  return sp->n_words * sizeof(uint64_t);
}

/* The slot of state in ix: the one holding it (*found) or the empty one
 * where it would go. */
static size_t index_probe(const plan__state_space *sp, const space_index *ix,
                          const uint64_t *state, bool *found) {
  size_t mask = ix->cap - 1;
  size_t i = (size_t)plan__hash64(state, state_bytes(sp), 0) & mask;
  for (;;) {
    uint32_t v = ix->slots[i];
    if (v == 0) {
      *found = false;
      return i;
    }
    if (!memcmp(state_at(sp, v - 1), state, state_bytes(sp))) {
      *found = true;
      return i;
    }
    i = (i + 1) & mask;
  }
}

/* Doubles the table and reinserts states 0 .. sp->n_states-1. */
static plan_status index_grow(const plan__state_space *sp, space_index *ix) {
  space_index bigger = {NULL, ix->cap ? 2 * ix->cap : 1024};
  bigger.slots = plan__calloc(bigger.cap, sizeof *bigger.slots);
  if (!bigger.slots)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < sp->n_states; i++) {
    bool found;
    size_t at = index_probe(sp, &bigger, state_at(sp, i), &found);
    bigger.slots[at] = (uint32_t)(i + 1);
  }
  plan__free(ix->slots);
  *ix = bigger;
  return PLAN_OK;
}

size_t plan__state_space_find(const plan__state_space *sp,
                              const uint64_t *state) {
  const space_index *ix = sp ? sp->index : NULL;
  if (!ix || !ix->cap)
    return SIZE_MAX;
  bool found;
  size_t at = index_probe(sp, ix, state, &found);
  return found ? (size_t)ix->slots[at] - 1 : SIZE_MAX;
}

void plan__state_space_free(plan__state_space *sp) {
  if (!sp)
    return;
  space_index *ix = sp->index;
  if (ix)
    plan__free(ix->slots);
  plan__free(ix);
  plan__free(sp->states);
  plan__free(sp->dist);
  plan__free(sp->first);
  plan__free(sp->edge_action);
  plan__free(sp->edge_to);
  memset(sp, 0, sizeof *sp);
}

/* Optimal distances to the goal: a breadth-first search from the goal
 * states over the reversed transitions. */
static plan_status space_distances(const plan__pddl_task *task,
                                   plan__state_space *sp) {
  size_t n = sp->n_states;
  size_t *rfirst = plan__calloc(n + 1, sizeof *rfirst);
  uint32_t *rsrc = plan__calloc(sp->n_edges ? sp->n_edges : 1, sizeof *rsrc);
  uint32_t *queue = plan__calloc(n ? n : 1, sizeof *queue);
  sp->dist = plan__calloc(n ? n : 1, sizeof *sp->dist);
  if (!rfirst || !rsrc || !queue || !sp->dist) {
    plan__free(rfirst);
    plan__free(rsrc);
    plan__free(queue);
    return PLAN_ENOMEM;
  }
  /* Predecessor lists in CSR form: count, prefix sums, fill. */
  for (size_t e = 0; e < sp->n_edges; e++)
    rfirst[sp->edge_to[e] + 1]++;
  for (size_t i = 0; i < n; i++)
    rfirst[i + 1] += rfirst[i];
  for (size_t s = 0; s < n; s++)
    for (size_t e = sp->first[s]; e < sp->first[s + 1]; e++) {
      uint32_t to = sp->edge_to[e];
      /* rfirst[to] counts up as slots fill; restored below. */
      rsrc[rfirst[to]++] = (uint32_t)s;
    }
  for (size_t i = n; i > 0; i--)
    rfirst[i] = rfirst[i - 1];
  rfirst[0] = 0;
  size_t head = 0;
  size_t tail = 0;
  for (size_t s = 0; s < n; s++) {
    sp->dist[s] = PLAN__DEADEND_UNREACHABLE;
    if (plan__pddl_goal_reached(task, state_at(sp, s))) {
      sp->dist[s] = 0;
      queue[tail++] = (uint32_t)s;
    }
  }
  while (head < tail) {
    uint32_t s = queue[head++];
    for (size_t k = rfirst[s]; k < rfirst[s + 1]; k++) {
      uint32_t p = rsrc[k];
      if (sp->dist[p] == PLAN__DEADEND_UNREACHABLE) {
        sp->dist[p] = sp->dist[s] + 1;
        queue[tail++] = p;
      }
    }
  }
  plan__free(rfirst);
  plan__free(rsrc);
  plan__free(queue);
  return PLAN_OK;
}

plan_status plan__state_space_build(const plan__pddl_task *task,
                                    size_t max_states, plan__state_space *out,
                                    plan_error *err) {
  memset(out, 0, sizeof *out);
  if (!max_states)
    max_states = DEFAULT_MAX_STATES;
  if (max_states > UINT32_MAX - 1)
    max_states = UINT32_MAX - 1;
  plan__state_space *sp = out;
  sp->n_words = task->n_words;
  space_index *ix = plan__calloc(1, sizeof *ix);
  size_t words = sp->n_words ? sp->n_words : 1;
  uint64_t *cur = plan__calloc(words, sizeof *cur);
  uint64_t *next = plan__calloc(words, sizeof *next);
  uint32_t *app =
      plan__calloc(task->n_actions ? task->n_actions : 1, sizeof *app);
  size_t cap_states = 0;
  size_t cap_first = 0;
  size_t cap_edges = 0;
  size_t cap_edges2 = 0;
  plan_status st = PLAN_OK;
  sp->index = ix;
  if (!ix || !cur || !next || !app || index_grow(sp, ix) != PLAN_OK) {
    st = PLAN_ENOMEM;
    goto fail;
  }
  plan__pddl_state_init(task, cur);
  if (plan__grow((void **)&sp->states, &cap_states, 1,
                 words * sizeof *sp->states)) {
    st = PLAN_ENOMEM;
    goto fail;
  }
  memcpy(sp->states, cur, state_bytes(sp));
  sp->n_states = 1;
  {
    bool found;
    ix->slots[index_probe(sp, ix, cur, &found)] = 1;
  }
  for (size_t i = 0; i < sp->n_states; i++) {
    if (plan__grow((void **)&sp->first, &cap_first, i + 2, sizeof *sp->first)) {
      st = PLAN_ENOMEM;
      goto fail;
    }
    sp->first[i] = sp->n_edges;
    memcpy(cur, state_at(sp, i), state_bytes(sp));
    size_t n_app =
        plan__pddl_applicable_actions(task, cur, app, task->n_actions);
    for (size_t k = 0; k < n_app; k++) {
      plan__pddl_apply(task, cur, app[k], next);
      bool found;
      size_t at = index_probe(sp, ix, next, &found);
      size_t to;
      if (found) {
        to = ix->slots[at] - 1;
      } else {
        if (sp->n_states >= max_states) {
          st =
              plan__error_set(err, PLAN_EBUDGET, 0, 0,
                              "more than %zu states are reachable", max_states);
          goto fail;
        }
        /* state_bytes + 1 keeps the element size non-zero for tasks
         * without facts; the extra byte per state is unused. */
        if (plan__grow((void **)&sp->states, &cap_states, sp->n_states + 1,
                       words * sizeof *sp->states)) {
          st = PLAN_ENOMEM;
          goto fail;
        }
        to = sp->n_states++;
        memcpy(sp->states + to * sp->n_words, next, state_bytes(sp));
        if (2 * sp->n_states > ix->cap) {
          if (index_grow(sp, ix) != PLAN_OK) {
            st = PLAN_ENOMEM;
            goto fail;
          }
        } else {
          ix->slots[at] = (uint32_t)(to + 1);
        }
      }
      if (plan__grow((void **)&sp->edge_action, &cap_edges, sp->n_edges + 1,
                     sizeof *sp->edge_action) ||
          plan__grow((void **)&sp->edge_to, &cap_edges2, sp->n_edges + 1,
                     sizeof *sp->edge_to)) {
        st = PLAN_ENOMEM;
        goto fail;
      }
      sp->edge_action[sp->n_edges] = app[k];
      sp->edge_to[sp->n_edges] = (uint32_t)to;
      sp->n_edges++;
    }
  }
  sp->first[sp->n_states] = sp->n_edges;
  if (space_distances(task, sp) != PLAN_OK) {
    st = PLAN_ENOMEM;
    goto fail;
  }
  plan__free(cur);
  plan__free(next);
  plan__free(app);
  return PLAN_OK;
fail:
  plan__free(cur);
  plan__free(next);
  plan__free(app);
  plan__state_space_free(sp);
  if (st == PLAN_ENOMEM)
    plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  return st;
}

/* ======================================================================
 * Traps
 * ====================================================================== */

bool plan__deadend_is_irreversible(const char *schema,
                                   const char *const *irreversible, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(schema, irreversible[i]))
      return true;
  return false;
}

/* Whether transition e of sp is a trap: irreversible, into a dead end. */
static bool is_trap(const plan__pddl_task *task, const plan__state_space *sp,
                    size_t e, const char *const *irreversible, size_t n) {
  return sp->dist[sp->edge_to[e]] == PLAN__DEADEND_UNREACHABLE &&
         plan__deadend_is_irreversible(task->actions[sp->edge_action[e]].schema,
                                       irreversible, n);
}

/* Sets *found when a goal state is reachable from state 0 over
 * reversible transitions only (a breadth-first search with a visited
 * bitmap). PLAN_ENOMEM is the only error. */
static plan_status reversible_solvable(const plan__pddl_task *task,
                                       const plan__state_space *sp,
                                       const char *const *irreversible,
                                       size_t n, bool *out) {
  uint32_t *queue = plan__calloc(sp->n_states, sizeof *queue);
  unsigned char *seen = plan__calloc(sp->n_states, 1);
  bool found = false;
  if (!queue || !seen) {
    plan__free(queue);
    plan__free(seen);
    return PLAN_ENOMEM;
  }
  size_t head = 0;
  size_t tail = 0;
  queue[tail++] = 0;
  seen[0] = 1;
  while (head < tail && !found) {
    uint32_t s = queue[head++];
    found = sp->dist[s] == 0;
    for (size_t e = sp->first[s]; e < sp->first[s + 1]; e++) {
      uint32_t to = sp->edge_to[e];
      if (seen[to] ||
          plan__deadend_is_irreversible(
              task->actions[sp->edge_action[e]].schema, irreversible, n))
        continue;
      seen[to] = 1;
      queue[tail++] = to;
    }
  }
  plan__free(queue);
  plan__free(seen);
  *out = found;
  return PLAN_OK;
}

plan_status plan__deadend_stats_compute(const plan__pddl_task *task,
                                        const plan__state_space *sp,
                                        const char *const *irreversible,
                                        size_t n, plan__deadend_stats *out) {
  memset(out, 0, sizeof *out);
  out->optimal = PLAN__DEADEND_UNREACHABLE;
  if (!sp->n_states)
    return PLAN_OK;
  if (reversible_solvable(task, sp, irreversible, n,
                          &out->reversible_solvable) != PLAN_OK)
    return PLAN_ENOMEM;
  out->states = sp->n_states;
  for (size_t s = 0; s < sp->n_states; s++)
    out->dead_states += sp->dist[s] == PLAN__DEADEND_UNREACHABLE;
  out->optimal = sp->dist[0];
  for (size_t e = sp->first[0]; e < sp->first[1]; e++) {
    if (!is_trap(task, sp, e, irreversible, n))
      continue;
    out->init_traps++;
    if (out->n_init_trap_actions < PLAN__DEADEND_MAX_LISTED)
      out->init_trap_actions[out->n_init_trap_actions++] = sp->edge_action[e];
  }
  /* One optimal plan: transitions are in action id order, so the first
   * one that gets a step closer has the lowest id. */
  size_t s = 0;
  while (sp->dist[s] != 0 && sp->dist[s] != PLAN__DEADEND_UNREACHABLE) {
    size_t step = SIZE_MAX;
    for (size_t e = sp->first[s]; e < sp->first[s + 1]; e++) {
      if (is_trap(task, sp, e, irreversible, n))
        out->path_traps++;
      if (step == SIZE_MAX && sp->dist[sp->edge_to[e]] + 1 == sp->dist[s])
        step = e;
    }
    if (PLAN_NEVER(step == SIZE_MAX))
      break;
    out->path_irreversible += plan__deadend_is_irreversible(
        task->actions[sp->edge_action[step]].schema, irreversible, n);
    s = sp->edge_to[step];
  }
  return PLAN_OK;
}

/* ======================================================================
 * The cliffs domain
 * ====================================================================== */

static const char cliffs_domain[] =
    "; Cliffs: a robot delivers crates between places on a hillside.\n"
    "; Trails go both ways, slides go down only, and a rope bridge\n"
    "; breaks once it is crossed. Effect classes (README.md here):\n"
    ";   walk, pick-up, drop: reversible (walk back, pick up again)\n"
    ";   slide, cross: irreversible (no way back up a slide; a crossed\n"
    ";   bridge is gone in both directions)\n"
    "; A reversible action never makes the goal unreachable; a slide or\n"
    "; a crossing can, when it leaves a crate behind or ends in a pit.\n"
    "(define (domain cliffs)\n"
    "  (:requirements :strips)\n"
    "  (:predicates (robot-at ?place)\n"
    "               (at ?crate ?place)\n"
    "               (carrying ?crate)\n"
    "               (trail ?from ?to)\n"
    "               (chute ?from ?to)\n"
    "               (bridge ?from ?to))\n"
    "\n"
    "  (:action walk\n"
    "    :parameters (?from ?to)\n"
    "    :precondition (and (robot-at ?from) (trail ?from ?to))\n"
    "    :effect (and (robot-at ?to) (not (robot-at ?from))))\n"
    "\n"
    "  (:action slide\n"
    "    :parameters (?from ?to)\n"
    "    :precondition (and (robot-at ?from) (chute ?from ?to))\n"
    "    :effect (and (robot-at ?to) (not (robot-at ?from))))\n"
    "\n"
    "  (:action cross\n"
    "    :parameters (?from ?to)\n"
    "    :precondition (and (robot-at ?from) (bridge ?from ?to))\n"
    "    :effect (and (robot-at ?to) (not (robot-at ?from))\n"
    "                 (not (bridge ?from ?to)) (not (bridge ?to ?from))))\n"
    "\n"
    "  (:action pick-up\n"
    "    :parameters (?crate ?place)\n"
    "    :precondition (and (robot-at ?place) (at ?crate ?place))\n"
    "    :effect (and (carrying ?crate) (not (at ?crate ?place))))\n"
    "\n"
    "  (:action drop\n"
    "    :parameters (?crate ?place)\n"
    "    :precondition (and (robot-at ?place) (carrying ?crate))\n"
    "    :effect (and (at ?crate ?place) (not (carrying ?crate)))))\n";

const char *plan__cliffs_domain_pddl(void) {
  return cliffs_domain;
}

static const char *const cliffs_irreversible[] = {"slide", "cross"};

const char *const *plan__cliffs_irreversible(size_t *n) {
  *n = PLAN_ARRAY_LEN(cliffs_irreversible);
  return cliffs_irreversible;
}

const char *plan__deadend_size_name(plan__deadend_size s) {
  switch (s) {
  case PLAN__DEADEND_SMALL: return "small";
  case PLAN__DEADEND_MEDIUM: return "medium";
  case PLAN__DEADEND_MIXED: return "mixed";
  }
  return "?";
}

bool plan__deadend_size_parse(const char *s, plan__deadend_size *out) {
  if (!strcmp(s, "small"))
    *out = PLAN__DEADEND_SMALL;
  else if (!strcmp(s, "medium"))
    *out = PLAN__DEADEND_MEDIUM;
  else if (!strcmp(s, "mixed"))
    *out = PLAN__DEADEND_MIXED;
  else
    return false;
  return true;
}

/* ======================================================================
 * Maps
 * ====================================================================== */

#define MAX_PLACES 16
#define MAX_LINKS 64
#define MAX_CRATES 2

/* Every object name must have an entry in data/pddl/cliffs/cliffs.yaml. */
static const char *const place_pool[MAX_PLACES] = {
    "bakery", "chapel",  "farm",   "forge", "garden",  "harbor",
    "inn",    "library", "market", "mill",  "orchard", "quarry",
    "school", "station", "tower",  "well"};
static const char *const crate_names[MAX_CRATES] = {"red-crate", "blue-crate"};

enum region { UP, MIDDLE, DOWN, PIT };
enum link_kind { TRAIL, CHUTE, BRIDGE };

typedef struct link {
  enum link_kind kind;
  size_t a, b; /* a chute goes from a down to b */
} link;

typedef struct cmap {
  size_t n;
  const char *name[MAX_PLACES];
  enum region region[MAX_PLACES];
  link links[MAX_LINKS];
  size_t n_links;
  size_t start;
  size_t n_crates;
  size_t crate_at[MAX_CRATES];
  size_t goal_at[MAX_CRATES];
} cmap;

/* The length range of optimal plans and the region sizes of a size. */
typedef struct size_spec {
  size_t up_min, up_span, down_min, down_span, pits_min, pits_span, crates;
  uint32_t len_min, len_max;
} size_spec;

static const size_spec sizes[] = {
    [PLAN__DEADEND_SMALL] = {3, 3, 2, 3, 1, 2, 1, 4, 10},
    [PLAN__DEADEND_MEDIUM] = {4, 3, 3, 2, 1, 2, 2, 6, 12},
};

static bool linked(const cmap *m, size_t a, size_t b) {
  for (size_t i = 0; i < m->n_links; i++)
    if ((m->links[i].a == a && m->links[i].b == b) ||
        (m->links[i].a == b && m->links[i].b == a))
      return true;
  return false;
}

/* Adds a link unless a and b are the same place or already joined: the
 * map never has two ways between the same places. */
static void add_link(cmap *m, enum link_kind kind, size_t a, size_t b) {
  if (a == b || linked(m, a, b) || m->n_links >= MAX_LINKS)
    return;
  m->links[m->n_links++] = (link){kind, a, b};
}

static bool chance(plan__rng *r, double p) {
  return plan__rng_double(r) < p;
}

static size_t below(plan__rng *r, size_t n) {
  return (size_t)plan__rng_below(r, n);
}

/* Trails over places lo .. lo+n-1: a random tree (each place joins an
 * earlier one), sometimes one more trail that closes a loop. */
static void draw_trails(cmap *m, plan__rng *r, size_t lo, size_t n) {
  for (size_t i = 1; i < n; i++)
    add_link(m, TRAIL, lo + i, lo + below(r, i));
  if (n >= 3 && chance(r, 0.4))
    add_link(m, TRAIL, lo + below(r, n), lo + below(r, n));
}

/* A slide most of the time, else a rope bridge. */
static enum link_kind way_down(plan__rng *r, double p_bridge) {
  return chance(r, p_bridge) ? BRIDGE : CHUTE;
}

/* A map: places [0, nu) up, [nu, nu+nm) on a middle terrace (medium maps,
 * half the time; none otherwise), then the lower region and the pits. */
static void draw_map(plan__rng *r, const size_spec *z, cmap *m) {
  memset(m, 0, sizeof *m);
  bool terrace = z->crates > 1 && chance(r, 0.5);
  size_t nu = terrace ? 3 + below(r, 2) : z->up_min + below(r, z->up_span);
  size_t nm = terrace ? 2 : 0;
  size_t nd = z->down_min + below(r, z->down_span);
  size_t np = z->pits_min + below(r, z->pits_span);
  size_t lo = nu + nm; /* the first place of the lower region */
  m->n = lo + nd + np;
  /* Names: the first n of a shuffled pool, so no name tells the region. */
  size_t idx[MAX_PLACES];
  for (size_t i = 0; i < MAX_PLACES; i++)
    idx[i] = i;
  for (size_t i = 0; i < m->n; i++) {
    size_t j = i + below(r, MAX_PLACES - i);
    size_t t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    m->name[i] = place_pool[idx[i]];
    m->region[i] = i < nu ? UP : i < lo ? MIDDLE : i < lo + nd ? DOWN : PIT;
  }
  draw_trails(m, r, 0, nu);
  draw_trails(m, r, nu, nm);
  draw_trails(m, r, lo, nd);
  m->start = below(r, nu);
  m->n_crates = z->crates;
  for (size_t c = 0; c < m->n_crates; c++) {
    /* Crates wait above, never at the start; on a terrace map the second
     * one is on the terrace half the time. */
    size_t k = below(r, nu - 1);
    m->crate_at[c] = k >= m->start ? k + 1 : k;
    if (c > 0 && nm && chance(r, 0.5))
      m->crate_at[c] = nu + below(r, nm);
    m->goal_at[c] = lo + below(r, nd);
  }
  /* The tempting shortcut: from the start straight down to the lower
   * region, often right to a goal place. Taken first, it leaves the
   * crates behind. */
  size_t dest = chance(r, 0.5) ? m->goal_at[0] : lo + below(r, nd);
  add_link(m, way_down(r, 0.25), m->start, dest);
  /* More ways down: up -> lower, or up -> terrace -> lower. */
  size_t n_down = 1 + below(r, 2);
  for (size_t i = 0; i < n_down; i++)
    add_link(m, way_down(r, 0.3), below(r, nu),
             (nm ? nu : lo) + below(r, nm ? nm : nd));
  n_down = nm ? 1 + below(r, 2) : 0;
  for (size_t i = 0; i < n_down; i++)
    add_link(m, way_down(r, 0.3), nu + below(r, nm), lo + below(r, nd));
  /* Pits: one way in (from any region), none out. */
  for (size_t p = 0; p < np; p++) {
    size_t from = chance(r, 0.6) ? below(r, nu) : nu + below(r, nm + nd);
    add_link(m, way_down(r, 0.25), from, lo + nd + p);
  }
}

/* The map distance from each place to the nearest goal place, over every
 * link in the directions it can be used (UINT32_MAX: none): how close a
 * move looks to the goal, whatever the crates. */
static void goal_distances(const cmap *m, uint32_t *d) {
  for (size_t i = 0; i < m->n; i++)
    d[i] = UINT32_MAX;
  for (size_t c = 0; c < m->n_crates; c++)
    d[m->goal_at[c]] = 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < m->n_links; i++) {
      const link *l = &m->links[i];
      /* a -> b always; b -> a for trails and bridges. */
      for (int dir = 0; dir < 2; dir++) {
        size_t from = dir ? l->b : l->a;
        size_t to = dir ? l->a : l->b;
        if (dir && l->kind == CHUTE)
          continue;
        if (d[to] != UINT32_MAX && d[to] + 1 < d[from]) {
          d[from] = d[to] + 1;
          changed = true;
        }
      }
    }
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends the problem's PDDL (without the header comment) to b. */
static void write_problem(const cmap *m, const char *name, plan__buf *b) {
  const char *objs[MAX_PLACES + MAX_CRATES];
  size_t n_objs = 0;
  for (size_t i = 0; i < m->n; i++)
    objs[n_objs++] = m->name[i];
  qsort(objs, n_objs, sizeof *objs, cmp_str);
  plan__buf_printf(b, "(define (problem %s)\n  (:domain cliffs)\n  (:objects",
                   name);
  for (size_t i = 0; i < n_objs; i++)
    plan__buf_printf(b, " %s", objs[i]);
  for (size_t c = 0; c < m->n_crates; c++)
    plan__buf_printf(b, " %s", crate_names[c]);
  plan__buf_printf(b, ")\n  (:init\n    (robot-at %s)\n", m->name[m->start]);
  for (size_t c = 0; c < m->n_crates; c++)
    plan__buf_printf(b, "    (at %s %s)\n", crate_names[c],
                     m->name[m->crate_at[c]]);
  for (size_t i = 0; i < m->n_links; i++) {
    const link *l = &m->links[i];
    const char *a = m->name[l->a];
    const char *z = m->name[l->b];
    if (l->kind == CHUTE)
      plan__buf_printf(b, "    (chute %s %s)\n", a, z);
    else
      plan__buf_printf(b, "    (%s %s %s) (%s %s %s)\n",
                       l->kind == TRAIL ? "trail" : "bridge", a, z,
                       l->kind == TRAIL ? "trail" : "bridge", z, a);
  }
  plan__buf_puts(b, "  )\n  (:goal (and");
  for (size_t c = 0; c < m->n_crates; c++)
    plan__buf_printf(b, "%s(at %s %s)", c ? "\n              " : " ",
                     crate_names[c], m->name[m->goal_at[c]]);
  plan__buf_puts(b, ")))\n");
}

/* The place named by object id obj of task, or SIZE_MAX. */
static size_t place_of(const cmap *m, const plan__pddl_task *task,
                       uint32_t obj) {
  for (size_t i = 0; i < m->n; i++)
    if (!strcmp(m->name[i], task->objects[obj]))
      return i;
  return SIZE_MAX;
}

/* Whether one of the start's traps leads nearer, on the map, to a goal
 * place than the start is: the trap a planner could fall for. */
static bool plausible_trap(const cmap *m, const plan__pddl_task *task,
                           const plan__deadend_stats *st) {
  uint32_t d[MAX_PLACES];
  goal_distances(m, d);
  for (size_t i = 0; i < st->n_init_trap_actions; i++) {
    const plan__pddl_action *a = &task->actions[st->init_trap_actions[i]];
    if (a->n_args != 2)
      continue;
    size_t dest = place_of(m, task, a->args[1]);
    if (dest != SIZE_MAX && d[dest] < d[m->start])
      return true;
  }
  return false;
}

/* ======================================================================
 * The generator
 * ====================================================================== */

void plan__deadend_instance_free(plan__deadend_instance *inst) {
  if (!inst)
    return;
  plan__free(inst->pddl);
  memset(inst, 0, sizeof *inst);
}

/* Whether the analysed map is one to keep (gen_deadend.h lists why). */
static bool acceptable(const size_spec *z, const cmap *m,
                       const plan__pddl_task *task,
                       const plan__deadend_stats *st) {
  return st->optimal >= z->len_min && st->optimal <= z->len_max &&
         !st->reversible_solvable && st->init_traps > 0 &&
         plausible_trap(m, task, st);
}

/* The header comment of an accepted instance: provenance and statistics.
 * No parentheses, so nothing mistakes it for PDDL. */
static void write_header(const plan__deadend_options *o, uint32_t index,
                         plan__deadend_size size, const cmap *m,
                         const plan__deadend_stats *st, plan__buf *b) {
  plan__buf_printf(b,
                   "; cliffs instance %u of: plan gen-deadend --size %s "
                   "--seed %llu\n"
                   "; a %s map: %zu places, %zu crate%s; optimal plan: %u "
                   "steps;\n"
                   "; %zu reachable states, %zu of them dead ends; traps: "
                   "%zu at the start,\n"
                   "; %zu along an optimal plan\n",
                   (unsigned)index, plan__deadend_size_name(o->size),
                   (unsigned long long)o->seed, plan__deadend_size_name(size),
                   m->n, m->n_crates, m->n_crates == 1 ? "" : "s",
                   (unsigned)st->optimal, st->states, st->dead_states,
                   st->init_traps, st->path_traps);
}

plan_status plan__deadend_generate(const plan__pddl_domain *dom,
                                   const plan__deadend_options *o,
                                   uint32_t index, plan__deadend_instance *out,
                                   plan_error *err) {
  memset(out, 0, sizeof *out);
  if (!dom || !o || index == 0 ||
      (o->size != PLAN__DEADEND_SMALL && o->size != PLAN__DEADEND_MEDIUM &&
       o->size != PLAN__DEADEND_MIXED))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "gen-deadend: bad arguments (the index is "
                           "1-based)");
  if (strcmp(plan__pddl_domain_name(dom), "cliffs") != 0)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "gen-deadend: the domain is '%s', not cliffs",
                           plan__pddl_domain_name(dom));
  /* Mixed series: instance k is instance k of the small (odd k) or the
   * medium (even k) series. */
  plan__deadend_size size = o->size;
  if (size == PLAN__DEADEND_MIXED)
    size = index % 2 ? PLAN__DEADEND_SMALL : PLAN__DEADEND_MEDIUM;
  const size_spec *z = &sizes[size];
  size_t max_states = o->max_states ? o->max_states : 5000;
  unsigned max_tries = o->max_tries ? o->max_tries : 2000;
  size_t n_irr;
  const char *const *irr = plan__cliffs_irreversible(&n_irr);
  /* Instance k's own stream: independent of the other instances. */
  plan__rng r;
  plan__rng_seed(&r, plan__hash_mix(o->seed) ^
                         plan__hash_mix(((uint64_t)size << 32) | index));
  char name[96];
  plan__fmt(name, sizeof name, "cliffs-%s-%llu-%u",
            plan__deadend_size_name(size), (unsigned long long)o->seed,
            (unsigned)index);
  plan__buf text;
  plan__buf_init(&text, 0);
  plan_status st = PLAN_OK;
  for (unsigned t = 1; t <= max_tries; t++) {
    cmap m;
    draw_map(&r, z, &m);
    plan__buf_reset(&text);
    write_problem(&m, name, &text);
    if (text.status != PLAN_OK) {
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      break;
    }
    plan__pddl_problem *prob = NULL;
    plan__pddl_task *task = NULL;
    plan__state_space sp;
    memset(&sp, 0, sizeof sp);
    st = plan__pddl_problem_parse(dom, text.data, text.len, name, &prob, err);
    if (st == PLAN_OK)
      st = plan__pddl_task_create(dom, prob, &task, err);
    if (st == PLAN_OK)
      st = plan__state_space_build(task, max_states, &sp, err);
    bool keep = false;
    plan__deadend_stats stats;
    if (st == PLAN_OK) {
      st = plan__deadend_stats_compute(task, &sp, irr, n_irr, &stats);
      if (st != PLAN_OK)
        plan__error_set(err, st, 0, 0, "out of memory");
      else
        keep = acceptable(z, &m, task, &stats);
    } else if (st == PLAN_EBUDGET) {
      st = PLAN_OK; /* too many states: draw again */
    }
    plan__state_space_free(&sp);
    plan__pddl_task_free(task);
    plan__pddl_problem_free(prob);
    if (st != PLAN_OK)
      break;
    if (!keep)
      continue;
    plan__buf final;
    plan__buf_init(&final, 0);
    write_header(o, index, size, &m, &stats, &final);
    plan__buf_append(&final, text.data, text.len);
    if (final.status != PLAN_OK) {
      plan__buf_free(&final);
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      break;
    }
    out->pddl = plan__buf_take(&final);
    out->stats = stats;
    out->n_places = m.n;
    out->n_crates = m.n_crates;
    out->tries = t;
    plan__buf_free(&text);
    return PLAN_OK;
  }
  plan__buf_free(&text);
  if (st == PLAN_OK)
    st = plan__error_set(err, PLAN_EBUDGET, 0, 0,
                         "gen-deadend: no acceptable %s map for instance %u "
                         "in %u tries",
                         plan__deadend_size_name(size), (unsigned)index,
                         max_tries);
  return st;
}
