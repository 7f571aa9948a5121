/* tests/unit/test_planbench_text.c: text -> plan extraction
 * (benchmarks/planbench/extract.c) and VAL's plan syntax (valplan.c). Each
 * case pins one behaviour of the upstream procedure the extractor mirrors,
 * with configs written inline (the same templates as the PlanBench
 * configs), so the test needs no data folder. Golden checks against every
 * recorded answer are in tests/integration/test_planbench_replay.c. */
#include <string.h>

#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"
#include "test.h"

static const char bw_yaml[] =
    "instance_dir: blocksworld/generated_basic\n"
    "domain_file: blocksworld/generated_domain.pddl\n"
    "domain_name: blocksworld\n"
    "actions:\n"
    "  {pick-up: \"pick up the {}\",\n"
    "   put-down: \"put down the {}\",\n"
    "   stack: \"stack the {} on top of the {}\",\n"
    "   unstack: \"unstack the {} from on top of the {}\"}\n"
    "encoded_objects:\n"
    "  {\"a\": \"red block\", \"b\": \"blue block\", \"c\": \"orange block\",\n"
    "   \"d\": \"yellow block\"}\n"
    "encoded_objects_compact:\n"
    "  {\"a\": \"red\", \"b\": \"blue\", \"c\": \"orange\", \"d\": "
    "\"yellow\"}\n";

static const char mystery_yaml[] =
    "instance_dir: blocksworld/mystery/generated_basic\n"
    "domain_file: blocksworld/mystery/generated_domain.pddl\n"
    "domain_name: mystery_blocksworld\n"
    "actions:\n"
    "  {attack: \"attack {}\",\n   succumb: \"succumb {}\",\n"
    "   overcome: \"overcome {} from {}\",\n   feast: \"feast {} from {}\"}\n"
    "encoded_objects: {\"a\": \"object a\", \"b\": \"object b\", "
    "\"c\": \"object c\"}\n";

static const char logistics_yaml[] =
    "instance_dir: logistics/generated_basic\n"
    "domain_file: logistics/generated_domain.pddl\n"
    "domain_name: logistics\n"
    "actions:\n"
    "  {\n    load-truck: \"load {} into {} at {}\",\n"
    "    load-airplane: \"load {} into {} at {}\",\n"
    "    unload-truck: \"unload {} from {} at {}\",\n"
    "    unload-airplane: \"unload {} from {} at {}\",\n"
    "    drive-truck: \"drive {} from {} to {} in {}\",\n"
    "    fly-airplane: \"fly {} from {} to {}\"\n  }\n"
    "encoded_objects: {\"p\": \"package_{}\", \"t\": \"truck_{}\", "
    "\"a\": \"airplane_{}\", \"l\": \"location_{}_{}\", \"c\": \"city_{}\"}\n";

static plan__pb_config *config(const char *yaml, const char *name) {
  plan_error err;
  memset(&err, 0, sizeof err);
  json_t *doc = plan__yaml_parse(yaml, strlen(yaml), name, &err);
  ASSERT(doc != NULL);
  plan__pb_config *c = NULL;
  ASSERT_OK(plan__pb_config_from_json(doc, name, &c, &err));
  json_decref(doc);
  return c;
}

/* Extracts text with x and compares the lines with want ("a|b|c", "" for
 * an empty plan). */
static void expect_plan(const plan__pb_config *c, plan__pb_extractor x,
                        const char *text, const char *want) {
  plan__pb_plan p = {0};
  bool failed = true;
  ASSERT_OK(plan__pb_extract(c, x, text, &p, &failed));
  ASSERT(!failed);
  plan__buf b;
  plan__buf_init(&b, 0);
  for (size_t i = 0; i < p.n; i++) {
    if (i)
      plan__buf_putc(&b, '|');
    plan__buf_puts(&b, p.steps[i]);
  }
  if (strcmp(b.data ? b.data : "", want) != 0) {
    fprintf(stderr, "extractor %s on:\n%s\n", plan__pb_extractor_name(x), text);
    ASSERT_STR_EQ(b.data ? b.data : "", want);
  }
  plan__buf_free(&b);
  plan__pb_plan_free(&p);
}

