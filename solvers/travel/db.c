/* solvers/travel/db.c: the TravelPlanner database handle: building it from
 * a database folder (the upstream CSV layout), the city/state set, the
 * per-city tables, the distance matrix, and the lookups the solver and the
 * evaluator share. Reference information is read in ref.c and flights live
 * in flights.c; both fill the same handle (db_internal.h).
 *
 * Loading follows what pandas.read_csv(...).dropna() gives the upstream
 * tools: the unnamed index column is ignored, rows with any missing field
 * are dropped from the accommodations, restaurants, attractions and
 * flights tables (not from the distance matrix, which upstream reads
 * without dropna), and the first distance-matrix row of a pair wins.
 */
#include "solvers/travel/db_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "solvers/travel/csv.h"

/* ======================================================================
 * Hash maps
 * ====================================================================== */

static uint64_t mix64(uint64_t k) {
  return plan__hash_mix(k + 0x9e3779b97f4a7c15ULL);
}

void plan__u64map_free(plan__u64map *m) {
  plan__free(m->keys);
  plan__free(m->vals);
  memset(m, 0, sizeof *m);
}

static void u64map_insert(uint64_t *keys, uint32_t *vals, size_t cap,
                          uint64_t key, uint32_t val) {
  size_t i = (size_t)mix64(key) & (cap - 1);
  while (vals[i] != UINT32_MAX && keys[i] != key)
    i = (i + 1) & (cap - 1);
  keys[i] = key;
  vals[i] = val;
}

plan_status plan__u64map_put(plan__u64map *m, uint64_t key, uint32_t val) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t ncap = m->cap ? m->cap * 2 : 64;
    uint64_t *k = plan__calloc(ncap, sizeof *k);
    uint32_t *v = plan__malloc(ncap * sizeof *v);
    if (!k || !v) {
      plan__free(k);
      plan__free(v);
      return PLAN_ENOMEM;
    }
    memset(v, 0xff, ncap * sizeof *v);
    for (size_t i = 0; i < m->cap; i++)
      if (m->vals[i] != UINT32_MAX)
        u64map_insert(k, v, ncap, m->keys[i], m->vals[i]);
    plan__free(m->keys);
    plan__free(m->vals);
    m->keys = k;
    m->vals = v;
    m->cap = ncap;
  }
  size_t i = (size_t)mix64(key) & (m->cap - 1);
  while (m->vals[i] != UINT32_MAX && m->keys[i] != key)
    i = (i + 1) & (m->cap - 1);
  if (m->vals[i] == UINT32_MAX)
    m->n++;
  m->keys[i] = key;
  m->vals[i] = val;
  return PLAN_OK;
}

uint32_t plan__u64map_get(const plan__u64map *m, uint64_t key) {
  if (!m->cap)
    return UINT32_MAX;
  size_t i = (size_t)mix64(key) & (m->cap - 1);
  while (m->vals[i] != UINT32_MAX) {
    if (m->keys[i] == key)
      return m->vals[i];
    i = (i + 1) & (m->cap - 1);
  }
  return UINT32_MAX;
}

void plan__strmap_free(plan__strmap *m) {
  plan__free(m->slots);
  plan__free(m->hashes);
  memset(m, 0, sizeof *m);
}

static uint64_t str_hash(const char *s, size_t len) {
  return plan__hash64(s, len, 0x7472646275696c64ULL);
}

uint32_t plan__strmap_get(const plan__strmap *m, const char *const *names,
                          const char *s, size_t len) {
  if (!m->cap)
    return UINT32_MAX;
  uint64_t h = str_hash(s, len);
  size_t i = (size_t)h & (m->cap - 1);
  while (m->slots[i] != UINT32_MAX) {
    const char *n = names[m->slots[i]];
    if (m->hashes[i] == h && strncmp(n, s, len) == 0 && n[len] == '\0')
      return m->slots[i];
    i = (i + 1) & (m->cap - 1);
  }
  return UINT32_MAX;
}

plan_status plan__strmap_add(plan__strmap *m, const char *const *names,
                             uint32_t index) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t ncap = m->cap ? m->cap * 2 : 64;
    uint32_t *s = plan__malloc(ncap * sizeof *s);
    uint64_t *h = plan__malloc(ncap * sizeof *h);
    if (!s || !h) {
      plan__free(s);
      plan__free(h);
      return PLAN_ENOMEM;
    }
    memset(s, 0xff, ncap * sizeof *s);
    for (size_t i = 0; i < m->cap; i++) {
      if (m->slots[i] == UINT32_MAX)
        continue;
      size_t j = (size_t)m->hashes[i] & (ncap - 1);
      while (s[j] != UINT32_MAX)
        j = (j + 1) & (ncap - 1);
      s[j] = m->slots[i];
      h[j] = m->hashes[i];
    }
    plan__free(m->slots);
    plan__free(m->hashes);
    m->slots = s;
    m->hashes = h;
    m->cap = ncap;
  }
  const char *name = names[index];
  uint64_t hv = str_hash(name, strlen(name));
  size_t i = (size_t)hv & (m->cap - 1);
  while (m->slots[i] != UINT32_MAX)
    i = (i + 1) & (m->cap - 1);
  m->slots[i] = index;
  m->hashes[i] = hv;
  m->n++;
  return PLAN_OK;
}

/* ======================================================================
 * The handle
 * ====================================================================== */

void plan__travel_db_options_init(plan__travel_db_options *o,
                                  unsigned version) {
  memset(o, 0, sizeof *o);
  o->version = version;
}

