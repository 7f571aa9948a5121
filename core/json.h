/* core/json.h: JSON helpers on top of jansson for the library: canonical
 * serialisation (sorted keys, compact, canonical numbers) used for cassette
 * keys and state hashes, and typed field getters that produce messages
 * naming the field. Internal; jansson types never reach include/. */
#ifndef PLAN_CORE_JSON_H
#define PLAN_CORE_JSON_H

#include <jansson.h>

#include "core/core.h"

/* Installs the library allocator into jansson (process-global; only
 * plan_global_init calls it). */
void plan__json_use_allocator(void);

/* Appends the canonical form of v (borrowed) to b: keys sorted by bytes,
 * no whitespace, strings with minimal escaping (", \, control characters as
 * \uXXXX except \n \t \r \b \f), integers in decimal, reals in the shortest
 * form that round-trips ("%.17g" trimmed), integral reals below 2^53 as
 * integers (1.0 -> 1). Non-finite reals are an error (PLAN_EINVAL). */
plan_status plan__json_canonical(const json_t *v, plan__buf *b);
/* The canonical form's hash. */
uint64_t plan__json_hash(const json_t *v);
/* Formats a double the canonical way into out (at least 32 bytes). */
void plan__json_format_real(double x, char *out, size_t size);

/* Parses text as JSON; on failure fills err with line/column and the
 * source name (a file path or "reply"). Returns a new reference or NULL. */
json_t *plan__json_parse(const char *text, size_t len, const char *source,
                         plan_error *err);

/* Field getters. They return false when the field is absent or of the wrong
 * type. */
const char *plan__json_str(const json_t *obj, const char *key);
bool plan__json_num(const json_t *obj, const char *key, double *out);
bool plan__json_int(const json_t *obj, const char *key, int64_t *out);
bool plan__json_bool(const json_t *obj, const char *key, bool *out);

#endif /* PLAN_CORE_JSON_H */
