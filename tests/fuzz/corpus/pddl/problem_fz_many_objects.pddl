(define (problem many) (:domain fz)
  (:objects o1 o2 o3 o4 o5 o6 o7 o8 o9 o10 o11 o12 o13 o14 o15 o16 - block)
  (:init (handempty) (ontable o1) (clear o1) (on o2 o1) (ontable o3) (clear o3) (clear o2))
  (:goal (and (on o1 o2) (on o3 o1))))
