; cliffs instance 31 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 8 steps;
; 149 reachable states, 33 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-31)
  (:domain cliffs)
  (:objects forge garden harbor inn library market orchard station well red-crate)
  (:init
    (robot-at inn)
    (at red-crate forge)
    (trail forge station) (trail station forge)
    (trail market station) (trail station market)
    (trail inn market) (trail market inn)
    (trail library forge) (trail forge library)
    (trail well orchard) (trail orchard well)
    (trail harbor orchard) (trail orchard harbor)
    (bridge inn well) (bridge well inn)
    (chute forge harbor)
    (chute well garden)
  )
  (:goal (and (at red-crate well))))
