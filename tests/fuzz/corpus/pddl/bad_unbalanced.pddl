(define (domain d)
  (:predicates (p ?x)
