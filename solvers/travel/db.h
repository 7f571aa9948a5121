/* solvers/travel/db.h: the TravelPlanner database behind the travel solver
 * bridge and the evaluator: cities and states, accommodations, restaurants,
 * attractions, the Google distance matrix (self-driving and taxi) and
 * flights. Internal (not installed).
 *
 * Two sources build the same handle:
 *   - a database folder in the upstream layout (data/travel/ in this repo,
 *     or ../shared/data/travelplanner/database): plan__travel_db_load;
 *   - one query's reference information (the benchmark's sole-planning
 *     setting; an object shaped like one line of train_ref_info.jsonl):
 *     plan__travel_db_from_ref.
 *
 * Row order. Every per-city slice keeps the rows in source order (file
 * order, or list order in reference information), because the official
 * evaluator takes the FIRST matching row. Rows the upstream tools drop
 * (accommodations with any empty field: pandas dropna) are never loaded.
 *
 * Flights. The full upstream flights table is not available. A folder
 * without flights/clean_Flights_2022.csv gets flights from a deterministic
 * generator (docs/travel-data.md) consistent with the distance matrix; the
 * real rows in flights_subset_train_ref_info.csv replace the generated ones
 * for their (origin, destination, date), and the route-days the train
 * reference information reports as empty (flights_known_empty.csv) stay
 * empty. Generated flights exist for dates 2022-03-01..2022-03-31 only, like
 * the real table. Flights are generated lazily per (origin, destination,
 * date) and cached in the handle, which is why flight lookups take a
 * non-const handle.
 *
 * Money is double (USD) because the upstream evaluator computes in floats;
 * every value in the real tables is integral. City ids are indices into the
 * handle's city table; -1 means "no such city".
 *
 * Thread safety: a handle must not be used by two threads at once (the
 * flight cache mutates); distinct handles are independent.
 */
#ifndef PLAN_SOLVERS_TRAVEL_DB_H
#define PLAN_SOLVERS_TRAVEL_DB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

typedef struct plan__travel_db plan__travel_db;

/* ======================================================================
 * Rows
 * ====================================================================== */

/* Room types as in the accommodations table. */
typedef enum plan__travel_room_kind {
  PLAN__TRAVEL_ROOM_OTHER = 0, /* anything else (never in the real data) */
  PLAN__TRAVEL_ROOM_ENTIRE,    /* "Entire home/apt" */
  PLAN__TRAVEL_ROOM_PRIVATE,   /* "Private room" */
  PLAN__TRAVEL_ROOM_SHARED     /* "Shared room" */
} plan__travel_room_kind;

/* House-rule bits: set when the listing's house_rules CONTAINS the "No ..."
 * text (the official evaluator's substring test). */
enum {
  PLAN__TRAVEL_NO_PARTIES = 1u << 0,  /* "No parties" */
  PLAN__TRAVEL_NO_SMOKING = 1u << 1,  /* "No smoking" */
  PLAN__TRAVEL_NO_CHILDREN = 1u << 2, /* "No children under 10" */
  PLAN__TRAVEL_NO_VISITORS = 1u << 3, /* "No visitors" */
  PLAN__TRAVEL_NO_PETS = 1u << 4      /* "No pets" */
};

/* Cuisine bits: set when the restaurant's Cuisines text CONTAINS the name
 * (again the evaluator's substring test). The first 7 are the cuisines a
 * query may require. */
enum {
  PLAN__TRAVEL_CUISINE_CHINESE = 1u << 0,
  PLAN__TRAVEL_CUISINE_AMERICAN = 1u << 1,
  PLAN__TRAVEL_CUISINE_ITALIAN = 1u << 2,
  PLAN__TRAVEL_CUISINE_MEXICAN = 1u << 3,
  PLAN__TRAVEL_CUISINE_INDIAN = 1u << 4,
  PLAN__TRAVEL_CUISINE_MEDITERRANEAN = 1u << 5,
  PLAN__TRAVEL_CUISINE_FRENCH = 1u << 6
};
#define PLAN__TRAVEL_N_CUISINES 7
/* "Chinese", "American", ... in bit order; i in [0, 7). */
const char *plan__travel_cuisine_name(unsigned i);
/* The bit of a cuisine name (exact, case-sensitive), 0 if none. */
unsigned plan__travel_cuisine_bit(const char *name);

typedef struct plan__travel_city {
  const char *name;
  const char *state; /* NULL when the city is not in the city/state set */
  bool in_city_set;  /* listed in citySet_with_states */
} plan__travel_city;

typedef struct plan__travel_accommodation {
  const char *name; /* NAME */
  int city;
  double price;          /* per night per room (unit) */
  const char *room_type; /* "Entire home/apt", "Private room", ... */
  plan__travel_room_kind room;
  double minimum_nights;
  int maximum_occupancy;   /* rooms needed: ceil(people / maximum_occupancy) */
  double review;           /* review rate number */
  const char *house_rules; /* "No smoking & No parties" */
  unsigned rules;          /* PLAN__TRAVEL_NO_* bits */
} plan__travel_accommodation;

