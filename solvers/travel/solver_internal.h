/* solvers/travel/solver_internal.h: the solver's model of one query,
 * shared by its three files: solver.c (building the model and the branch
 * and bound), solver_write.c (turning an itinerary into the submission
 * format) and solver_explain.c (conflicts when nothing fits). Nothing
 * outside solvers/travel/solver*.c includes this header.
 *
 * Vocabulary. A trip visits V cities c_0..c_{V-1} (indices into the
 * candidate table) over D days. Leg j (0..V) is travelled on day t[j]:
 * t[0] = 0, t[V] = D - 1, strictly increasing. Leg 0 goes from the origin
 * to c_0, leg j from c_{j-1} to c_j, leg V from c_{V-1} back home. City k
 * is slept in on nights t[k] .. t[k+1] - 1 (nights = t[k+1] - t[k]); the
 * days strictly between are its stay days, each of which needs three meals
 * and at least one attraction.
 *
 * Optional meals on travel days (only ever used to cover a required
 * cuisine) follow a fixed model: on the day a city is left, breakfast (and,
 * for the last city, lunch) before departure; on the day a city is reached,
 * dinner after arrival. Each use constrains the leg's times (see
 * TV_PAT_*). Meals are never placed in the origin city.
 */
#ifndef PLAN_SOLVERS_TRAVEL_SOLVER_INTERNAL_H
#define PLAN_SOLVERS_TRAVEL_SOLVER_INTERNAL_H

#include "solvers/travel/solver.h"

#define TV_INF 1e300
#define TV_MAX_DAYS 7 /* the benchmark's longest trip */
#define TV_MAX_V (TV_MAX_DAYS - 1)
#define TV_MAX_REQ 7 /* required cuisines: the 7 constraint cuisines */

/* Meal-slot pattern of one leg: which optional meals the leg's timing must
 * allow. Breakfast before leaving needs a departure at or after 09:00,
 * lunch before leaving one at or after 13:30, dinner after arriving an
 * arrival the same day by 18:30. Ground legs leave at 08:00 (09:00 after
 * breakfast, 13:30 after lunch). */
#define TV_PAT_XB 1u
#define TV_PAT_XL 2u
#define TV_PAT_YD 4u
#define TV_N_PAT 8
#define TV_T_BREAKFAST_DONE 540 /* minutes after midnight */
#define TV_T_LUNCH_DONE 810
#define TV_T_DINNER_LATEST 1110
#define TV_T_GROUND_START 480

/* Transport classes: the commonsense rule forbids self-driving together
 * with flights or taxis, so a trip either drives every leg or uses only
 * flights and taxis. */
enum { TV_CLASS_DRIVE = 0, TV_CLASS_FLY_TAXI = 1, TV_N_CLASS = 2 };

enum tv_mode { TV_MODE_NONE = 0, TV_MODE_FLIGHT, TV_MODE_DRIVE, TV_MODE_TAXI };

struct tv_rest {
  const plan__travel_restaurant *row;
  double cost;   /* per meal for the whole group */
  unsigned mask; /* required cuisines served, compressed bits */
};

struct tv_acc {
  const plan__travel_accommodation *row;
  double night; /* per night for the whole group (price * rooms) */
  int min_nights;
};

struct tv_city {
  int id; /* database city id */
  const char *name;
  struct tv_rest *rest; /* usable restaurants, cheapest first */
  size_t n_rest;
  double *prefix;     /* prefix[i]: the i cheapest meals; n_rest + 1 entries */
  struct tv_acc *acc; /* eligible accommodations, cheapest night first */
  size_t n_acc;
  int acc_best[TV_MAX_DAYS + 1];        /* per nights: index into acc, or -1 */
  const plan__travel_attraction **attr; /* usable attractions, file order */
  size_t n_attr;
  unsigned cuisine_union; /* compressed mask of every usable restaurant */
  /* Cuisine table: g[j * nm + mask] is the cheapest set of exactly j
   * distinct restaurants whose served required cuisines are exactly mask;
   * built on first use. */
  double *g;
  int jmax;
  /* Diagnostics for conflicts: rows at each filter stage. */
  size_t acc_rows, acc_type_ok, acc_rule_ok, acc_usable;
  int acc_min_nights; /* smallest minimum stay among type+rule matches */
  size_t rest_rows, attr_rows;
};

/* One leg (origin node, destination node, day); nodes are candidate
 * indices, the origin city is node n_city. */
