/* tests/unit/test_components_prompts.c: the prompt template engine, the
 * compiled-in copies of data/prompts/, overrides from a user folder and
 * their errors, and the rendered PDDL prompts' machine-readable shape
 * (docs/prompts.md) that the mockllm oracle relies on. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "planner/components/comp_int.h"
#include "test_components_fixture.h"

static void test_render(void) {
  plan__prompt_vars v = {.state = "S", .goal = "G", .k = 7, .action = "A"};
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_error e;
  ASSERT_OK(plan__template_render(
      "[{{state}}|{{goal}}|{{k}}|{{action}}|{{history}}|{{open}}x}}]", "t", &v,
      &b, &e));
  ASSERT_STR_EQ(b.data, "[S|G|7|A||{{x}}]");
  plan__buf_free(&b);
  ASSERT(plan__template_uses("a {{goal}} b", "goal"));
  ASSERT(!plan__template_uses("a {{goal}} b", "state"));
  ASSERT(!plan__template_uses("a {{open}}state}} b", "state"));
}

static void test_errors(void) {
  plan_error e;
  ASSERT_STATUS(
      plan__template_check("line one\nhas {{stat}} here", "my.txt", &e),
      PLAN_EPARSE);
  ASSERT_STR_EQ(e.text, "my.txt:2: unknown placeholder {{stat}}");
  ASSERT_EQ(e.line, 2);
  ASSERT_STATUS(plan__template_check("{{state", "u.txt", &e), PLAN_EPARSE);
  ASSERT_STR_EQ(e.text, "u.txt:1: unclosed {{");
  /* A newline inside the braces is no placeholder. */
  ASSERT_STATUS(plan__template_check("{{sta\nte}}", "n.txt", &e), PLAN_EPARSE);
  ASSERT_STATUS(plan__template_check("{{ state }}", "s.txt", &e), PLAN_EPARSE);
  ASSERT_STR_EQ(e.text, "s.txt:1: unknown placeholder {{ state }}");
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_STATUS(plan__template_render("x {{nope}}", "r.txt", NULL, &b, &e),
                PLAN_EPARSE);
  ASSERT_CONTAINS(e.text, "{{nope}}");
  plan__buf_free(&b);
}

/* Every built-in copy equals its file in data/prompts/. */
static void test_builtins_match_files(void) {
  for (int f = 0; f < PLAN__FAMILY_COUNT; f++)
    for (int r = 0; r < PLAN__ROLE_COUNT; r++) {
      const char *file =
          plan__prompt_file((plan__prompt_family)f, (plan__prompt_role)r);
      char path[512];
      snprintf(path, sizeof path, "%s/data/prompts/%s", PLAN_SOURCE_DIR, file);
      char *text = NULL;
      size_t len = 0;
      plan_error e;
      ASSERT_OK(plan__read_file(path, 0, &text, &len, &e));
      const char *builtin = plan__prompt_builtin(file);
      if (!builtin || strcmp(builtin, text) != 0) {
        fprintf(stderr,
                "%s differs from its compiled-in copy: run "
                "python3 planner/components/gen_prompts.py\n",
                file);
        ASSERT(0);
      }
      plan__free(text);
    }
  ASSERT(plan__prompt_builtin("nope.txt") == NULL);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  ASSERT(f);
  fputs(text, f);
  fclose(f);
}