static void expect_failure(const plan__pb_config *c, plan__pb_extractor x,
                           const char *text) {
  plan__pb_plan p = {0};
  bool failed = false;
  ASSERT_OK(plan__pb_extract(c, x, text, &p, &failed));
  ASSERT(failed);
  ASSERT_EQ(p.n, 0);
}

static void test_nl_blocksworld(void) {
  plan__pb_config *c = config(bw_yaml, "blocksworld");
  /* The one-shot answer form: NL lines up to [PLAN END]. */
  expect_plan(c, PLAN__PB_X_NL,
              "unstack the yellow block from on top of the red block\n"
              "put down the yellow block\n"
              "pick up the red block\n"
              "stack the red block on top of the blue block\n"
              "[PLAN END]\n",
              "(unstack d a)|(put-down d)|(pick-up a)|(stack a b)");
  /* [PLAN] cuts the text; "### plan:" too; '*' is dropped; objects are
   * ordered by position, and a line with the wrong number of objects is
   * skipped. */
  expect_plan(c, PLAN__PB_X_NL,
              "Thinking: pick up the red block\n[PLAN]\n"
              "1. **Pick up** the Orange block\n"
              "2. Stack the orange block on the red block and the blue "
              "block\n"
              "3. stack the orange block on the red block\n[PLAN END]\n"
              "put down the red block\n",
              "(pick-up c)|(stack c a)");
  expect_plan(c, PLAN__PB_X_NL,
              "intro\n### Plan:\nunstack the blue block from the red "
              "block\n",
              "(unstack b a)");
  /* A block mentioned twice counts once: "stack the red block on the red
   * block" has one object for a two-object action. */
  expect_plan(c, PLAN__PB_X_NL, "stack the red block on the red block\n", "");
  /* The first action in config order wins when a line names several. */
  expect_plan(c, PLAN__PB_X_NL,
              "unstack and then stack the red block on the blue block\n",
              "(stack a b)");
  /* Only whole tokens name actions: "restack" does not. Non-breaking and
   * narrow spaces separate tokens as in Python. */
  expect_plan(c, PLAN__PB_X_NL, "restack the red block\n", "");
  expect_plan(c, PLAN__PB_X_NL,
              "pick\xc2\xa0up the red block\nput\xe2\x80\xaf"
              "down the red block\n",
              "");
  expect_plan(c, PLAN__PB_X_NL,
              "unstack\xe2\x80\xafthe red block from the "
              "blue block\n",
              "(unstack a b)");
  expect_plan(c, PLAN__PB_X_NL, "", "");
  /* State-tracking answers: only the "Action:" lines count. */
  expect_plan(c, PLAN__PB_X_NL_COT,
              "1. Current State: the red block is clear\n"
              "   Action: pick up the red block\n"
              "   Reason: stack the blue block on the red block\n"
              "   Action: stack the red block on top of the blue block\n",
              "(pick-up a)|(stack a b)");
  plan__pb_config_free(c);
}

static void test_nl_mystery(void) {
  plan__pb_config *c = config(mystery_yaml, "mystery_blocksworld");
  ASSERT_EQ(c->family, PLAN__PB_FAMILY_BLOCKS);
  expect_plan(c, PLAN__PB_X_NL,
              "feast object a from object c\nsuccumb object a\n"
              "attack object b\novercome object b from object a\n"
              "[PLAN END]\n",
              "(feast a c)|(succumb a)|(attack b)|(overcome b a)");
  /* Config order (attack, succumb, overcome, feast) decides between two
   * action words on one line. */
  expect_plan(c, PLAN__PB_X_NL, "feast then succumb object a\n", "(succumb a)");
  plan__pb_config_free(c);
}

