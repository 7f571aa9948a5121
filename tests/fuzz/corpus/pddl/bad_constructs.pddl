(define (domain d) (:predicates (p ?x) (q))
 (:functions (f))
 (:action a :parameters (?x) :precondition (forall (?y) (or (p ?y) (q)))
   :effect (and (when (q) (p ?x)) (increase (f) 1))))
