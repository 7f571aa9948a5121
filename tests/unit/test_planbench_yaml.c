/* tests/unit/test_planbench_yaml.c: the YAML subset reader and the
 * PlanBench config loader (benchmarks/planbench/yaml.c, config.c). The
 * inline cases cover every construct of the subset and its error messages;
 * the data cases read the real configs of ../shared/data/planbench when
 * that folder exists. */
#include <string.h>
#include <sys/stat.h>

#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"
#include "test.h"

static json_t *parse(const char *text) {
  plan_error err;
  memset(&err, 0, sizeof err);
  json_t *v = plan__yaml_parse(text, strlen(text), "t.yaml", &err);
  if (!v)
    fprintf(stderr, "unexpected error: %s\n", err.text);
  ASSERT(v != NULL);
  return v;
}

/* Parses text and compares the canonical JSON with want. */
static void expect_json(const char *text, const char *want) {
  json_t *v = parse(text);
  json_error_t je;
  json_t *w = json_loads(want, JSON_DECODE_ANY, &je);
  ASSERT(w != NULL);
  if (!json_equal(v, w)) {
    char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    fprintf(stderr, "yaml:\n%s\ngot:  %s\nwant: %s\n", text, got, want);
    free(got);
    ASSERT(0);
  }
  json_decref(v);
  json_decref(w);
}

static void expect_error(const char *text, size_t len, int line, int col,
                         const char *msg) {
  plan_error err;
  memset(&err, 0, sizeof err);
  json_t *v = plan__yaml_parse(text, len, "t.yaml", &err);
  ASSERT(v == NULL);
  ASSERT_STATUS(err.code, PLAN_EPARSE);
  ASSERT_EQ(err.line, line);
  ASSERT_EQ(err.column, col);
  ASSERT_CONTAINS(err.text, msg);
  char prefix[32];
  snprintf(prefix, sizeof prefix, "t.yaml:%d:%d: ", line, col);
  ASSERT(strncmp(err.text, prefix, strlen(prefix)) == 0);
}

static void test_scalars(void) {
  expect_json("a: 1\nb: -2\nc: 0x1f\nd: 1.5\ne: true\nf: ~\ng: null\n"
              "h: False\ni: 12abc\nj: \"quoted: yes\"\nk: 'it''s'\n"
              "l: on\nm:\n",
              "{\"a\":1,\"b\":-2,\"c\":31,\"d\":1.5,\"e\":true,\"f\":null,"
              "\"g\":null,\"h\":false,\"i\":\"12abc\",\"j\":\"quoted: yes\","
              "\"k\":\"it's\",\"l\":\"on\",\"m\":null}");
  expect_json("key with spaces: value with spaces # comment\n\"on\": x\n",
              "{\"key with spaces\":\"value with spaces\",\"on\":\"x\"}");
  expect_json("e: \"t\\tn\\n\\u00e9\\x41\\U0001F600\\\\\\\"\\/\"\n",
              "{\"e\":\"t\\tn\\n\\u00e9A\\ud83d\\ude00\\\\\\\"/\"}");
  expect_json("plain\n", "\"plain\"");
  expect_json("", "null");
  expect_json("# only a comment\n\n   \n", "null");
  expect_json("---\na: 1\n...\n", "{\"a\":1}");
  expect_json("\xef\xbb\xbf"
              "a: 1\r\nb: \"x\"\r\n",
              "{\"a\":1,\"b\":\"x\"}");
  expect_json("a: \"one\n  two\n\n  three\"\n", "{\"a\":\"one two\\nthree\"}");
}

static void test_blocks(void) {
  expect_json("outer:\n  inner:\n    deep: value\n  list:\n  - one\n  - two\n"
              "  -\n    - nested\n  after: x\nlast: 1\n",
              "{\"outer\":{\"inner\":{\"deep\":\"value\"},\"list\":[\"one\","
              "\"two\",[\"nested\"]],\"after\":\"x\"},\"last\":1}");
  /* A sequence at the key's own indentation, as configs/blocksworld_3. */
  expect_json("objects:\n- blue block\n- red block\ncallbacks:\n   - t1\n",
              "{\"objects\":[\"blue block\",\"red block\"],"
              "\"callbacks\":[\"t1\"]}");
  expect_json("- a: 1\n  b: 2\n- c: 3\n", "[{\"a\":1,\"b\":2},{\"c\":3}]");
}