plan_status plan__travel_db_new(plan__travel_db **out, const char *source) {
  *out = NULL;
  plan__travel_db *db = plan__calloc(1, sizeof *db);
  if (!db)
    return PLAN_ENOMEM;
  db->magic = PLAN__TRAVEL_DB_MAGIC;
  plan__arena_init(&db->strings, 256 * 1024, 0);
  db->source = plan__strdup(source ? source : "");
  if (!db->source) {
    plan__free(db);
    return PLAN_ENOMEM;
  }
  *out = db;
  return PLAN_OK;
}

void plan__travel_db_free(plan__travel_db *db) {
  if (!db || db->magic != PLAN__TRAVEL_DB_MAGIC)
    return;
  plan__travel_db_free_flights(db);
  plan__free(db->cities);
  plan__free(db->city_names);
  plan__strmap_free(&db->city_map);
  plan__free(db->states);
  plan__strmap_free(&db->state_map);
  plan__free(db->state_cities);
  plan__free(db->state_begin);
  plan__free(db->acc);
  plan__free(db->rest);
  plan__free(db->att);
  plan__free(db->drives);
  plan__u64map_free(&db->drive_map);
  plan__arena_free(&db->strings);
  plan__free(db->source);
  db->magic = 0;
  plan__free(db);
}

const char *plan__travel_db_source(const plan__travel_db *db) {
  return db ? db->source : "";
}

bool plan__travel_db_is_ref(const plan__travel_db *db) {
  return db && db->is_ref;
}

const char *plan__travel_db_str(plan__travel_db *db, const char *s,
                                size_t len) {
  return plan__arena_strndup(&db->strings, s ? s : "", s ? len : 0);
}

