(define (problem p1) (:domain fz)
  (:objects a b c d - block)
  (:init (handempty) (ontable a) (on b a) (on c b) (clear c) (ontable d) (clear d))
  (:goal (and (on a b) (on b c) (on c d) (not (holding d)))))
