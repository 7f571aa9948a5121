(define (problem p2) (:domain FZ)
  (:objects a b - block)
  (:init (ontable a) (clear a) (ontable b) (clear b))
  (:goal (and (on a b))))
