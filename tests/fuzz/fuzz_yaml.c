/* tests/fuzz/fuzz_yaml.c: libFuzzer harness for the PlanBench config reader
 * (benchmarks/planbench/yaml.c). Any input must either parse or fail with
 * PLAN_EPARSE and a "SOURCE:LINE:COLUMN:" message; a parsed value must
 * serialise canonically. The checked-in corpus (tests/fuzz/corpus/yaml/)
 * is replayed as an ordinary test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "benchmarks/planbench/yaml.h"
#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  plan_error err;
  memset(&err, 0, sizeof err);
  json_t *v = plan__yaml_parse((const char *)data, size, "fuzz", &err);
  if (!v) {
    if (err.code != PLAN_EPARSE && err.code != PLAN_ENOMEM)
      abort();
    if (err.code == PLAN_EPARSE &&
        (strncmp(err.text, "fuzz:", 5) != 0 || err.line < 1 || err.column < 1))
      abort();
    return 0;
  }
  plan__buf b;
  plan__buf_init(&b, 0);
  if (plan__json_canonical(v, &b) != PLAN_OK && b.status != PLAN_ENOMEM)
    abort();
  plan__buf_free(&b);
  json_decref(v);
  return 0;
}