static void test_block_scalars(void) {
  expect_json("lit: |\n  line one\n    indented\n\n  line three\n\nnext: 1\n",
              "{\"lit\":\"line one\\n  indented\\n\\nline three\\n\","
              "\"next\":1}");
  expect_json("f: >\n  a\n  b\n\n  c\n    more\n  d\n",
              "{\"f\":\"a b\\nc\\n  more\\nd\\n\"}");
  expect_json("s: |-\n  x\n\nk: |+\n  y\n\n\ne: |\n",
              "{\"s\":\"x\",\"k\":\"y\\n\\n\\n\",\"e\":\"\"}");
  /* Trailing spaces and lines of exactly the indentation, as in the
   * Mystery config's domain_intro. */
  expect_json("d: |\n   Here   \n   \n      Attack object\n",
              "{\"d\":\"Here   \\n\\n   Attack object\\n\"}");
}

static void test_flow(void) {
  expect_json("m: {a: 1, \"b\": [1, 2, {c: d}], e, f: }\n"
              "s: [ x , \"y,z\" , 'w' , ]\n",
              "{\"m\":{\"a\":1,\"b\":[1,2,{\"c\":\"d\"}],\"e\":null,"
              "\"f\":null},\"s\":[\"x\",\"y,z\",\"w\"]}");
  /* Multi-line flow mappings with comments and a trailing comma, as the
   * configs write actions and predicates. */
  expect_json("actions:\n  {pick-up: \"pick up the {}\",\n"
              "   # a comment\n   stack: \"stack the {} on top of the {}\",\n"
              "  }\npreds: {\n   \"in-city\": \"{} is in the city {}\",\n  }\n",
              "{\"actions\":{\"pick-up\":\"pick up the {}\",\"stack\":"
              "\"stack the {} on top of the {}\"},\"preds\":{\"in-city\":"
              "\"{} is in the city {}\"}}");
}

static void test_errors(void) {
  expect_error("a:\n\tb: 1\n", 9, 2, 1, "tab in indentation");
  expect_error("a: 1\na: 2\n", 10, 2, 1, "duplicate key");
  expect_error("a: {b: 1\n", 9, 1, 4, "unterminated flow mapping");
  expect_error("a: \"unterminated\n", 17, 1, 4, "unterminated quoted");
  expect_error("a: &x 1\n", 8, 1, 4, "anchors are not supported");
  expect_error("a: *x\n", 6, 1, 4, "aliases are not supported");
  expect_error("a: !!str 1\n", 11, 1, 4, "tags are not supported");
  expect_error("%YAML 1.2\n---\na: 1\n", 19, 1, 1, "directives");
  expect_error("a: 1\n  b: 2\n", 12, 2, 3, "unexpected indentation");
  expect_error("a: b: c\n", 8, 1, 5, "nested mapping on one line");
  expect_error("---\na: 1\n---\nb: 2\n", 18, 3, 1, "several documents");
  expect_error("a: \"\\q\"\n", 8, 1, 5, "unknown escape");
  expect_error("a: \xff\n", 5, 1, 4, "invalid UTF-8");
  expect_error("a: 1\0b\n", 7, 1, 5, "NUL byte");
  expect_error("a: 99999999999999999999\n", 24, 1, 4, "out of range");
  expect_error("k: [1, 2\n", 9, 1, 4, "unterminated flow sequence");
  char deep[200];
  size_t n = 0;
  n += (size_t)snprintf(deep, sizeof deep, "a: ");
  for (int i = 0; i < 70; i++)
    deep[n++] = '[';
  deep[n++] = '\n';
  expect_error(deep, n, 1, 66, "nesting deeper than 64");
  /* Errors of the config layer. */
  json_t *doc = parse("domain_file: x.pddl\n");
  plan__pb_config *cfg = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_STATUS(plan__pb_config_from_json(doc, "c", &cfg, &err), PLAN_EPARSE);
  ASSERT(cfg == NULL);
  ASSERT_CONTAINS(err.text, "missing field 'instance_dir'");
  json_decref(doc);
  doc = parse("instance_dir: d\ndomain_file: x\nactions: [a, b]\n");
  ASSERT_STATUS(plan__pb_config_from_json(doc, "c", &cfg, &err), PLAN_EPARSE);
  ASSERT_CONTAINS(err.text, "actions: expected a mapping");
  json_decref(doc);
  ASSERT_STATUS(plan__pb_config_load("/nonexistent", "c", &cfg, &err),
                PLAN_EIO);
  ASSERT_CONTAINS(err.text, "/nonexistent/configs/c.yaml");
}

