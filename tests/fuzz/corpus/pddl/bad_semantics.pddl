(define (domain d) (:types a - b b - a)
 (:predicates (p ?x - c) (p ?y))
 (:action a :parameters (?x ?x) :precondition (r ?z) :effect (p k))
 (:action a))
