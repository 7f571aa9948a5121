/* benchmarks/travelplanner/harness.c: the `plan eval travel` harness:
 * reading a submission file, evaluating every plan against its query (on
 * one database, or on each query's reference information), accumulating
 * eval.py's metrics, and printing them as a table or JSON.
 */
#include "benchmarks/travelplanner/travelplanner.h"

#include <string.h>

#include "core/json.h"

plan_status plan__tp_load_plans(const char *path, json_t **out,
                                plan_error *err) {
  if (!out || !path)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "NULL argument");
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  plan_status st = plan__read_file(path, 0, &text, &len, err);
  if (st != PLAN_OK)
    return st;
  json_t *plans = json_array();
  if (!plans) {
    plan__free(text);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  int line = 0;
  size_t pos = 0;
  while (pos < len) {
    line++;
    size_t end = pos;
    while (end < len && text[end] != '\n')
      end++;
    size_t a = pos;
    size_t b = end;
    pos = end + 1;
    while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
      a++;
    while (b > a &&
           (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
      b--;
    if (a == b)
      continue;
    plan_error e;
    memset(&e, 0, sizeof e);
    json_t *j = plan__json_parse(text + a, b - a, path, &e);
    if (!j) {
      st = e.code ? e.code : PLAN_EPARSE;
      plan__error_set(err, st, line, e.column, "%s:%d: %s", path, line, e.text);
      goto fail;
    }
    if (!json_is_object(j)) {
      json_decref(j);
      st = plan__error_set(err, PLAN_EPARSE, line, 0,
                           "%s:%d: expected an object {\"idx\", \"query\", "
                           "\"plan\"}",
                           path, line);
      goto fail;
    }
    json_t *plan = json_object_get(j, "plan");
    int rc = json_array_append(plans, plan ? plan : json_null());
    json_decref(j);
    if (rc != 0) {
      st = plan__error_set(err, PLAN_ENOMEM, line, 0, "out of memory");
      goto fail;
    }
  }
  plan__free(text);
  *out = plans;
  return PLAN_OK;
fail:
  plan__free(text);
  json_decref(plans);
  return st;
}

void plan__tp_report_free(plan__tp_report *r) {
  if (!r)
    return;
  json_decref(r->details);
  memset(r, 0, sizeof *r);
}

plan_status plan__tp_evaluate(plan__travel_db *db, const json_t *refs,
                              plan__travel_query *const *qs, size_t n,
                              const json_t *plans, plan__travel_eval_mode mode,
                              const char *split, plan__tp_report *out,
                              plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "out is NULL");
  memset(out, 0, sizeof *out);
  if ((!db && !refs) || (!qs && n))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "no database and no reference information");
  size_t n_plans = json_is_array(plans) ? json_array_size(plans) : 0;
  if (n_plans > n)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "%zu plans for %zu queries: the submission must "
                           "have one line per query, in query order",
                           n_plans, n);
  out->mode = mode;
  plan__travel_metrics_init(&out->metrics);
  out->details = json_array();
  if (!out->details)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  plan_status st = PLAN_OK;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    plan__travel_db *use = db;
    plan__travel_db *own = NULL;
    const json_t *ref = refs ? json_array_get(refs, i) : NULL;
    if (ref && !json_is_null(ref)) {
      plan_error e;
      memset(&e, 0, sizeof e);
      st = plan__travel_db_from_ref(ref, &own, &e);
      if (st != PLAN_OK) {
        plan__error_set(err, st, 0, 0, "query %zu: %s", i + 1, e.text);
        break;
      }
      use = own;
    }
    if (!use) {
      st = plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "query %zu: no reference information and no "
                           "database",
                           i + 1);
      break;
    }
    const json_t *plan = i < n_plans ? json_array_get(plans, i) : NULL;
    if (i >= n_plans)
      out->missing++;
    plan__travel_verdict v;
    st = plan__travel_eval_plan(use, qs[i], plan, mode, &v);
    plan__travel_db_free(own);
    if (st != PLAN_OK) {
      plan__error_set(err, st, 0, 0, "query %zu: evaluation failed", i + 1);
      break;
    }
    plan__travel_metrics_add(&out->metrics, qs[i], &v);
    json_t *d = plan__travel_verdict_to_json(&v);
    if (!d || json_object_set_new(d, "idx", json_integer(qs[i]->idx)) ||
        json_object_set_new(d, "position", json_integer((json_int_t)i + 1)) ||
        json_array_append_new(out->details, d)) {
      st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
      break;
    }
  }
  if (st == PLAN_OK && split &&
      !plan__travel_metrics_use_split(&out->metrics, split))
    st = plan__error_set(err, PLAN_EINVAL, 0, 0,
                         "unknown split '%s' (train, validation, test)", split);
  if (st != PLAN_OK) {
    plan__tp_report_free(out);
    return st;
  }
  out->rates = plan__travel_metrics_rates(&out->metrics);
  return PLAN_OK;
}