static const char *data_dir(void) {
  static const char *dir = PLAN_SOURCE_DIR "/../shared/data/planbench";
  struct stat st;
  char probe[4096];
  snprintf(probe, sizeof probe, "%s/configs", dir);
  if (stat(probe, &st) != 0) {
    fprintf(stderr, "   (no PlanBench data at %s: data checks skipped)\n", dir);
    return NULL;
  }
  return dir;
}

static void test_real_configs(void) {
  const char *dir = data_dir();
  if (!dir)
    return;
  plan__pb_config *c = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_OK(plan__pb_config_load(dir, "blocksworld", &c, &err));
  ASSERT_STR_EQ(c->domain_name, "blocksworld");
  ASSERT_STR_EQ(c->instance_dir, "blocksworld/generated_basic");
  ASSERT_STR_EQ(c->domain_file, "blocksworld/generated_domain.pddl");
  ASSERT_EQ(c->start, 1);
  ASSERT_EQ(c->end, 500);
  ASSERT_EQ(c->family, PLAN__PB_FAMILY_BLOCKS);
  ASSERT(strncmp(c->domain_intro, "I am playing with a set of blocks", 33) ==
         0);
  ASSERT(strstr(c->domain_intro, "no longer clear.\n") != NULL);
  ASSERT_EQ(c->n_actions, 4);
  ASSERT_STR_EQ(c->actions[0].key, "pick-up");
  ASSERT_STR_EQ(c->actions[3].value, "unstack the {} from on top of the {}");
  ASSERT_EQ(plan__pb_action_arity(c, "stack"), 2);
  ASSERT_EQ(plan__pb_action_arity(c, "fly"), -1);
  ASSERT_STR_EQ(plan__pb_pairs_get(c->predicates, c->n_predicates, "on"),
                "the {} is on top of the {}");
  ASSERT_EQ(c->n_objects, 12);
  ASSERT_STR_EQ(c->objects[0].value, "red block");
  ASSERT_STR_EQ(c->objects_compact[11].value, "gold");
  char *p = plan__pb_instance_path(dir, c, 42);
  ASSERT(strstr(p, "/instances/blocksworld/generated_basic/instance-42.pddl"));
  plan__free(p);
  plan__pb_config_free(c);

  ASSERT_OK(plan__pb_config_load(dir, "logistics", &c, &err));
  ASSERT_EQ(c->family, PLAN__PB_FAMILY_LOGISTICS);
  ASSERT(c->domain_intro_zero_shot != NULL);
  ASSERT_EQ(plan__pb_action_arity(c, "drive-truck"), 4);
  ASSERT_STR_EQ(plan__pb_pairs_get(c->predicates, c->n_predicates, "city"), "");
  ASSERT_STR_EQ(plan__pb_pairs_get(c->objects, c->n_objects, "l"),
                "location_{}_{}");
  plan__pb_config_free(c);

  ASSERT_OK(plan__pb_config_load(dir, "mystery_blocksworld_3", &c, &err));
  ASSERT_EQ(c->family, PLAN__PB_FAMILY_BLOCKS);
  ASSERT_STR_EQ(c->actions[1].key, "succumb");
  ASSERT(strstr(c->domain_intro, "do\n\n   Attack object\n") != NULL);
  plan__pb_config_free(c);

  /* The config without templates still loads. */
  ASSERT_OK(plan__pb_config_load(dir, "blocksworld_hard", &c, &err));
  ASSERT_EQ(c->n_actions, 0);
  ASSERT(c->domain_intro == NULL);
  plan__pb_config_free(c);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_scalars);
  RUN(test_blocks);
  RUN(test_block_scalars);
  RUN(test_flow);
  RUN(test_errors);
  RUN(test_real_configs);
  TEST_END();
}