typedef struct plan__travel_restaurant {
  const char *name;
  int city;
  double cost;           /* Average Cost: per person per meal */
  const char *cuisines;  /* "Tea, Pizza, Indian, Seafood" */
  unsigned cuisine_bits; /* PLAN__TRAVEL_CUISINE_* */
  double rating;         /* Aggregate Rating */
} plan__travel_restaurant;

typedef struct plan__travel_attraction {
  const char *name;
  int city;
  double latitude;
  double longitude;
  const char *address;
  const char *phone;
  const char *website;
} plan__travel_attraction;

/* One row of the distance matrix (the first for its ordered pair).
 * valid is false when duration or distance is empty or the duration
 * contains "day": upstream then reports "No valid information." and the
 * pair has no self-driving and no taxi. */
typedef struct plan__travel_drive {
  int origin;
  int dest;
  bool valid;
  const char *duration; /* "10 hours 55 mins"; "" when empty */
  const char *distance; /* "1,144 km"; "" when empty */
  double km;            /* distance with the commas and " km" removed */
  int minutes;          /* duration in minutes; -1 when not valid */
} plan__travel_drive;

typedef struct plan__travel_flight {
  char number[16];  /* "F3573659" */
  char date[11];    /* "2022-03-16" */
  char dep_time[6]; /* "15:40", local time */
  char arr_time[6]; /* "17:04", local time; may be before dep_time */
  char elapsed[32]; /* ActualElapsedTime: "2 hours 24 minutes" */
  double price;     /* per person */
  int origin;
  int dest;
  double distance; /* miles */
  int dep_minutes; /* dep_time as minutes after midnight */
  int arr_minutes; /* arr_time as minutes after midnight */
  int elapsed_minutes;
  bool generated; /* made by the generator, not a real row */
} plan__travel_flight;

/* ======================================================================
 * Loading
 * ====================================================================== */

#define PLAN__TRAVEL_DB_OPTIONS_VERSION 1

typedef struct plan__travel_db_options {
  unsigned version;
  /* Folder loads only. Generate flights for routes and dates the flights
   * files do not cover. Default (0): on when the folder has no full
   * flights/clean_Flights_2022.csv, off when it has one. */
  int generate_flights; /* 0: default, 1: on, -1: off */
  uint64_t flight_seed; /* generator seed; 0: the documented default */
} plan__travel_db_options;

void plan__travel_db_options_init(plan__travel_db_options *o, unsigned version);

/* Loads the database folder dir. Files (upstream layout):
 *   background/citySet_with_states.txt   (optional: built-in set if absent)
 *   accommodations/clean_accommodations_2022.csv
 *   restaurants/clean_restaurant_2022.csv
 *   attractions/attractions.csv
 *   googleDistanceMatrix/distance.csv
 *   flights/clean_Flights_2022.csv        (optional: the full table)
 *   flights_subset_train_ref_info.csv     (optional: real rows kept)
 *   flights_known_empty.csv               (optional: origin,dest,date)
 * The loader handles the real files' quirks (the unnamed pandas index
 * column, rows with empty fields dropped like pandas dropna, durations with
 * "day", empty distances, thousands commas, duplicate pairs: first wins).
 * A malformed file is PLAN_EPARSE with err->text naming file and line
 * (err->line set); a missing required file is PLAN_EIO. opts NULL: the
 * defaults. Frees with plan__travel_db_free. */
plan_status plan__travel_db_load(const char *dir,
                                 const plan__travel_db_options *opts,
                                 plan__travel_db **out, plan_error *err);

/* Builds a database from one query's reference information ref (borrowed):
 * an object whose keys are "Attractions in X", "Restaurants in X",
 * "Accommodations in X", "Flight from A to B on YYYY-MM-DD",
 * "Self-driving from A to B", "Taxi from A to B", with a list of row
 * objects or a message string as the value ("There is no flight ...",
 * "No valid information.", "self-driving, from A to B, duration: ...,
 * distance: ... km, cost: N"). A JSON string holding such an object is
 * accepted too. Keys are read in the object's order. Accommodation rows with
 * empty fields are dropped like upstream. The city/state set is the
 * built-in one. No flights are generated. PLAN_EPARSE names the key.
 * Frees with plan__travel_db_free. */
plan_status plan__travel_db_from_ref(const json_t *ref, plan__travel_db **out,
                                     plan_error *err);
/* The same from JSON text (one line of train_ref_info.jsonl). */
plan_status plan__travel_db_from_ref_text(const char *text, size_t len,
                                          plan__travel_db **out,
                                          plan_error *err);

/* NULL does nothing. */
void plan__travel_db_free(plan__travel_db *db);

/* Where the database came from: the folder path or "reference
 * information". Borrowed from the handle. */
