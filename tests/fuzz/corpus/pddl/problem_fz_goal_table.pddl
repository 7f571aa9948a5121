; constants repeated as objects, a negative goal and a static fact
(define (problem p4) (:domain fz)
  (:requirements :strips :typing)
  (:objects table - block e f - block)
  (:init (handempty) (ontable e) (clear e) (on f table) (clear f))
  (:goal (and (on e f) (not (clear table)) (on f table))))