static void make_dir(const char *path) {
  ASSERT(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static void test_overrides(void) {
  const char *dir = PLAN_BINARY_DIR "/test_components_prompts.d";
  make_dir(dir);
  char path[512];
  snprintf(path, sizeof path, "%s/pddl-value.txt", dir);
  write_file(path, "[ROLE: value]\nS={{state}} G={{goal}}\nsure?\n");
  snprintf(path, sizeof path, "%s/unrelated.txt", dir);
  write_file(path, "{{ignored because not a template name}}");
  plan__prompts *p = NULL;
  plan_error e;
  ASSERT_OK(plan__prompts_load(dir, &p, &e));
  ASSERT_STR_EQ(plan__prompts_text(p, PLAN__FAMILY_PDDL, PLAN__ROLE_VALUE),
                "[ROLE: value]\nS={{state}} G={{goal}}\nsure?\n");
  snprintf(path, sizeof path, "%s/pddl-value.txt", dir);
  ASSERT_STR_EQ(plan__prompts_source(p, PLAN__FAMILY_PDDL, PLAN__ROLE_VALUE),
                path);
  /* The others stay the defaults. */
  ASSERT_STR_EQ(plan__prompts_text(p, PLAN__FAMILY_PDDL, PLAN__ROLE_WORLD),
                plan__prompt_builtin("pddl-world.txt"));
  ASSERT_STR_EQ(plan__prompts_source(p, PLAN__FAMILY_TEXT, PLAN__ROLE_JUDGE),
                "builtin:text-judge.txt");
  plan__prompts_free(p);

  /* An unknown placeholder names the file and the placeholder. */
  snprintf(path, sizeof path, "%s/text-world.txt", dir);
  write_file(path, "{{state}}\n{{action}}\n{{reslut}}\n");
  ASSERT_STATUS(plan__prompts_load(dir, &p, &e), PLAN_EPARSE);
  ASSERT(p == NULL);
  ASSERT_CONTAINS(e.text, "text-world.txt:3: unknown placeholder {{reslut}}");
  /* A role's template without what the role needs. */
  write_file(path, "{{state}} only\n");
  ASSERT_STATUS(plan__prompts_load(dir, &p, &e), PLAN_EINVAL);
  ASSERT_CONTAINS(e.text, "text-world.txt");
  ASSERT_CONTAINS(e.text, "{{action}}");
  remove(path);
  snprintf(path, sizeof path, "%s/pddl-value.txt", dir);
  remove(path);
  snprintf(path, sizeof path, "%s/unrelated.txt", dir);
  remove(path);
  /* A folder that does not exist just means no overrides. */
  ASSERT_OK(plan__prompts_load(PLAN_BINARY_DIR "/no-such-prompts-dir", &p, &e));
  plan__prompts_free(p);
  /* An override that is a folder cannot be read. */
  snprintf(path, sizeof path, "%s/pddl-judge.txt", dir);
  make_dir(path);
  ASSERT_STATUS(plan__prompts_load(dir, &p, &e), PLAN_EIO);
  ASSERT_CONTAINS(e.text, "pddl-judge.txt");
  rmdir(path);
  rmdir(dir);
}

/* The next line after the header line hdr in text (a new string). */
static char *line_after(const char *text, const char *hdr) {
  char pat[64];
  snprintf(pat, sizeof pat, "\n%s\n", hdr);
  const char *p = strstr(text, pat);
  if (!p)
    return NULL;
  p += strlen(pat);
  const char *e = strchr(p, '\n');
  return plan__strndup(p, e ? (size_t)(e - p) : strlen(p));
}

/* The rendered PDDL prompts have the documented, machine-readable shape
 * and their state line parses back to the node's exact state. */
static void test_pddl_prompt_shape(void) {
  plan__pb_config *cfg = fx_config();
  plan__pddl_task *task = fx_task(fx_problem1);
  plan__prompts *pr = NULL;
  ASSERT_OK(plan__prompts_load(NULL, &pr, NULL));
  plan__domain *d = NULL;
  ASSERT_OK(plan__domain_pddl_create(task, cfg, pr, &d, NULL));
  /* Render through a real search's root so the history is "(none)". */
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_EXACT;
  plan__comp_set *cs = NULL;
  ASSERT_OK(plan__comp_set_create(d, &o, &cs, NULL));
  plan__search *s = fx_search(NULL, cs, NULL, NULL);
  ASSERT_OK(plan__domain_set_root(d, s));
  static const plan__prompt_role roles[] = {
      PLAN__ROLE_PROPOSE,     PLAN__ROLE_PROPOSE_LIST, PLAN__ROLE_VALUE,
      PLAN__ROLE_VALUE_FIRST, PLAN__ROLE_WORLD,        PLAN__ROLE_JUDGE};
  static const char *const role_lines[] = {
      "[ROLE: propose]", "[ROLE: propose-list]", "[ROLE: value]",
      "[ROLE: value]",   "[ROLE: world]",        "[ROLE: judge]"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(roles); i++) {
    char *user = NULL;
    ASSERT_OK(plan__comp_prompt(d, s, roles[i], 0, NULL,
                                "pick up the red block", 4, &user));
    ASSERT(!strncmp(user, role_lines[i], strlen(role_lines[i])));
    ASSERT(user[strlen(role_lines[i])] == '\n');
    char *st = line_after(user, "[STATE]");
    ASSERT(st);
    ASSERT(!strncmp(st, "As initial conditions I have that, ", 35));
    ASSERT(st[strlen(st) - 1] == '.');
    uint64_t bits[4] = {0};
    size_t unknown = 99;
    ASSERT(task->n_words <= 4);
    ASSERT_OK(
        plan__pddl_text_parse_state(cfg, task, st, strlen(st), bits, &unknown));
    ASSERT_EQ(unknown, 0);
    ASSERT(!memcmp(bits, task->init, task->n_words * 8));
    plan__free(st);
    char *goal = line_after(user, "[GOAL]");
    if (roles[i] == PLAN__ROLE_WORLD) {
      ASSERT(goal == NULL);
      char *act = line_after(user, "[ACTION]");
      ASSERT_STR_EQ(act, "pick up the red block");
      plan__free(act);
    } else {
      ASSERT_STR_EQ(goal,
                    "My goal is to have that the orange block is on top of "
                    "the blue block.");
      char *hist = line_after(user, "[HISTORY]");
      ASSERT_STR_EQ(hist, "(none)");
      plan__free(hist);
    }
    plan__free(goal);
    if (roles[i] == PLAN__ROLE_PROPOSE_LIST)
      ASSERT_CONTAINS(user, "List up to 4 different next actions");
    if (roles[i] == PLAN__ROLE_PROPOSE)
      ASSERT_CONTAINS(user, "unstack the <object> from on top of the "
                            "<object>");
    ASSERT_CONTAINS(user, "I am playing with a set of blocks");
    plan__free(user);
  }
  plan__search_free(s);
  plan__comp_set_free(cs);
  plan__domain_free(d);
  plan__prompts_free(pr);
  plan__pddl_task_free(task);
  plan__pb_config_free(cfg);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_render);
  RUN(test_errors);
  RUN(test_builtins_match_files);
  RUN(test_overrides);
  RUN(test_pddl_prompt_shape);
  TEST_END();
}
