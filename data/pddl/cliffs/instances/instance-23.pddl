; cliffs instance 23 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 5 steps;
; 34 reachable states, 16 of them dead ends; traps: 2 at the start,
; 6 along an optimal plan
(define (problem cliffs-small-1-23)
  (:domain cliffs)
  (:objects garden inn market orchard quarry station well red-crate)
  (:init
    (robot-at orchard)
    (at red-crate inn)
    (trail market orchard) (trail orchard market)
    (trail inn orchard) (trail orchard inn)
    (trail quarry well) (trail well quarry)
    (chute orchard well)
    (chute orchard quarry)
    (bridge inn station) (bridge station inn)
    (chute inn garden)
  )
  (:goal (and (at red-crate well))))