static void test_nl_logistics(void) {
  plan__pb_config *c = config(logistics_yaml, "logistics");
  expect_plan(c, PLAN__PB_X_NL,
              "load package_0 into truck_1 at location_1_0\n"
              "1. drive truck_1 from location_1_0 to location_1_1 in city_1.\n"
              "12. fly airplane_0 from location_1_0 to location_0_0\n"
              "unload package_0 from airplane_0 at location_0_0\n"
              "Here is the plan:\n",
              "(load-truck p0 t1 l1-0)|(drive-truck t1 l1-0 l1-1 c1)|"
              "(fly-airplane a0 l1-0 l0-0)|(unload-airplane p0 a0 l0-0)");
  /* A drive with three objects gets the city of its from-location. */
  expect_plan(c, PLAN__PB_X_NL,
              "drive truck_2 from location_2_1 to location_2_0\n",
              "(drive-truck t2 l2-1 l2-0 c2)");
  /* Parenthetical remarks are objects too, as upstream. */
  expect_plan(c, PLAN__PB_X_NL,
              "load package_1 into truck_1 at location_1_1 (package_1)\n",
              "(load-truck p1 t1 l1-1 (1))");
  /* The upstream code raises on these, scoring the answer incorrect. */
  expect_failure(c, PLAN__PB_X_NL,
                 "load package_0 into truck_0 at location_0_0\nload package");
  expect_failure(c, PLAN__PB_X_NL, "drive somewhere\n");
  expect_failure(c, PLAN__PB_X_NL, "load x_1 into y_2 at z_3\n");
  expect_failure(c, PLAN__PB_X_NL, "7\n");
  expect_failure(c, PLAN__PB_X_NL, "12\n");
  expect_failure(c, PLAN__PB_X_NL, "1.\n");
  plan__pb_config_free(c);
}

static void test_pddl_answers(void) {
  plan__pb_config *c = config(logistics_yaml, "logistics");
  /* 2024: lines starting with '(' only, lowercased. */
  expect_plan(c, PLAN__PB_X_PDDL,
              "(LOAD-TRUCK p1 t0 l0-1)\\\n 1. (skip me)\n()\n"
              "(no actions needed)\n(FLY-AIRPLANE a0 l1-0 l0-0)",
              "(load-truck p1 t0 l0-1)\\|(fly-airplane a0 l1-0 l0-0)");
  /* 2023: the text inside the first parentheses, when it names an
   * action; a missing '(' keeps the line without its last character. */
  expect_plan(c, PLAN__PB_X_PDDL_V1,
              "Here is the plan:\n1. (LOAD-TRUCK p1 t0 l0-1)\n"
              "Unload-truck p3 t1 l1-0)\n({fly-airplane a2 l2-0 l0-0)\n"
              "(pickle a)\n[PLAN END]\n(fly-airplane a0 l0-0 l1-0)\n",
              "(load-truck p1 t0 l0-1)|(unload-truck p3 t1 l1-0)");
  plan__pb_config_free(c);
}

static void test_llm_translations(void) {
  plan__pb_config *bw = config(bw_yaml, "blocksworld");
  const char *t = "Here it is.\n[PDDL PLAN]\n1. (Unstack Blue Orange)\n"
                  "(put_down blue)\n(pickup red block)\n(stack red on "
                  "orange)\n(jump red)\nno plan possible\n"
                  "[PDDL PLAN END]\n(stack x y)";
  expect_plan(bw, PLAN__PB_X_LLM, t,
              "(unstack b c)|(put-down b)|(pick-up a)|(stack a c)");
  /* The earlier version keeps only lines that start with '('. */
  expect_plan(bw, PLAN__PB_X_LLM_V1, t, "(put-down b)|(pick-up a)|(stack a c)");
  plan__pb_config_free(bw);

  plan__pb_config *my = config(mystery_yaml, "mystery_blocksworld");
  const char *m = "( Feast object_1 b )\n**(attack a)**\n1. (succumb a)\n"
                  "no plan possible\n[PDDL PLAN END]";
  /* '.', '*' and digits go before the '(' test; inner parentheses go. */
  expect_plan(my, PLAN__PB_X_LLM, m,
              "(feast  b)|(attack a)|(succumb a)|(no plan possible)");
  expect_plan(my, PLAN__PB_X_LLM_V1, m, "( feast 1 b )|(no plan possible)");
  plan__pb_config_free(my);

  /* Logistics: upstream returns the whole lowercased section. */
  plan__pb_config *lg = config(logistics_yaml, "logistics");
  expect_plan(lg, PLAN__PB_X_LLM,
              "[PDDL PLAN]\n(FLY-AIRPLANE a0 l0-0 l1-0)\nnote\n"
              "[PDDL PLAN END]",
              "(fly-airplane a0 l0-0 l1-0)|note");
  plan__pb_config_free(lg);
}

