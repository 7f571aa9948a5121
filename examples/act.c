/* examples/act.c: an agent that acts in a real environment through libplan's
 * plan-act loop, with its own world model (no LLM needed).
 *
 * The environment is examples/envs/cliff_env, a separate program speaking
 * JSON lines on stdin/stdout (docs/env.md), started with
 * plan_env_command_create. A walker stands on cell 1 of cells 0..6 and
 * wants to reach cell 6. Cell 3 is a cliff: "step left" and "step right"
 * are reversible (nobody steps into the cliff), and "jump" is
 * irreversible: it goes two cells right, over the cliff from cell 2, but
 * into it from cell 1, and after a fall nothing leads on.
 *
 * Our world model (the simulate callback) is sloppy: it believes a jump
 * always lands two cells further and knows nothing of falling. Our
 * evaluator is wary: standing on the cliff is worth little (0.1). From
 * cell 1 the search likes "jump" (its plan reaches the goal soonest), but
 * a jump is irreversible: the commit barrier simulates it first, values
 * the predicted state, finds it below the threshold and refuses; the
 * agent steps instead, and jumps where the landing is worth it. A second
 * run without the barrier (PLAN_AGENT_NO_BARRIER) shows what it prevents.
 *
 * Usage: example_act [PATH-TO-cliff_env]; by default the cliff_env next to
 * this program (envs/cliff_env, as the build lays them out).
 * Build against an installed libplan:
 *   cc act.c $(pkg-config --cflags --libs plan)
 */
#include <plan.h>
#include <stdio.h>
#include <string.h>

enum { CELLS = 6, CLIFF = 3 };

/* The cliff_env's observation of cell pos (the world model writes the
 * same text, so its predictions can be compared with what happens). */
static int observation(int pos, char *out, size_t size) {
  if (pos == CELLS)
    return snprintf(out, size, "You stand on cell %d (cells 0..%d): the goal.",
                    pos, CELLS);
  return snprintf(out, size,
                  "You stand on cell %d (cells 0..%d). The goal is cell %d; "
                  "cell %d is a cliff.",
                  pos, CELLS, CELLS, CLIFF);
}

static bool read_cell(const char *state, int *pos) {
  return sscanf(state, "You stand on cell %d", pos) == 1;
}

static plan_status propose(void *ud, const char *state,
                           plan_action_sink *sink) {
  (void)ud;
  int pos;
  if (!read_cell(state, &pos))
    return PLAN_OK; /* no actions: a dead end */
  static const char *const actions[] = {"step right", "jump", "step left"};
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
    plan_status st = plan_action_sink_add(sink, actions[i]);
    if (st != PLAN_OK)
      return st == PLAN_EBUDGET ? PLAN_OK : st;
  }
  return PLAN_OK;
}

/* The sloppy world model: steps are right, jumps always land safely. */
static plan_status simulate(void *ud, const char *state, const char *action,
                            plan_state_buf *out) {
  (void)ud;
  int pos;
  if (!read_cell(state, &pos))
    return PLAN_ENOTFOUND;
  int to = !strcmp(action, "jump")         ? pos + 2
           : !strcmp(action, "step right") ? pos + 1
           : !strcmp(action, "step left")  ? pos - 1
                                           : -1;
  bool walks_into_cliff = to == CLIFF && strcmp(action, "jump") != 0;
  if (to < 0 || to > CELLS || walks_into_cliff)
    return PLAN_ENOTFOUND; /* the candidate is pruned */
  char text[128];
  int n = observation(to, text, sizeof text);
  return plan_state_buf_append(out, text, (size_t)n);
}

/* Progress towards cell 6; standing on the cliff is worth little. */
static plan_status evaluate(void *ud, const char *state, double *out) {
  (void)ud;
  int pos;
  if (!read_cell(state, &pos))
    return PLAN_ENOTFOUND;
  *out = pos == CLIFF ? 0.1 : (double)pos / CELLS;
  return PLAN_OK;
}

static bool is_goal(void *ud, const char *state) {
  (void)ud;
  int pos;
  return read_cell(state, &pos) && pos == CELLS;
}

/* Runs one agent with policy in a fresh cliff_env; prints every step.
 * Returns the outcome's status and copies the outcome to outcome. */
static plan_status act(const char *env_path, plan_agent_policy policy,
                       char *outcome, size_t size) {
  const char *argv[] = {env_path, "--cells", "6", "--cliff",
                        "3",      "--start", "1", NULL};
  plan_env *env = NULL;
  plan_agent *agent = NULL;
  plan_error err;
  outcome[0] = '\0';
  plan_status st = plan_env_command_create(argv, NULL, &env, &err);
  if (st != PLAN_OK) {
    fprintf(stderr, "environment: %s\n", err.text);
    return st;
  }
  plan_agent_options o;
  plan_agent_options_init(&o, PLAN_AGENT_OPTIONS_VERSION);
  o.search.propose = propose;
  o.search.simulate = simulate;
  o.search.evaluate = evaluate;
  o.search.is_goal = is_goal;
  o.search.max_depth = 8;
  o.policy = policy;
  o.max_steps = 20;
  st = plan_agent_create(NULL, env, &o, &agent, &err);
  if (st != PLAN_OK) {
    fprintf(stderr, "agent: %s\n", err.text);
    plan_env_destroy(env);
    return st;
  }
  printf("%s policy:\n", plan_agent_policy_name(policy));
  st = plan_agent_run(agent);
  for (size_t i = 0; i < plan_agent_steps(agent); i++) {
    const char *obs = plan_agent_step_observation(agent, i);
    printf("  %zu. %-10s [%s] -> %s\n", i + 1, plan_agent_step_action(agent, i),
           plan_effect_name(plan_agent_step_effect(agent, i)),
           obs ? obs : "(refused by the environment)");
  }
  plan_agent_stats stats;
  plan_agent_stats_get(agent, &stats);
  printf("  outcome: %s (%s)\n", plan_agent_outcome(agent),
         plan_agent_message(agent));
  printf("  %llu searches, %llu barrier checks, %llu refusals, %llu "
         "irreversible commits\n",
         (unsigned long long)stats.searches,
         (unsigned long long)stats.barrier_checks,
         (unsigned long long)stats.refusals,
         (unsigned long long)stats.irreversible_commits);
  if (st != PLAN_OK)
    fprintf(stderr, "agent: %s: %s\n", plan_status_name(st),
            plan_agent_errmsg(agent));
  snprintf(outcome, size, "%s", plan_agent_outcome(agent));
  plan_agent_destroy(agent);
  plan_env_destroy(env); /* ends the program */
  return st;
}

int main(int argc, char **argv) {
  /* The environment program: argv[1], else envs/cliff_env beside us. */
  char path[4096];
  if (argc > 1) {
    snprintf(path, sizeof path, "%s", argv[1]);
  } else {
    const char *slash = strrchr(argv[0], '/');
    int dir = slash ? (int)(slash - argv[0]) : 1;
    snprintf(path, sizeof path, "%.*s/envs/cliff_env", dir,
             slash ? argv[0] : ".");
  }
  if (plan_global_init(NULL) != PLAN_OK)
    return 1;
  char with[32], without[32];
  plan_status a = act(path, PLAN_AGENT_BARRIER, with, sizeof with);
  plan_status b = act(path, PLAN_AGENT_NO_BARRIER, without, sizeof without);
  plan_global_cleanup();
  /* The barrier reaches the goal; without it the walker falls, and then
   * nothing leads on. */
  return a == PLAN_OK && b == PLAN_OK && !strcmp(with, "goal") &&
                 strcmp(without, "goal") != 0
             ? 0
             : 1;
}