plan_status plan__travel_db_intern_city(plan__travel_db *db, const char *name,
                                        size_t len, int *id) {
  uint32_t found = plan__strmap_get(&db->city_map, db->city_names, name, len);
  if (found != UINT32_MAX) {
    *id = (int)found;
    return PLAN_OK;
  }
  if (db->n_cities >= (size_t)INT32_MAX)
    return PLAN_ENOMEM;
  if (db->n_cities == db->cap_cities) {
    size_t ncap = db->cap_cities ? db->cap_cities * 2 : 512;
    plan__travel_city_entry *c = plan__realloc(db->cities, ncap * sizeof *c);
    if (!c)
      return PLAN_ENOMEM;
    db->cities = c;
    const char **n = plan__realloc(db->city_names, ncap * sizeof *n);
    if (!n)
      return PLAN_ENOMEM;
    db->city_names = n;
    db->cap_cities = ncap;
  }
  const char *copy = plan__travel_db_str(db, name, len);
  if (!copy)
    return PLAN_ENOMEM;
  size_t i = db->n_cities;
  plan__travel_city_entry *e = &db->cities[i];
  memset(e, 0, sizeof *e);
  e->pub.name = copy;
  e->set_index = -1;
  db->city_names[i] = copy;
  plan_status st = plan__strmap_add(&db->city_map, db->city_names, (uint32_t)i);
  if (st != PLAN_OK)
    return st;
  db->n_cities++;
  *id = (int)i;
  return PLAN_OK;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

plan_status plan__travel_db_set_cities(plan__travel_db *db,
                                       const plan__travel_city_state *pairs,
                                       size_t n) {
  plan_status st = PLAN_OK;
  /* Cities in set order; a repeated city keeps its first state. */
  const char **st_names = plan__calloc(n ? n : 1, sizeof *st_names);
  if (!st_names)
    return PLAN_ENOMEM;
  size_t n_st = 0;
  for (size_t i = 0; i < n; i++) {
    int id = -1;
    st = plan__travel_db_intern_city(db, pairs[i].city, strlen(pairs[i].city),
                                     &id);
    if (st != PLAN_OK)
      goto fail;
    plan__travel_city_entry *e = &db->cities[id];
    if (e->set_index >= 0)
      continue;
    const char *state =
        plan__travel_db_str(db, pairs[i].state, strlen(pairs[i].state));
    if (!state) {
      st = PLAN_ENOMEM;
      goto fail;
    }
    e->pub.state = state;
    e->pub.in_city_set = true;
    e->set_index = (int)i;
    st_names[n_st++] = state;
  }
  /* Sorted unique state names. */
  qsort(st_names, n_st, sizeof *st_names, cmp_str);
  size_t u = 0;
  for (size_t i = 0; i < n_st; i++)
    if (u == 0 || strcmp(st_names[u - 1], st_names[i]) != 0)
      st_names[u++] = st_names[i];
  db->states = st_names;
  st_names = NULL;
  db->n_states = u;
  for (size_t i = 0; i < u; i++) {
    st = plan__strmap_add(&db->state_map, db->states, (uint32_t)i);
    if (st != PLAN_OK)
      return st;
  }
  /* Per-state city lists, in set order. */
  db->state_begin = plan__calloc(u + 1, sizeof *db->state_begin);
  db->state_cities =
      plan__calloc(db->n_cities ? db->n_cities : 1, sizeof *db->state_cities);
  if (!db->state_begin || !db->state_cities)
    return PLAN_ENOMEM;
  size_t *count = db->state_begin + 1;
  for (size_t i = 0; i < db->n_cities; i++) {
    const char *s = db->cities[i].pub.state;
    if (!s)
      continue;
    uint32_t k = plan__strmap_get(&db->state_map, db->states, s, strlen(s));
    count[k]++;
  }
  for (size_t k = 0; k < u; k++)
    db->state_begin[k + 1] += db->state_begin[k];
  /* Fill in set order: cities were interned in set order, except cities
   * seen before set_cities (none in practice); order by set_index. */
  size_t *fill = plan__calloc(u ? u : 1, sizeof *fill);
  int *by_set = plan__malloc((n ? n : 1) * sizeof *by_set);
  if (!fill || !by_set) {
    plan__free(fill);
    plan__free(by_set);
    return PLAN_ENOMEM;
  }
  for (size_t i = 0; i < n; i++)
    by_set[i] = -1;
  for (size_t i = 0; i < db->n_cities; i++)
    if (db->cities[i].set_index >= 0)
      by_set[db->cities[i].set_index] = (int)i;
  for (size_t j = 0; j < n; j++) {
    if (by_set[j] < 0)
      continue;
    const char *s = db->cities[by_set[j]].pub.state;
    uint32_t k = plan__strmap_get(&db->state_map, db->states, s, strlen(s));
    db->state_cities[db->state_begin[k] + fill[k]++] = by_set[j];
  }
  plan__free(fill);
  plan__free(by_set);
  return PLAN_OK;
fail:
  plan__free(st_names);
  return st;
}

/* ======================================================================
 * Rows
 * ====================================================================== */

#define APPEND_ROW(arr, n, row)                                                \
  do {                                                                         \
    if ((n) == 0 || ((n) >= 256 && ((n) & ((n)-1)) == 0)) {                    \
      size_t ncap = (n) ? (n)*2 : 256;                                         \
      void *p = plan__realloc((arr), ncap * sizeof *(arr));                    \
      if (!p)                                                                  \
        return PLAN_ENOMEM;                                                    \
      (arr) = p;                                                               \
    }                                                                          \
    (arr)[(n)++] = *(row);                                                     \
  } while (0)

/* Copies a row's string field into the arena. */
#define COPY_STR(db, field)                                                    \
  do {                                                                         \
    (field) = plan__travel_db_str((db), (field), (field) ? strlen(field) : 0); \
    if (!(field))                                                              \
      return PLAN_ENOMEM;                                                      \
  } while (0)

plan_status
plan__travel_db_add_accommodation(plan__travel_db *db,
                                  const plan__travel_accommodation *row) {
  plan__travel_accommodation r = *row;
  COPY_STR(db, r.name);
  COPY_STR(db, r.room_type);
  COPY_STR(db, r.house_rules);
  APPEND_ROW(db->acc, db->n_acc, &r);
  return PLAN_OK;
}

plan_status plan__travel_db_add_restaurant(plan__travel_db *db,
                                           const plan__travel_restaurant *row) {
  plan__travel_restaurant r = *row;
  COPY_STR(db, r.name);
  COPY_STR(db, r.cuisines);
  APPEND_ROW(db->rest, db->n_rest, &r);
  return PLAN_OK;
}

plan_status plan__travel_db_add_attraction(plan__travel_db *db,
                                           const plan__travel_attraction *row) {
  plan__travel_attraction r = *row;
  COPY_STR(db, r.name);
  COPY_STR(db, r.address);
  COPY_STR(db, r.phone);
  COPY_STR(db, r.website);
  APPEND_ROW(db->att, db->n_att, &r);
  return PLAN_OK;
}

/* Upstream reads the kilometres with eval() after removing "km" and the
 * commas; we accept the same texts ("1,144 km", "31.9 km"). */
static bool parse_km(const char *text, double *out) {
  char tmp[64];
  size_t n = 0;
  for (const char *p = text; *p; p++) {
    if (*p == ',')
      continue;
    if (p[0] == 'k' && p[1] == 'm') {
      p++;
      continue;
    }
    if (n + 1 >= sizeof tmp)
      return false;
    tmp[n++] = *p;
  }
  tmp[n] = '\0';
  /* Trim the spaces eval() would ignore. */
  char *s = tmp;
  while (*s == ' ' || *s == '\t')
    s++;
  size_t l = strlen(s);
  while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
    s[--l] = '\0';
  return plan__parse_double(s, out) && isfinite(*out) && *out >= 0;
}

plan_status plan__travel_db_add_drive(plan__travel_db *db, int origin, int dest,
                                      const char *duration,
                                      const char *distance) {
  uint64_t key = (uint64_t)(uint32_t)origin << 32 | (uint32_t)dest;
  if (plan__u64map_get(&db->drive_map, key) != UINT32_MAX)
    return PLAN_OK; /* first row wins */
  plan__travel_drive d;
  memset(&d, 0, sizeof d);
  d.origin = origin;
  d.dest = dest;
  d.minutes = -1;
  bool dur_na = !duration || plan__csv_is_na(duration);
  bool dist_na = !distance || plan__csv_is_na(distance);
  d.duration = dur_na ? "" : duration;
  d.distance = dist_na ? "" : distance;
  COPY_STR(db, d.duration);
  COPY_STR(db, d.distance);
  if (!dur_na && !dist_na && !strstr(d.duration, "day") &&
      parse_km(d.distance, &d.km)) {
    d.valid = true;
    d.minutes = plan__travel_parse_duration(d.duration);
  }
  if (db->n_drives >= UINT32_MAX - 1)
    return PLAN_ENOMEM;
  uint32_t idx = (uint32_t)db->n_drives;
  APPEND_ROW(db->drives, db->n_drives, &d);
  return plan__u64map_put(&db->drive_map, key, idx);
}

static const char *const cuisine_names[PLAN__TRAVEL_N_CUISINES] = {
    "Chinese", "American",      "Italian", "Mexican",
    "Indian",  "Mediterranean", "French"};

const char *plan__travel_cuisine_name(unsigned i) {
  return i < PLAN__TRAVEL_N_CUISINES ? cuisine_names[i] : NULL;
}

unsigned plan__travel_cuisine_bit(const char *name) {
  if (!name)
    return 0;
  for (unsigned i = 0; i < PLAN__TRAVEL_N_CUISINES; i++)
    if (strcmp(name, cuisine_names[i]) == 0)
      return 1u << i;
  return 0;
}

static unsigned cuisine_bits_of(const char *text) {
  unsigned bits = 0;
  for (unsigned i = 0; i < PLAN__TRAVEL_N_CUISINES; i++)
    if (strstr(text, cuisine_names[i]))
      bits |= 1u << i;
  return bits;
}

static unsigned rule_bits_of(const char *text) {
  static const char *const rules[] = {"No parties", "No smoking",
                                      "No children under 10", "No visitors",
                                      "No pets"};
  unsigned bits = 0;
  for (unsigned i = 0; i < PLAN_ARRAY_LEN(rules); i++)
    if (strstr(text, rules[i]))
      bits |= 1u << i;
  return bits;
}

static plan__travel_room_kind room_kind_of(const char *t) {
  if (strcmp(t, "Entire home/apt") == 0)
    return PLAN__TRAVEL_ROOM_ENTIRE;
  if (strcmp(t, "Private room") == 0)
    return PLAN__TRAVEL_ROOM_PRIVATE;
  if (strcmp(t, "Shared room") == 0)
    return PLAN__TRAVEL_ROOM_SHARED;
  return PLAN__TRAVEL_ROOM_OTHER;
}

/* Stable counting sort of n rows of size `size` by the int city field at
 * `city_off`; fills the begin/end slices through the accessor offsets. */
static plan_status sort_by_city(plan__travel_db *db, void *rows, size_t n,
                                size_t size, size_t city_off, size_t begin_off,
                                size_t end_off) {
  size_t nc = db->n_cities;
  uint32_t *start = plan__calloc(nc + 1, sizeof *start);
  char *tmp = plan__malloc(n ? n * size : 1);
  if (!start || !tmp) {
    plan__free(start);
    plan__free(tmp);
    return PLAN_ENOMEM;
  }
  char *base = rows;
  for (size_t i = 0; i < n; i++) {
    int c;
    memcpy(&c, base + i * size + city_off, sizeof c);
    start[c + 1]++;
  }
  for (size_t c = 0; c < nc; c++)
    start[c + 1] += start[c];
  for (size_t c = 0; c < nc; c++) {
    uint32_t *b = (uint32_t *)((char *)&db->cities[c] + begin_off);
    uint32_t *e = (uint32_t *)((char *)&db->cities[c] + end_off);
    *b = start[c];
    *e = start[c + 1];
  }
  for (size_t i = 0; i < n; i++) {
    int c;
    memcpy(&c, base + i * size + city_off, sizeof c);
    memcpy(tmp + (size_t)start[c] * size, base + i * size, size);
    start[c]++;
  }
  if (n)
    memcpy(rows, tmp, n * size);
  plan__free(start);
  plan__free(tmp);
  return PLAN_OK;
}

plan_status plan__travel_db_finish_rows(plan__travel_db *db) {
  for (size_t i = 0; i < db->n_acc; i++) {
    db->acc[i].rules = rule_bits_of(db->acc[i].house_rules);
    db->acc[i].room = room_kind_of(db->acc[i].room_type);
  }
  for (size_t i = 0; i < db->n_rest; i++)
    db->rest[i].cuisine_bits = cuisine_bits_of(db->rest[i].cuisines);
  plan_status st = sort_by_city(db, db->acc, db->n_acc, sizeof *db->acc,
                                offsetof(plan__travel_accommodation, city),
                                offsetof(plan__travel_city_entry, acc_begin),
                                offsetof(plan__travel_city_entry, acc_end));
  if (st == PLAN_OK)
    st = sort_by_city(db, db->rest, db->n_rest, sizeof *db->rest,
                      offsetof(plan__travel_restaurant, city),
                      offsetof(plan__travel_city_entry, rest_begin),
                      offsetof(plan__travel_city_entry, rest_end));
  if (st == PLAN_OK)
    st = sort_by_city(db, db->att, db->n_att, sizeof *db->att,
                      offsetof(plan__travel_attraction, city),
                      offsetof(plan__travel_city_entry, att_begin),
                      offsetof(plan__travel_city_entry, att_end));
  return st;
}

/* ======================================================================
 * Folder loading
 * ====================================================================== */

static bool file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static plan_status join(char *buf, size_t size, const char *dir,
                        const char *rel, plan_error *err) {
  int n = snprintf(buf, size, "%s/%s", dir, rel);
  if (n < 0 || (size_t)n >= size)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "path too long: %s/%s", dir,
                           rel);
  return PLAN_OK;
}