static const struct {
  const char *name;
  const char *key;
} rate_names[] = {
    {"Delivery Rate", "delivery_rate"},
    {"Commonsense Constraint Micro Pass Rate", "commonsense_micro_pass_rate"},
    {"Commonsense Constraint Macro Pass Rate", "commonsense_macro_pass_rate"},
    {"Hard Constraint Micro Pass Rate", "hard_micro_pass_rate"},
    {"Hard Constraint Macro Pass Rate", "hard_macro_pass_rate"},
    {"Final Pass Rate", "final_pass_rate"}};

/* The six (numerator, denominator, rate) triples in table order. */
static void rate_rows(const plan__tp_report *r, size_t num[6], size_t den[6],
                      double rate[6]) {
  const plan__travel_metrics *m = &r->metrics;
  num[0] = m->delivered;
  den[0] = m->n_total;
  num[1] = m->cs_true;
  den[1] = m->cs_total;
  num[2] = m->cs_macro;
  den[2] = m->n_total;
  num[3] = m->hard_true;
  den[3] = m->hard_total;
  num[4] = m->hard_macro;
  den[4] = m->n_total;
  num[5] = m->final_pass;
  den[5] = m->n_total;
  rate[0] = r->rates.delivery;
  rate[1] = r->rates.commonsense_micro;
  rate[2] = r->rates.commonsense_macro;
  rate[3] = r->rates.hard_micro;
  rate[4] = r->rates.hard_macro;
  rate[5] = r->rates.final_pass;
}

plan_status plan__tp_format_table(const plan__tp_report *r, plan__buf *b) {
  size_t num[6], den[6];
  double rate[6];
  rate_rows(r, num, den, rate);
  plan__buf_printf(b, "TravelPlanner evaluation: %zu queries, %s mode\n",
                   r->metrics.n, plan__travel_eval_mode_name(r->mode));
  for (size_t i = 0; i < 6; i++)
    plan__buf_printf(b, "  %-40s %6.2f%%  %5zu / %zu\n", rate_names[i].name,
                     100.0 * rate[i], num[i], den[i]);
  plan__buf_printf(b, "Constraints (pass / fail; unlisted: not requested or "
                      "not evaluated):\n");
  for (int c = 0; c < PLAN__TRAVEL_N_CHECKS; c++)
    plan__buf_printf(
        b, "  %-9s %-26s %5zu / %zu\n",
        plan__travel_check_is_hard((plan__travel_check)c) ? "hard" : "common",
        plan__travel_check_paper_name((plan__travel_check)c),
        r->metrics.check_true[c], r->metrics.check_false[c]);
  if (r->missing)
    plan__buf_printf(b,
                     "  (%zu queries had no submission line: counted as "
                     "not delivered)\n",
                     r->missing);
  return b->status;
}

json_t *plan__tp_report_json(const plan__tp_report *r, bool include_details) {
  size_t num[6], den[6];
  double rate[6];
  rate_rows(r, num, den, rate);
  json_t *o = json_object();
  json_t *metrics = json_object();
  json_t *counts = json_object();
  json_t *cons = json_object();
  int rc = !o || !metrics || !counts || !cons;
  for (size_t i = 0; !rc && i < 6; i++) {
    rc |= json_object_set_new(metrics, rate_names[i].key, json_real(rate[i]));
    json_t *pair = json_pack("{s:I,s:I}", "pass", (json_int_t)num[i], "total",
                             (json_int_t)den[i]);
    rc |= !pair || json_object_set_new(counts, rate_names[i].key, pair);
  }
  for (int c = 0; !rc && c < PLAN__TRAVEL_N_CHECKS; c++) {
    json_t *pair =
        json_pack("{s:I,s:I}", "pass", (json_int_t)r->metrics.check_true[c],
                  "fail", (json_int_t)r->metrics.check_false[c]);
    rc |=
        !pair || json_object_set_new(
                     cons, plan__travel_check_key((plan__travel_check)c), pair);
  }
  if (!rc) {
    rc |= json_object_set_new(
        o, "mode", json_string(plan__travel_eval_mode_name(r->mode)));
    rc |= json_object_set_new(o, "queries",
                              json_integer((json_int_t)r->metrics.n));
    rc |=
        json_object_set_new(o, "missing", json_integer((json_int_t)r->missing));
    rc |= json_object_set(o, "metrics", metrics);
    rc |= json_object_set(o, "counts", counts);
    rc |= json_object_set(o, "constraints", cons);
    if (include_details)
      rc |= json_object_set_new(
          o, "details", r->details ? json_incref(r->details) : json_array());
  }
  json_decref(metrics);
  json_decref(counts);
  json_decref(cons);
  if (rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}
