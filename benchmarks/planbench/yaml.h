/* benchmarks/planbench/yaml.h: a reader for the small YAML subset that the
 * PlanBench configs (configs/<cfg>.yaml) use, producing a jansson value.
 * The PlanBench text layer (config.c) is its only user.
 *
 * Supported: block mappings and block sequences nested by indentation
 * (spaces only), a sequence directly under its key ("key:\n- a"), compact
 * mappings inside sequences ("- k: v"), literal and folded block scalars
 * ("|", "|-", "|+", ">", ...), flow mappings and flow sequences that span
 * lines (with trailing commas and comments), double-quoted strings with
 * the usual escapes, single-quoted strings, plain scalars, '#' comments, a
 * leading "---". Plain scalars follow the YAML 1.2 core schema: null, true
 * and false, integers and floats; everything else is a string. Keys are
 * always strings.
 *
 * Rejected with a message naming SOURCE:LINE:COLUMN: tabs in indentation,
 * anchors, aliases, tags, directives, several documents, duplicate keys,
 * invalid UTF-8, NUL bytes, nesting deeper than 64, and anything outside
 * the subset (a multi-line plain scalar, for one).
 */
#ifndef PLAN_BENCHMARKS_PLANBENCH_YAML_H
#define PLAN_BENCHMARKS_PLANBENCH_YAML_H

#include <jansson.h>

#include "core/core.h"

/* Parses text (len bytes, need not be NUL-terminated) and returns a new
 * reference: an object for a mapping, an array for a sequence, a scalar
 * for a scalar document, JSON null for an empty document. Mappings keep
 * their key order. On failure returns NULL and fills err (may be NULL):
 * PLAN_EPARSE with "SOURCE:LINE:COLUMN: message" and err->line/column set,
 * or PLAN_ENOMEM. source names the input in messages (a path). */
json_t *plan__yaml_parse(const char *text, size_t len, const char *source,
                         plan_error *err);

/* Reads path (at most 16 MiB) and parses it; PLAN_EIO if unreadable.
 * Returns a new reference or NULL. */
json_t *plan__yaml_load(const char *path, plan_error *err);

#endif /* PLAN_BENCHMARKS_PLANBENCH_YAML_H */