/* Reads the city/state set ("City<TAB>State" lines). */
static plan_status load_city_set(plan__travel_db *db, const char *path,
                                 plan_error *err) {
  char *text = NULL;
  size_t len = 0;
  plan_status st = plan__read_file(path, 0, &text, &len, err);
  if (st != PLAN_OK)
    return st;
  plan__travel_city_state *pairs = NULL;
  size_t n = 0;
  size_t cap = 0;
  int line = 0;
  size_t pos = 0;
  while (pos < len && st == PLAN_OK) {
    line++;
    size_t end = pos;
    while (end < len && text[end] != '\n')
      end++;
    size_t stop = end;
    if (stop > pos && text[stop - 1] == '\r')
      stop--;
    if (stop > pos) {
      char *tab = memchr(text + pos, '\t', stop - pos);
      if (!tab || tab == text + pos || tab + 1 == text + stop ||
          memchr(tab + 1, '\t', (size_t)(text + stop - tab - 1)) ||
          memchr(text + pos, '\0', stop - pos)) {
        st = plan__error_set(err, PLAN_EPARSE, line, 0,
                             "%s:%d: expected 'City<TAB>State'", path, line);
        break;
      }
      st = plan__grow((void **)&pairs, &cap, n + 1, sizeof *pairs);
      if (st != PLAN_OK)
        break;
      *tab = '\0';
      text[stop] = '\0';
      pairs[n].city = text + pos;
      pairs[n].state = tab + 1;
      n++;
    }
    pos = end + 1;
  }
  if (st == PLAN_OK)
    st = plan__travel_db_set_cities(db, pairs, n);
  plan__free(pairs);
  plan__free(text);
  return st;
}

