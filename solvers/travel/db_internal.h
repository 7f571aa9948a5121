/* solvers/travel/db_internal.h: the layout of plan__travel_db, shared by
 * the files that build and query it (db.c: folders and lookups; ref.c:
 * reference information; flights.c: the flights store and generator;
 * cities.c: the built-in city/state set). Nothing outside solvers/travel
 * includes this header.
 */
#ifndef PLAN_SOLVERS_TRAVEL_DB_INTERNAL_H
#define PLAN_SOLVERS_TRAVEL_DB_INTERNAL_H

#include "solvers/travel/db.h"

#define PLAN__TRAVEL_DB_MAGIC 0x74726462u /* "trdb" */

typedef struct plan__travel_city_state {
  const char *city;
  const char *state;
} plan__travel_city_state;

extern const plan__travel_city_state plan__travel_builtin_cities[];
extern const size_t plan__travel_builtin_city_count;

/* ---- hash maps -----------------------------------------------------------
 * Open addressing, linear probing, power-of-two capacity, at most half
 * full. u64map maps a 64-bit key to a uint32 value; strmap maps a string
 * (owned elsewhere, compared through a callback-free name table) to an
 * index. Empty slots hold UINT32_MAX. */
typedef struct plan__u64map {
  uint64_t *keys;
  uint32_t *vals;
  size_t cap;
  size_t n;
} plan__u64map;

void plan__u64map_free(plan__u64map *m);
/* Inserts or replaces. PLAN_ENOMEM leaves the map unchanged. */
plan_status plan__u64map_put(plan__u64map *m, uint64_t key, uint32_t val);
/* The value, or UINT32_MAX. */
uint32_t plan__u64map_get(const plan__u64map *m, uint64_t key);

/* A string -> index map whose strings live in names[index]. */
typedef struct plan__strmap {
  uint32_t *slots; /* index, or UINT32_MAX */
  uint64_t *hashes;
  size_t cap;
  size_t n;
} plan__strmap;

void plan__strmap_free(plan__strmap *m);
/* The index whose names[index] equals s (len bytes), or UINT32_MAX. */
uint32_t plan__strmap_get(const plan__strmap *m, const char *const *names,
                          const char *s, size_t len);
/* Adds index (names[index] must already hold the string). The caller
 * checks first that the string is not present. */
plan_status plan__strmap_add(plan__strmap *m, const char *const *names,
                             uint32_t index);

/* ---- the handle -----------------------------------------------------------
 */

typedef struct plan__travel_city_entry {
  plan__travel_city pub;
  uint32_t acc_begin, acc_end; /* slices of the sorted row arrays */
  uint32_t rest_begin, rest_end;
  uint32_t att_begin, att_end;
  int set_index;   /* line in the city/state set, -1 if not in it */
  double lat, lon; /* for the flights generator */
  bool has_coord;
  int utc_offset_min; /* standard time, minutes east of UTC */
  bool dst;           /* observes daylight saving time */
  double hub_weight;  /* flights generator airport size */
} plan__travel_city_entry;

struct plan__travel_flightgen; /* flights.c */

struct plan__travel_db {
  uint32_t magic;
  char *source;
  bool is_ref;
  plan__arena strings; /* every string of every row */

  plan__travel_city_entry *cities;
  const char **city_names; /* city_names[i] == cities[i].pub.name */
  size_t n_cities;
  size_t cap_cities;
  plan__strmap city_map;

  /* States of the city/state set, sorted by bytes, and their cities. */
  const char **states;
  size_t n_states;
  plan__strmap state_map; /* over states[] */
  int *state_cities;      /* concatenated, set order within a state */
  size_t *state_begin;    /* n_states + 1 offsets into state_cities */

  plan__travel_accommodation *acc; /* sorted by city, source order within */
  size_t n_acc;
  plan__travel_restaurant *rest;
  size_t n_rest;
  plan__travel_attraction *att;
  size_t n_att;

  plan__travel_drive *drives; /* first row per ordered pair */
  size_t n_drives;
  plan__u64map drive_map; /* (origin << 32 | dest) -> index */

  /* Real flights sorted by (origin, dest, date), file order within. */
  plan__travel_flight *real;
  size_t n_real;
  plan__u64map real_groups;  /* route-day key -> first index; see flights.c */
  uint32_t *real_group_len;  /* per index of a group start: its length */
  const char **real_numbers; /* real_numbers[i] == real[i].number */
  plan__strmap real_number_map; /* -> index of the first row in file order */
  plan__u64map known_empty;     /* route-day keys with no flights */
  bool generate;
  uint64_t flight_seed;
  struct plan__travel_flightgen *gen; /* NULL until first use */
};

/* Adds (or finds) a city by name; *id receives its index. */
plan_status plan__travel_db_intern_city(plan__travel_db *db, const char *name,
                                        size_t len, int *id);
/* Copies s into the string arena; NULL on ENOMEM. */
const char *plan__travel_db_str(plan__travel_db *db, const char *s, size_t len);
/* A new empty handle with the built-in city/state set or none. */
plan_status plan__travel_db_new(plan__travel_db **out, const char *source);
/* Installs the city/state set from (city, state) pairs: interns the cities
 * in order, sets pub.state, set_index and the per-state lists. */
plan_status plan__travel_db_set_cities(plan__travel_db *db,
                                       const plan__travel_city_state *pairs,
                                       size_t n);
/* Sorts the row arrays by city (stable) and fills the per-city slices;
 * computes cuisine and rule bits. Call once after all rows are added. */
plan_status plan__travel_db_finish_rows(plan__travel_db *db);

/* Row appenders used by the folder and reference loaders. Strings are
 * copied into the arena. */
plan_status
plan__travel_db_add_accommodation(plan__travel_db *db,
                                  const plan__travel_accommodation *row);
plan_status plan__travel_db_add_restaurant(plan__travel_db *db,
                                           const plan__travel_restaurant *row);
plan_status plan__travel_db_add_attraction(plan__travel_db *db,
                                           const plan__travel_attraction *row);
/* Adds a distance-matrix row unless its pair already has one (first row
 * wins). duration/distance are the raw texts (NULL or "" when missing). */
plan_status plan__travel_db_add_drive(plan__travel_db *db, int origin, int dest,
                                      const char *duration,
                                      const char *distance);

/* ---- flights (flights.c) ---------------------------------------------------
 */

/* Appends a real flight row (copied). Rows may arrive in any order;
 * plan__travel_db_finish_flights sorts and indexes them. */
plan_status plan__travel_db_add_flight(plan__travel_db *db,
                                       const plan__travel_flight *f);
plan_status plan__travel_db_add_known_empty(plan__travel_db *db, int origin,
                                            int dest, const char *date);
plan_status plan__travel_db_finish_flights(plan__travel_db *db);
/* Frees the flights store and generator. */
void plan__travel_db_free_flights(plan__travel_db *db);
/* Sets coordinates, time zones and hub weights of the cities for the
 * generator (after the attractions are loaded). */
plan_status plan__travel_db_prepare_generator(plan__travel_db *db);

#endif /* PLAN_SOLVERS_TRAVEL_DB_INTERNAL_H */
