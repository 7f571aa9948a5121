/* llm/cassette.h: internal extras of the record/replay backend
 * (llm/cassette.c). The public part (plan_llm_cassette_create/_save,
 * plan_cassette_mode_parse) is in include/plan.h; the file format is
 * described in docs/cassette.md. Not installed. */
#ifndef PLAN_LLM_CASSETTE_H
#define PLAN_LLM_CASSETTE_H

#include "llm/llm.h"

/* The current cassette format version (the header's "plan_cassette"). */
#define PLAN__CASSETTE_VERSION 1
/* Files larger than this are refused at load. */
#define PLAN__CASSETTE_MAX_BYTES ((size_t)1 << 30)

/* Registers an exact secret (the CLI passes the API key) that
 * plan_llm_cassette_save must never write: a save whose output contains it
 * (raw or JSON-escaped) fails with PLAN_EINVAL and writes nothing. The
 * string is copied. Secrets shorter than 8 bytes are ignored: they are not
 * real keys ("EMPTY", "x") and would match innocent text. Errors:
 * PLAN_EMISUSE (not a cassette, secret NULL), PLAN_ENOMEM. */
plan_status plan__llm_cassette_add_secret(plan_llm *cassette,
                                          const char *secret);

/* Creates a REPLAY cassette from the JSONL text data[0..len) instead of a
 * file (source names it in messages, e.g. "fuzz"). It has no file, so
 * plan_llm_cassette_save returns PLAN_EMISUSE. Destroy with
 * plan_llm_destroy. Errors as plan_llm_cassette_create (PLAN_EPARSE with
 * the line in *err). Used by the fuzz harness and tests. */
plan_status plan__cassette_load_buf(const char *data, size_t len,
                                    const char *source, plan_llm **out,
                                    plan_error *err);

/* Renders exactly what plan_llm_cassette_save would write (header plus the
 * finished recordings in file order), without the secret scan. *out is a
 * new NUL-terminated buffer (free with plan__free), *len_out its length.
 * Errors: PLAN_EMISUSE (not a cassette), PLAN_ENOMEM. */
plan_status plan__cassette_dump(plan_llm *cassette, char **out,
                                size_t *len_out);

#endif /* PLAN_LLM_CASSETTE_H */