/* One CSV table being loaded: the reader plus the header's column
 * positions. */
typedef struct table {
  plan__csv csv;
  char *text;
  const char *path;
  size_t n_cols;
  int col[16];
} table;

static plan_status table_open(table *t, const char *path,
                              const char *const *cols, size_t n_cols,
                              plan_error *err) {
  memset(t, 0, sizeof *t);
  t->path = path;
  size_t len = 0;
  plan_status st = plan__read_file(path, 0, &t->text, &len, err);
  if (st != PLAN_OK)
    return st;
  plan__csv_open(&t->csv, path, t->text, len);
  bool eof = false;
  st = plan__csv_next(&t->csv, &eof, err);
  if (st != PLAN_OK)
    return st;
  if (eof)
    return plan__error_set(err, PLAN_EPARSE, 1, 0, "%s: empty file (no header)",
                           path);
  t->n_cols = t->csv.n_fields;
  for (size_t j = 0; j < n_cols; j++) {
    t->col[j] = -1;
    for (size_t i = 0; i < t->csv.n_fields; i++)
      if (strcmp(t->csv.fields[i], cols[j]) == 0) {
        t->col[j] = (int)i;
        break;
      }
    if (t->col[j] < 0)
      return plan__error_set(err, PLAN_EPARSE, t->csv.record_line, 0,
                             "%s:%d: missing column '%s'", path,
                             t->csv.record_line, cols[j]);
  }
  return PLAN_OK;
}

static void table_close(table *t) {
  plan__csv_close(&t->csv);
  plan__free(t->text);
}

/* Reads the next data row; *eof at the end. Checks the field count. */
static plan_status table_next(table *t, bool *eof, plan_error *err) {
  plan_status st = plan__csv_next(&t->csv, eof, err);
  if (st != PLAN_OK || *eof)
    return st;
  if (t->csv.n_fields != t->n_cols)
    return plan__error_set(err, PLAN_EPARSE, t->csv.record_line, 0,
                           "%s:%d: expected %zu fields, found %zu", t->path,
                           t->csv.record_line, t->n_cols, t->csv.n_fields);
  return PLAN_OK;
}

static const char *table_field(const table *t, size_t j) {
  return t->csv.fields[t->col[j]];
}

/* pandas dropna(): true when any field of the row is missing. */
static bool table_row_has_na(const table *t) {
  for (size_t i = 0; i < t->csv.n_fields; i++)
    if (plan__csv_is_na(t->csv.fields[i]))
      return true;
  return false;
}

/* A numeric field; leading and trailing blanks are ignored as pandas
 * does. */
static plan_status table_num(const table *t, size_t j, const char *colname,
                             double *out, plan_error *err) {
  const char *f = table_field(t, j);
  char tmp[64];
  while (*f == ' ' || *f == '\t')
    f++;
  size_t n = strlen(f);
  while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t'))
    n--;
  if (n >= sizeof tmp)
    n = sizeof tmp - 1;
  memcpy(tmp, f, n);
  tmp[n] = '\0';
  if (!plan__parse_double(tmp, out) || !isfinite(*out))
    return plan__error_set(err, PLAN_EPARSE, t->csv.record_line, 0,
                           "%s:%d: column '%s': not a number: '%.40s'", t->path,
                           t->csv.record_line, colname, table_field(t, j));
  return PLAN_OK;
}

static plan_status city_of(plan__travel_db *db, const table *t, size_t j,
                           int *id) {
  const char *f = table_field(t, j);
  return plan__travel_db_intern_city(db, f, strlen(f), id);
}

static plan_status load_accommodations(plan__travel_db *db, const char *path,
                                       plan_error *err) {
  static const char *const cols[] = {"NAME",
                                     "room type",
                                     "price",
                                     "minimum nights",
                                     "review rate number",
                                     "house_rules",
                                     "maximum occupancy",
                                     "city"};
  table t;
  plan_status st = table_open(&t, path, cols, PLAN_ARRAY_LEN(cols), err);
  while (st == PLAN_OK) {
    bool eof = false;
    st = table_next(&t, &eof, err);
    if (st != PLAN_OK || eof)
      break;
    if (table_row_has_na(&t))
      continue;
    plan__travel_accommodation r;
    memset(&r, 0, sizeof r);
    double occ = 0;
    r.name = table_field(&t, 0);
    r.room_type = table_field(&t, 1);
    r.house_rules = table_field(&t, 5);
    st = table_num(&t, 2, cols[2], &r.price, err);
    if (st == PLAN_OK)
      st = table_num(&t, 3, cols[3], &r.minimum_nights, err);
    if (st == PLAN_OK)
      st = table_num(&t, 4, cols[4], &r.review, err);
    if (st == PLAN_OK)
      st = table_num(&t, 6, cols[6], &occ, err);
    if (st != PLAN_OK)
      break;
    if (occ < 1 || occ > 1e6 || occ != floor(occ)) {
      st = plan__error_set(err, PLAN_EPARSE, t.csv.record_line, 0,
                           "%s:%d: column 'maximum occupancy': must be a "
                           "whole number >= 1 (got '%.40s')",
                           path, t.csv.record_line, table_field(&t, 6));
      break;
    }
    r.maximum_occupancy = (int)occ;
    st = city_of(db, &t, 7, &r.city);
    if (st == PLAN_OK)
      st = plan__travel_db_add_accommodation(db, &r);
  }
  table_close(&t);
  return st;
}