struct tv_leg {
  bool road; /* a valid distance-matrix row: self-driving and taxi */
  const plan__travel_drive *drive;
  double drive_cost, taxi_cost; /* for the whole group */
  int road_minutes;
  size_t n_flights; /* flights listed that day (before the time rules) */
  const plan__travel_flight *flight[TV_N_PAT]; /* cheapest per pattern */
  double flight_cost[TV_N_PAT];
};

/* How one leg is travelled in a chosen itinerary. */
struct tv_choice {
  int mode; /* enum tv_mode */
  const plan__travel_flight *flight;
  const plan__travel_drive *drive;
  double cost;
};

struct tv_model {
  plan__travel_db *db;
  const plan__travel_query *q;
  int D, V, P;
  int org; /* database id of the origin */
  bool dest_is_state;
  bool no_flight, no_drive;
  bool cuisine_impossible;     /* an unknown cuisine name was required */
  int n_req;                   /* required cuisines (compressed bits) */
  unsigned req_db[TV_MAX_REQ]; /* database bit of each compressed bit */
  int nm;                      /* 1 << n_req */
  struct tv_city *city;
  size_t n_city;
  size_t n_state_cities; /* cities of the state before filtering */
  struct tv_leg **legs;  /* (n_city + 1)^2 * D, built lazily */
  plan__arena arena;     /* legs live here */
  uint64_t n_legs;
  double min_night;    /* cheapest usable night of any candidate */
  double min_meal_day; /* cheapest 3 distinct meals of any city */
  /* Relaxations used only to explain infeasibility (solver_explain.c). */
  bool ignore_cuisine;
  bool ignore_attractions;
};

/* A complete itinerary: cities, leg days, optional extra meals per city,
 * transport class, and its cost split. */
struct tv_itin {
  int V;
  int seq[TV_MAX_V];
  int t[TV_MAX_V + 1];
  int extra[TV_MAX_V];
  int cls;
  double cost, transport, accommodation, meals;
};

/* solver.c */
plan_status plan__tv_model_build(struct tv_model *m, plan__travel_db *db,
                                 const plan__travel_query *q, plan_error *err);
void plan__tv_model_free(struct tv_model *m);
/* The leg from node a to node b on day d (built on first use); *out is
 * NULL only on ENOMEM. */
plan_status plan__tv_leg_get(struct tv_model *m, int a, int b, int d,
                             struct tv_leg **out);
/* The cheapest way to travel leg L in class cls with meal pattern pat;
 * TV_INF when impossible. choice may be NULL. */
double plan__tv_leg_cost(const struct tv_model *m, const struct tv_leg *L,
                         int cls, unsigned pat, struct tv_choice *choice);
/* Accommodation for `nights` nights plus the cheapest meals of its stay
 * days, TV_INF when the city cannot host such a stay (no eligible room,
 * too few attractions or restaurants). */
double plan__tv_city_cost(const struct tv_model *m, const struct tv_city *c,
                          int nights);
/* Builds c->g when cuisines are required. */
plan_status plan__tv_cuisine_table(struct tv_model *m, struct tv_city *c);
/* The meal pattern leg j must allow, given the extra meals per city. */
unsigned plan__tv_leg_pattern(int V, const int *extra, int j);
/* Picks exactly j restaurants of c serving exactly mask at cost g[j][mask]
 * into idx (indices into c->rest). */
plan_status plan__tv_cuisine_pick(const struct tv_model *m,
                                  const struct tv_city *c, int j, unsigned mask,
                                  int *idx);
/* The per-city masks of the cheapest cuisine cover for an itinerary with
 * the given per-city meal counts; returns the meal cost (TV_INF if none). */
double plan__tv_cuisine_merge(const struct tv_model *m, const int *seq,
                              const int *count, int V, unsigned *masks);

/* True when some itinerary exists with unlimited budget (the first one
 * found ends the search). */
plan_status plan__tv_feasible(struct tv_model *m, bool *out);

/* solver_write.c: the plan of itinerary it as a new JSON array; fills the
 * cost split of *it from what was written. */
plan_status plan__tv_write_plan(struct tv_model *m, struct tv_itin *it,
                                json_t **out);

/* solver_explain.c: appends the conflicts that make the query infeasible
 * (no itinerary even with unlimited budget) to out. */
plan_status plan__tv_explain(struct tv_model *m, plan__travel_solution *out);
/* Appends one conflict. */
plan_status plan__tv_conflict_add(plan__travel_solution *s,
                                  plan__travel_conflict_kind kind,
                                  const char *place, double amount,
                                  const char *unit, const char *fmt, ...)
    PLAN_PRINTF(6, 7);

#endif /* PLAN_SOLVERS_TRAVEL_SOLVER_INTERNAL_H */