const char *plan__travel_db_source(const plan__travel_db *db);
/* True for a reference-information database. */
bool plan__travel_db_is_ref(const plan__travel_db *db);

/* ======================================================================
 * Cities and states
 * ====================================================================== */

size_t plan__travel_db_city_count(const plan__travel_db *db);
/* NULL when id is out of range. Borrowed. */
const plan__travel_city *plan__travel_db_city(const plan__travel_db *db,
                                              int id);
/* The id of the city named exactly name, or -1. Every city that appears in
 * any table or in the city set has an id. */
int plan__travel_db_city_find(const plan__travel_db *db, const char *name);
/* The ids of the cities of state (exact name) in the city/state set, in
 * the set's file order; *out borrowed. Returns the count (0: unknown). */
size_t plan__travel_db_state_cities(const plan__travel_db *db,
                                    const char *state, const int **out);
/* All state names, sorted by bytes; *out borrowed. Returns the count. */
size_t plan__travel_db_states(const plan__travel_db *db,
                              const char *const **out);
/* True when name is a state of the city/state set. */
bool plan__travel_db_is_state(const plan__travel_db *db, const char *name);

/* ======================================================================
 * Per-city tables (slices in source order; *out borrowed; count returned)
 * ====================================================================== */

size_t plan__travel_db_accommodations(const plan__travel_db *db, int city,
                                      const plan__travel_accommodation **out);
size_t plan__travel_db_restaurants(const plan__travel_db *db, int city,
                                   const plan__travel_restaurant **out);
size_t plan__travel_db_attractions(const plan__travel_db *db, int city,
                                   const plan__travel_attraction **out);

/* The first row whose name CONTAINS name (case-sensitive) in city, or NULL:
 * the official evaluator's lookup. */
const plan__travel_accommodation *
plan__travel_db_find_accommodation(const plan__travel_db *db, const char *name,
                                   int city);
const plan__travel_restaurant *
plan__travel_db_find_restaurant(const plan__travel_db *db, const char *name,
                                int city);
const plan__travel_attraction *
plan__travel_db_find_attraction(const plan__travel_db *db, const char *name,
                                int city);

/* ======================================================================
 * Ground transport (distance matrix)
 * ====================================================================== */

/* The first distance-matrix row for (origin, dest), or NULL when there is
 * none. Check ->valid before using it. Borrowed. */
const plan__travel_drive *plan__travel_db_drive(const plan__travel_db *db,
                                                int origin, int dest);
/* Upstream cost formulas (d must be valid):
 *   self-driving: (int)(km * 0.05) per car, ceil(people / 5) cars;
 *   taxi:         (int)km per taxi, ceil(people / 4) taxis. */
double plan__travel_self_driving_cost(const plan__travel_drive *d, int people);
double plan__travel_taxi_cost(const plan__travel_drive *d, int people);

/* ======================================================================
 * Flights
 * ====================================================================== */

/* The flights from origin to dest on date ("YYYY-MM-DD"): real rows in
 * file order, or generated ones sorted by departure time. *out is borrowed
 * and stays valid until the handle is freed (the cache only grows).
 * Returns PLAN_OK with *n = 0 when there is none, PLAN_ENOMEM. */
plan_status plan__travel_db_flights(plan__travel_db *db, int origin, int dest,
                                    const char *date,
                                    const plan__travel_flight **out, size_t *n);
/* The flight with that number (real or generated; the first in file order
 * when real numbers repeat), or NULL. Borrowed, valid until free. */
const plan__travel_flight *plan__travel_db_flight_by_number(plan__travel_db *db,
                                                            const char *number);

/* ======================================================================
 * Dates and durations
 * ====================================================================== */

/* Days since 1900-01-01 of a strict "YYYY-MM-DD" date (years 1900-2199),
 * or -1 when it is not a valid date. Consecutive days differ by 1. */
int plan__travel_date_number(const char *date);
/* Parses "2 hours 24 minutes" / "1 hour 9 mins" / "47 mins" / "1 day 2
 * hours" into minutes; -1 when unparseable. */
int plan__travel_parse_duration(const char *s);

/* ======================================================================
 * Output conventions (the submission strings the evaluator parses)
 * ====================================================================== */

/* "Flight Number: F3573659, from A to B, Departure Time: 15:40, Arrival
 * Time: 17:04". Appends to b. */
plan_status plan__travel_format_flight(const plan__travel_db *db,
                                       const plan__travel_flight *f,
                                       plan__buf *b);
/* "Self-driving, from A to B, duration: 9 hours 42 mins, distance: 1,057
 * km, cost: 52" (taxi: "Taxi, ..."): the per-vehicle cost as upstream
 * prints it. Appends to b. */
plan_status plan__travel_format_drive(const plan__travel_db *db,
                                      const plan__travel_drive *d, bool taxi,
                                      plan__buf *b);

#endif /* PLAN_SOLVERS_TRAVEL_DB_H */