static plan_status load_restaurants(plan__travel_db *db, const char *path,
                                    plan_error *err) {
  static const char *const cols[] = {"Name", "City", "Cuisines", "Average Cost",
                                     "Aggregate Rating"};
  table t;
  plan_status st = table_open(&t, path, cols, PLAN_ARRAY_LEN(cols), err);
  while (st == PLAN_OK) {
    bool eof = false;
    st = table_next(&t, &eof, err);
    if (st != PLAN_OK || eof)
      break;
    if (table_row_has_na(&t))
      continue;
    plan__travel_restaurant r;
    memset(&r, 0, sizeof r);
    r.name = table_field(&t, 0);
    r.cuisines = table_field(&t, 2);
    st = table_num(&t, 3, cols[3], &r.cost, err);
    if (st == PLAN_OK)
      st = table_num(&t, 4, cols[4], &r.rating, err);
    if (st == PLAN_OK)
      st = city_of(db, &t, 1, &r.city);
    if (st == PLAN_OK)
      st = plan__travel_db_add_restaurant(db, &r);
  }
  table_close(&t);
  return st;
}

static plan_status load_attractions(plan__travel_db *db, const char *path,
                                    plan_error *err) {
  static const char *const cols[] = {
      "Name", "Latitude", "Longitude", "Address", "Phone", "Website", "City"};
  table t;
  plan_status st = table_open(&t, path, cols, PLAN_ARRAY_LEN(cols), err);
  while (st == PLAN_OK) {
    bool eof = false;
    st = table_next(&t, &eof, err);
    if (st != PLAN_OK || eof)
      break;
    if (table_row_has_na(&t))
      continue;
    plan__travel_attraction r;
    memset(&r, 0, sizeof r);
    r.name = table_field(&t, 0);
    r.address = table_field(&t, 3);
    r.phone = table_field(&t, 4);
    r.website = table_field(&t, 5);
    st = table_num(&t, 1, cols[1], &r.latitude, err);
    if (st == PLAN_OK)
      st = table_num(&t, 2, cols[2], &r.longitude, err);
    if (st == PLAN_OK)
      st = city_of(db, &t, 6, &r.city);
    if (st == PLAN_OK)
      st = plan__travel_db_add_attraction(db, &r);
  }
  table_close(&t);
  return st;
}

static plan_status load_distances(plan__travel_db *db, const char *path,
                                  plan_error *err) {
  static const char *const cols[] = {"origin", "destination", "duration",
                                     "distance"};
  table t;
  plan_status st = table_open(&t, path, cols, PLAN_ARRAY_LEN(cols), err);
  while (st == PLAN_OK) {
    bool eof = false;
    st = table_next(&t, &eof, err);
    if (st != PLAN_OK || eof)
      break;
    /* A missing origin or destination never equals a city name. */
    if (plan__csv_is_na(table_field(&t, 0)) ||
        plan__csv_is_na(table_field(&t, 1)))
      continue;
    int o = -1;
    int d = -1;
    st = city_of(db, &t, 0, &o);
    if (st == PLAN_OK)
      st = city_of(db, &t, 1, &d);
    if (st == PLAN_OK)
      st = plan__travel_db_add_drive(db, o, d, table_field(&t, 2),
                                     table_field(&t, 3));
  }
  table_close(&t);
  return st;
}

/* "HH:MM" with 0 <= HH < 24 and 0 <= MM < 60, into minutes. */
static bool parse_hhmm(const char *s, int *out) {
  if (strlen(s) != 5 || s[2] != ':')
    return false;
  for (int i = 0; i < 5; i++)
    if (i != 2 && (s[i] < '0' || s[i] > '9'))
      return false;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59)
    return false;
  *out = h * 60 + m;
  return true;
}

static plan_status load_flights(plan__travel_db *db, const char *path,
                                plan_error *err) {
  static const char *const cols[] = {
      "Flight Number",     "Price",      "DepTime",        "ArrTime",
      "ActualElapsedTime", "FlightDate", "OriginCityName", "DestCityName",
      "Distance"};
  table t;
  plan_status st = table_open(&t, path, cols, PLAN_ARRAY_LEN(cols), err);
  while (st == PLAN_OK) {
    bool eof = false;
    st = table_next(&t, &eof, err);
    if (st != PLAN_OK || eof)
      break;
    if (table_row_has_na(&t))
      continue;
    plan__travel_flight f;
    memset(&f, 0, sizeof f);
    const char *num = table_field(&t, 0);
    const char *dep = table_field(&t, 2);
    const char *arr = table_field(&t, 3);
    const char *el = table_field(&t, 4);
    const char *date = table_field(&t, 5);
    const char *bad = NULL;
    if (strlen(num) >= sizeof f.number)
      bad = "Flight Number";
    else if (!parse_hhmm(dep, &f.dep_minutes))
      bad = "DepTime";
    else if (!parse_hhmm(arr, &f.arr_minutes))
      bad = "ArrTime";
    else if (strlen(el) >= sizeof f.elapsed)
      bad = "ActualElapsedTime";
    else if (plan__travel_date_number(date) < 0)
      bad = "FlightDate";
    if (bad) {
      st = plan__error_set(err, PLAN_EPARSE, t.csv.record_line, 0,
                           "%s:%d: column '%s': malformed value", path,
                           t.csv.record_line, bad);
      break;
    }
    plan__fmt(f.number, sizeof f.number, "%s", num);
    plan__fmt(f.dep_time, sizeof f.dep_time, "%s", dep);
    plan__fmt(f.arr_time, sizeof f.arr_time, "%s", arr);
    plan__fmt(f.elapsed, sizeof f.elapsed, "%s", el);
    plan__fmt(f.date, sizeof f.date, "%s", date);
    f.elapsed_minutes = plan__travel_parse_duration(el);
    st = table_num(&t, 1, cols[1], &f.price, err);
    if (st == PLAN_OK)
      st = table_num(&t, 8, cols[8], &f.distance, err);
    if (st == PLAN_OK)
      st = city_of(db, &t, 6, &f.origin);
    if (st == PLAN_OK)
      st = city_of(db, &t, 7, &f.dest);
    if (st == PLAN_OK)
      st = plan__travel_db_add_flight(db, &f);
  }
  table_close(&t);
  return st;
}

