/* solvers/travel/pystr.h: the string handling the upstream TravelPlanner
 * evaluator does in Python, reproduced byte for byte on UTF-8 text:
 * str.strip(), the regular expressions of extract_from_to,
 * extract_before_parenthesis and get_valid_name_city (hand-written
 * matchers with the same backtracking outcome, Python's Unicode \s
 * included), and the "last comma" name/city split. Used by the evaluator
 * (eval.c) and available to the solver for writing strings the evaluator
 * parses back. Internal.
 */
#ifndef PLAN_SOLVERS_TRAVEL_PYSTR_H
#define PLAN_SOLVERS_TRAVEL_PYSTR_H

#include <stdbool.h>
#include <stddef.h>

/* A byte range of some string (not NUL-terminated). */
typedef struct plan__span {
  const char *p;
  size_t n;
} plan__span;

/* Width in bytes of the whitespace character (Python str.isspace) at s[i]
 * (s has len bytes), or 0 when s[i] does not start one. */
size_t plan__py_space_at(const char *s, size_t len, size_t i);
/* str.strip() with no arguments. */
plan__span plan__py_strip(plan__span s);
/* extract_before_parenthesis: the text before the first "(" that is
 * followed somewhere by ")", unless a newline comes first; else s. */
plan__span plan__py_before_paren(plan__span s);
/* extract_from_to: "from\s+(.+?)\s+to\s+([^,]+)(?=[,\s]|$)" searched in s;
 * false when it does not match (upstream's (None, None)). */
bool plan__py_from_to(plan__span s, plan__span *a, plan__span *b);
/* get_valid_name_city: name = strip(text before the last comma), city =
 * strip(before_paren(strip(text after it))); false when upstream prints
 * "can not be parsed" and uses ("-", "-"). */
bool plan__py_name_city(plan__span s, plan__span *name, plan__span *city);
/* True when needle occurs in hay (Python's `needle in hay`). */
bool plan__span_contains(plan__span hay, plan__span needle);
bool plan__span_eq(plan__span a, plan__span b);
bool plan__span_eq_str(plan__span a, const char *s);
plan__span plan__span_of(const char *s);

#endif /* PLAN_SOLVERS_TRAVEL_PYSTR_H */
