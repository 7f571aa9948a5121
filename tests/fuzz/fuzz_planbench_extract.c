/* tests/fuzz/fuzz_planbench_extract.c: libFuzzer harness for the PlanBench
 * text -> plan extractors (benchmarks/planbench/extract.c) and VAL's plan
 * syntax (valplan.c). The whole input is an LLM answer; every extractor
 * runs on it for a Blocksworld, a Mystery and a Logistics config, and the
 * result is read as a VAL plan. Invariants: no crash, a failed extraction
 * leaves no plan, every extracted line is non-empty. The corpus in
 * tests/fuzz/corpus/planbench_extract/ is replayed as a test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const yamls[] = {
    "instance_dir: i\ndomain_file: d\ndomain_name: blocksworld\n"
    "actions: {pick-up: \"pick up the {}\", put-down: \"put down the {}\", "
    "stack: \"stack the {} on top of the {}\", unstack: \"unstack the {} "
    "from on top of the {}\"}\n"
    "encoded_objects: {\"a\": \"red block\", \"b\": \"blue block\", "
    "\"c\": \"orange block\"}\n"
    "encoded_objects_compact: {\"a\": \"red\", \"b\": \"blue\", \"c\": "
    "\"orange\"}\n",
    "instance_dir: i\ndomain_file: d\ndomain_name: mystery_blocksworld\n"
    "actions: {attack: \"attack {}\", succumb: \"succumb {}\", overcome: "
    "\"overcome {} from {}\", feast: \"feast {} from {}\"}\n"
    "encoded_objects: {\"a\": \"object a\", \"b\": \"object b\"}\n",
    "instance_dir: i\ndomain_file: d\ndomain_name: logistics\n"
    "actions: {load-truck: \"load {} into {} at {}\", load-airplane: \"load "
    "{} into {} at {}\", unload-truck: \"unload {} from {} at {}\", "
    "unload-airplane: \"unload {} from {} at {}\", drive-truck: \"drive {} "
    "from {} to {} in {}\", fly-airplane: \"fly {} from {} to {}\"}\n"
    "encoded_objects: {\"p\": \"package_{}\", \"t\": \"truck_{}\"}\n"};

static plan__pb_config *configs[3];

static void setup(void) {
  for (size_t i = 0; i < 3; i++) {
    if (configs[i])
      continue;
    plan_error err;
    json_t *doc = plan__yaml_parse(yamls[i], strlen(yamls[i]), "cfg", &err);
    if (!doc || plan__pb_config_from_json(doc, "cfg", &configs[i], &err))
      abort();
    json_decref(doc);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup();
  /* The extractors read NUL-terminated text, as the JSON strings are. */
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  for (size_t c = 0; c < 3; c++) {
    for (int x = PLAN__PB_X_NL; x <= PLAN__PB_X_LLM_V1; x++) {
      plan__pb_plan p = {0};
      bool failed = false;
      plan_status st = plan__pb_extract(configs[c], (plan__pb_extractor)x, text,
                                        &p, &failed);
      if (st != PLAN_OK && st != PLAN_ENOMEM)
        abort();
      if (failed && p.n)
        abort();
      plan__buf b;
      plan__buf_init(&b, 0);
      for (size_t i = 0; i < p.n; i++)
        if (!p.steps[i][0])
          abort();
      plan__pb_plan_join(&p, &b);
      plan__pb_plan steps = {0};
      bool ok = false;
      size_t line = 0;
      if (b.status == PLAN_OK)
        plan__pb_val_read(b.data ? b.data : "", b.len, &steps, &ok, &line);
      if (!ok && steps.n)
        abort();
      plan__pb_plan_free(&steps);
      plan__buf_free(&b);
      plan__pb_plan_free(&p);
    }
  }
  /* The raw input as a plan file, too. */
  plan__pb_plan steps = {0};
  bool ok = false;
  size_t line = 0;
  plan__pb_val_read((const char *)data, size, &steps, &ok, &line);
  plan__pb_plan_free(&steps);
  free(text);
  return 0;
}