static plan_status load_known_empty(plan__travel_db *db, const char *path,
                                    plan_error *err) {
  static const char *const cols[] = {"origin", "destination", "date"};
  table t;
  plan_status st = table_open(&t, path, cols, PLAN_ARRAY_LEN(cols), err);
  while (st == PLAN_OK) {
    bool eof = false;
    st = table_next(&t, &eof, err);
    if (st != PLAN_OK || eof)
      break;
    if (plan__travel_date_number(table_field(&t, 2)) < 0) {
      st = plan__error_set(err, PLAN_EPARSE, t.csv.record_line, 0,
                           "%s:%d: column 'date': expected YYYY-MM-DD", path,
                           t.csv.record_line);
      break;
    }
    int o = -1;
    int d = -1;
    st = city_of(db, &t, 0, &o);
    if (st == PLAN_OK)
      st = city_of(db, &t, 1, &d);
    if (st == PLAN_OK)
      st = plan__travel_db_add_known_empty(db, o, d, table_field(&t, 2));
  }
  table_close(&t);
  return st;
}

plan_status plan__travel_db_load(const char *dir,
                                 const plan__travel_db_options *opts,
                                 plan__travel_db **out, plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "out is NULL");
  *out = NULL;
  if (!dir || !*dir)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "no database folder");
  plan__travel_db_options defaults;
  plan__travel_db_options_init(&defaults, PLAN__TRAVEL_DB_OPTIONS_VERSION);
  if (!opts)
    opts = &defaults;
  struct stat sb;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return plan__error_set(err, PLAN_EIO, 0, 0,
                           "database folder '%s' not found", dir);
  plan__travel_db *db = NULL;
  plan_status st = plan__travel_db_new(&db, dir);
  if (st != PLAN_OK)
    return plan__error_set(err, st, 0, 0, "out of memory");
  char path[4096];
  static const struct {
    const char *rel;
    plan_status (*load)(plan__travel_db *, const char *, plan_error *);
  } tables[] = {
      {"accommodations/clean_accommodations_2022.csv", load_accommodations},
      {"restaurants/clean_restaurant_2022.csv", load_restaurants},
      {"attractions/attractions.csv", load_attractions},
      {"googleDistanceMatrix/distance.csv", load_distances},
  };
  st = join(path, sizeof path, dir, "background/citySet_with_states.txt", err);
  if (st != PLAN_OK)
    goto fail;
  if (file_exists(path))
    st = load_city_set(db, path, err);
  else
    st = plan__travel_db_set_cities(db, plan__travel_builtin_cities,
                                    plan__travel_builtin_city_count);
  if (st != PLAN_OK)
    goto fail;
  for (size_t i = 0; i < PLAN_ARRAY_LEN(tables); i++) {
    st = join(path, sizeof path, dir, tables[i].rel, err);
    if (st != PLAN_OK)
      goto fail;
    if (!file_exists(path)) {
      st = plan__error_set(err, PLAN_EIO, 0, 0, "%s: file not found", path);
      goto fail;
    }
    st = tables[i].load(db, path, err);
    if (st != PLAN_OK)
      goto fail;
  }
  /* Flights: the full table if present, else the real subset (+ the
   * generator). */
  bool full = false;
  st = join(path, sizeof path, dir, "flights/clean_Flights_2022.csv", err);
  if (st != PLAN_OK)
    goto fail;
  if (file_exists(path)) {
    full = true;
    st = load_flights(db, path, err);
  } else {
    st = join(path, sizeof path, dir, "flights_subset_train_ref_info.csv", err);
    if (st == PLAN_OK && file_exists(path))
      st = load_flights(db, path, err);
  }
  if (st != PLAN_OK)
    goto fail;
  st = join(path, sizeof path, dir, "flights_known_empty.csv", err);
  if (st == PLAN_OK && file_exists(path))
    st = load_known_empty(db, path, err);
  if (st != PLAN_OK)
    goto fail;
  db->generate =
      opts->generate_flights == 0 ? !full : opts->generate_flights > 0;
  db->flight_seed = opts->flight_seed;
  st = plan__travel_db_finish_rows(db);
  if (st == PLAN_OK)
    st = plan__travel_db_finish_flights(db);
  if (st == PLAN_OK)
    st = plan__travel_db_prepare_generator(db);
  if (st != PLAN_OK)
    goto fail;
  *out = db;
  return PLAN_OK;
fail:
  if (st == PLAN_ENOMEM && err && err->code != PLAN_ENOMEM)
    plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory loading '%s'", dir);
  plan__travel_db_free(db);
  return st;
}

/* ======================================================================
 * Lookups
 * ====================================================================== */

size_t plan__travel_db_city_count(const plan__travel_db *db) {
  return db ? db->n_cities : 0;
}

const plan__travel_city *plan__travel_db_city(const plan__travel_db *db,
                                              int id) {
  if (!db || id < 0 || (size_t)id >= db->n_cities)
    return NULL;
  return &db->cities[id].pub;
}