static void test_extractor_names(void) {
  for (int x = PLAN__PB_X_AUTO; x <= PLAN__PB_X_LLM_V1; x++) {
    plan__pb_extractor back;
    ASSERT(plan__pb_extractor_parse(
        plan__pb_extractor_name((plan__pb_extractor)x), &back));
    ASSERT_EQ(back, x);
  }
  plan__pb_extractor y;
  ASSERT(!plan__pb_extractor_parse("gpt", &y));
  plan__pb_config *c = config(bw_yaml, "blocksworld");
  plan__pb_plan p = {0};
  bool failed = false;
  ASSERT_STATUS(plan__pb_extract(c, PLAN__PB_X_AUTO, "x", &p, &failed),
                PLAN_EINVAL);
  plan__pb_config_free(c);
}

/* Reads text with VAL's syntax; want is "a|b" or "BAD:line". */
static void expect_val(const char *text, const char *want) {
  plan__pb_plan p = {0};
  bool ok = false;
  size_t line = 0;
  ASSERT_OK(plan__pb_val_read(text, strlen(text), &p, &ok, &line));
  plan__buf b;
  plan__buf_init(&b, 0);
  if (!ok) {
    plan__buf_printf(&b, "BAD:%zu", line);
  } else {
    for (size_t i = 0; i < p.n; i++) {
      if (i)
        plan__buf_putc(&b, '|');
      plan__buf_puts(&b, p.steps[i]);
    }
  }
  if (strcmp(b.data ? b.data : "", want)) {
    fprintf(stderr, "plan text:\n%s\n", text);
    ASSERT_STR_EQ(b.data ? b.data : "", want);
  }
  plan__buf_free(&b);
  plan__pb_plan_free(&p);
}

static void test_val_syntax(void) {
  expect_val("(unstack d a)\n(PUT-DOWN d)\n", "(unstack d a)|(put-down d)");
  expect_val("( attack a )\n(attack c) ; a comment (x\n",
             "(attack a)|(attack c)");
  expect_val("(drive-truck t0 l0-1 l0-0 c0)\\\n(fly a, b)\n",
             "(drive-truck t0 l0-1 l0-0 c0)|(fly a b)");
  expect_val("0: (pick-up a) [1]\n1.5: (stack a b) [1]\n",
             "(pick-up a)|(stack a b)");
  expect_val("", "");
  expect_val("; cost = 4 (unit cost)\n", "");
  expect_val("(no plan possible)\n", "(no plan possible)");
  expect_val("(unstack b *)\n", "BAD:1");
  expect_val("(a)\n(1. feast a d)\n", "BAD:2");
  expect_val("(:action attack_a\n", "BAD:1");
  expect_val("(define (problem x)\n", "BAD:1");
  expect_val("(feast b a ; note)\n(succumb b)\n", "BAD:2");
  expect_val("(drive-truck t2(l2-0 l2-1 c2)\n", "BAD:1");
  expect_val("()\n", "BAD:1");
  expect_val("(a b))\n", "BAD:1");
  expect_val("(a b\n", "BAD:2"); /* at the end of the text */
  expect_val("3 (a)\n", "BAD:1");
  expect_val("(a) [x]\n", "BAD:1");
  expect_val("pick-up a\n", "BAD:1");
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_nl_blocksworld);
  RUN(test_nl_mystery);
  RUN(test_nl_logistics);
  RUN(test_pddl_answers);
  RUN(test_llm_translations);
  RUN(test_extractor_names);
  RUN(test_val_syntax);
  TEST_END();
}
