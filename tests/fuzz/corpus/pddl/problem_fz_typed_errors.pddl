(define (problem p3) (:domain fz)
  (:objects a - block x - car)
  (:init (on a x))
  (:goal (on a a)))