int plan__travel_db_city_find(const plan__travel_db *db, const char *name) {
  if (!db || !name)
    return -1;
  uint32_t i =
      plan__strmap_get(&db->city_map, db->city_names, name, strlen(name));
  return i == UINT32_MAX ? -1 : (int)i;
}

size_t plan__travel_db_state_cities(const plan__travel_db *db,
                                    const char *state, const int **out) {
  *out = NULL;
  if (!db || !state || !db->n_states)
    return 0;
  uint32_t k =
      plan__strmap_get(&db->state_map, db->states, state, strlen(state));
  if (k == UINT32_MAX)
    return 0;
  *out = db->state_cities + db->state_begin[k];
  return db->state_begin[k + 1] - db->state_begin[k];
}

size_t plan__travel_db_states(const plan__travel_db *db,
                              const char *const **out) {
  *out = db ? db->states : NULL;
  return db ? db->n_states : 0;
}

bool plan__travel_db_is_state(const plan__travel_db *db, const char *name) {
  return db && name && db->n_states &&
         plan__strmap_get(&db->state_map, db->states, name, strlen(name)) !=
             UINT32_MAX;
}

static bool city_ok(const plan__travel_db *db, int city) {
  return db && city >= 0 && (size_t)city < db->n_cities;
}

size_t plan__travel_db_accommodations(const plan__travel_db *db, int city,
                                      const plan__travel_accommodation **out) {
  *out = NULL;
  if (!city_ok(db, city))
    return 0;
  const plan__travel_city_entry *e = &db->cities[city];
  *out = db->acc + e->acc_begin;
  return e->acc_end - e->acc_begin;
}

size_t plan__travel_db_restaurants(const plan__travel_db *db, int city,
                                   const plan__travel_restaurant **out) {
  *out = NULL;
  if (!city_ok(db, city))
    return 0;
  const plan__travel_city_entry *e = &db->cities[city];
  *out = db->rest + e->rest_begin;
  return e->rest_end - e->rest_begin;
}

size_t plan__travel_db_attractions(const plan__travel_db *db, int city,
                                   const plan__travel_attraction **out) {
  *out = NULL;
  if (!city_ok(db, city))
    return 0;
  const plan__travel_city_entry *e = &db->cities[city];
  *out = db->att + e->att_begin;
  return e->att_end - e->att_begin;
}

const plan__travel_accommodation *
plan__travel_db_find_accommodation(const plan__travel_db *db, const char *name,
                                   int city) {
  const plan__travel_accommodation *rows = NULL;
  size_t n = plan__travel_db_accommodations(db, city, &rows);
  for (size_t i = 0; name && i < n; i++)
    if (strstr(rows[i].name, name))
      return &rows[i];
  return NULL;
}

const plan__travel_restaurant *
plan__travel_db_find_restaurant(const plan__travel_db *db, const char *name,
                                int city) {
  const plan__travel_restaurant *rows = NULL;
  size_t n = plan__travel_db_restaurants(db, city, &rows);
  for (size_t i = 0; name && i < n; i++)
    if (strstr(rows[i].name, name))
      return &rows[i];
  return NULL;
}

const plan__travel_attraction *
plan__travel_db_find_attraction(const plan__travel_db *db, const char *name,
                                int city) {
  const plan__travel_attraction *rows = NULL;
  size_t n = plan__travel_db_attractions(db, city, &rows);
  for (size_t i = 0; name && i < n; i++)
    if (strstr(rows[i].name, name))
      return &rows[i];
  return NULL;
}

const plan__travel_drive *plan__travel_db_drive(const plan__travel_db *db,
                                                int origin, int dest) {
  if (!city_ok(db, origin) || !city_ok(db, dest))
    return NULL;
  uint64_t key = (uint64_t)(uint32_t)origin << 32 | (uint32_t)dest;
  uint32_t i = plan__u64map_get(&db->drive_map, key);
  return i == UINT32_MAX ? NULL : &db->drives[i];
}

/* Python's int() truncates toward zero; km is never negative here. */
static double trunc_cost(double x) {
  return floor(x);
}

double plan__travel_self_driving_cost(const plan__travel_drive *d, int people) {
  if (!d || !d->valid || people < 1)
    return 0;
  int cars = (people + 4) / 5;
  return trunc_cost(d->km * 0.05) * cars;
}

double plan__travel_taxi_cost(const plan__travel_drive *d, int people) {
  if (!d || !d->valid || people < 1)
    return 0;
  int taxis = (people + 3) / 4;
  return trunc_cost(d->km) * taxis;
}

plan_status plan__travel_format_flight(const plan__travel_db *db,
                                       const plan__travel_flight *f,
                                       plan__buf *b) {
  const plan__travel_city *o = plan__travel_db_city(db, f->origin);
  const plan__travel_city *d = plan__travel_db_city(db, f->dest);
  if (!o || !d)
    return PLAN_EINVAL;
  return plan__buf_printf(b,
                          "Flight Number: %s, from %s to %s, Departure Time: "
                          "%s, Arrival Time: %s",
                          f->number, o->name, d->name, f->dep_time,
                          f->arr_time);
}

plan_status plan__travel_format_drive(const plan__travel_db *db,
                                      const plan__travel_drive *d, bool taxi,
                                      plan__buf *b) {
  const plan__travel_city *o = plan__travel_db_city(db, d->origin);
  const plan__travel_city *t = plan__travel_db_city(db, d->dest);
  if (!o || !t || !d->valid)
    return PLAN_EINVAL;
  double cost = taxi ? trunc_cost(d->km) : trunc_cost(d->km * 0.05);
  return plan__buf_printf(b,
                          "%s, from %s to %s, duration: %s, distance: %s, "
                          "cost: %.0f",
                          taxi ? "Taxi" : "Self-driving", o->name, t->name,
                          d->duration, d->distance, cost);
}
