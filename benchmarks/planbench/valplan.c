/* benchmarks/planbench/valplan.c: plan text read with VAL's plan syntax.
 *
 * PlanBench writes the extracted plan to a file and runs VAL on it, so a
 * plan line such as "(drive-truck t0 l0-1 l0-0 c0)\" or "(attack c) ; note"
 * is judged by VAL's lexer and grammar, not by the line as a whole. VAL's
 * flex lexer has rules for names, numbers, brackets, ':' and the PDDL
 * operator characters, and no rule for the rest, which flex echoes and the
 * parser never sees. A plan is a sequence of
 *   [NUMBER ':'] '(' NAME NAME* ')' ['[' NUMBER ']']
 * and anything else makes VAL print "Bad plan description!" and reject the
 * plan. The steps are handed to the PDDL validator, which reports unknown
 * actions, objects and wrong arities like VAL's "Bad operator in plan!"
 * (and its crash on a wrong arity, which PlanBench also scores invalid).
 */
#include <string.h>

#include "benchmarks/planbench/planbench.h"

typedef enum tok_kind {
  TOK_END = 0,
  TOK_OPEN,
  TOK_CLOSE,
  TOK_LBRACKET,
  TOK_RBRACKET,
  TOK_COLON,
  TOK_NUMBER,
  TOK_NAME,
  TOK_BAD /* an operator character: a syntax error wherever it stands */
} tok_kind;

typedef struct lexer {
  const char *s;
  size_t n;
  size_t pos;
  size_t line;
} lexer;

static bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* The next token; *start and *len give its text for names. */
static tok_kind lex(lexer *lx, size_t *start, size_t *len) {
  for (;;) {
    if (lx->pos >= lx->n)
      return TOK_END;
    char c = lx->s[lx->pos];
    if (c == '\n') {
      lx->line++;
      lx->pos++;
      continue;
    }
    if (c == ';') {
      while (lx->pos < lx->n && lx->s[lx->pos] != '\n')
        lx->pos++;
      continue;
    }
    *start = lx->pos;
    switch (c) {
    case '(': lx->pos++; return TOK_OPEN;
    case ')': lx->pos++; return TOK_CLOSE;
    case '[': lx->pos++; return TOK_LBRACKET;
    case ']': lx->pos++; return TOK_RBRACKET;
    case ':': lx->pos++; return TOK_COLON;
    case '*':
    case '+':
    case '/':
    case '<':
    case '>':
    case '=':
    case '?':
    case '-':
    case '#':
    case '.': lx->pos++; return TOK_BAD;
    default: break;
    }
    if (is_digit(c)) {
      while (lx->pos < lx->n && is_digit(lx->s[lx->pos]))
        lx->pos++;
      if (lx->pos < lx->n && lx->s[lx->pos] == '.') {
        lx->pos++;
        while (lx->pos < lx->n && is_digit(lx->s[lx->pos]))
          lx->pos++;
      }
      *len = lx->pos - *start;
      return TOK_NUMBER;
    }
    if (is_alpha(c)) {
      while (lx->pos < lx->n &&
             (is_alpha(lx->s[lx->pos]) || is_digit(lx->s[lx->pos]) ||
              lx->s[lx->pos] == '-' || lx->s[lx->pos] == '_'))
        lx->pos++;
      *len = lx->pos - *start;
      return TOK_NAME;
    }
    /* White space and the characters without a lexer rule. */
    lx->pos++;
  }
}

plan_status plan__pb_val_read(const char *text, size_t len,
                              plan__pb_plan *steps, bool *ok,
                              size_t *bad_line) {
  lexer lx = {text ? text : "", text ? len : 0, 0, 1};
  *ok = true;
  *bad_line = 0;
  plan__buf step;
  plan__buf_init(&step, 0);
  size_t start = 0;
  size_t n = 0;
  tok_kind t = lex(&lx, &start, &n);
  while (t != TOK_END) {
    size_t line = lx.line;
    if (t == TOK_NUMBER) {
      if (lex(&lx, &start, &n) != TOK_COLON)
        goto bad;
      line = lx.line;
      t = lex(&lx, &start, &n);
    }
    if (t != TOK_OPEN)
      goto bad;
    line = lx.line;
    plan__buf_reset(&step);
    plan__buf_putc(&step, '(');
    size_t words = 0;
    for (;;) {
      t = lex(&lx, &start, &n);
      if (t == TOK_CLOSE)
        break;
      if (t != TOK_NAME) {
        line = lx.line;
        goto bad;
      }
      if (words++)
        plan__buf_putc(&step, ' ');
      for (size_t i = 0; i < n; i++) {
        char c = lx.s[start + i];
        plan__buf_putc(&step, (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c);
      }
    }
    if (words == 0)
      goto bad;
    plan__buf_putc(&step, ')');
    if (step.status != PLAN_OK ||
        plan__pb_plan_push(steps, step.data, step.len) != PLAN_OK) {
      plan__buf_free(&step);
      return PLAN_ENOMEM;
    }
    t = lex(&lx, &start, &n);
    if (t == TOK_LBRACKET) {
      line = lx.line;
      if (lex(&lx, &start, &n) != TOK_NUMBER ||
          lex(&lx, &start, &n) != TOK_RBRACKET)
        goto bad;
      t = lex(&lx, &start, &n);
    }
    continue;
  bad:
    *ok = false;
    *bad_line = line;
    plan__pb_plan_free(steps);
    plan__buf_free(&step);
    return PLAN_OK;
  }
  plan__buf_free(&step);
  return PLAN_OK;
}
