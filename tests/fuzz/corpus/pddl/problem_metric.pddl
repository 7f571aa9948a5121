(define (problem m) (:domain fz) (:objects a - block)
  (:init (= (total-cost) 0) (handempty))
  (:goal (holding a)) (:metric minimize (total-cost)))
