; cliffs instance 53 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 6 steps;
; 43 reachable states, 19 of them dead ends; traps: 2 at the start,
; 5 along an optimal plan
(define (problem cliffs-small-1-53)
  (:domain cliffs)
  (:objects bakery chapel garden inn market quarry station well red-crate)
  (:init
    (robot-at station)
    (at red-crate quarry)
    (trail chapel station) (trail station chapel)
    (trail quarry chapel) (trail chapel quarry)
    (trail market well) (trail well market)
    (trail garden well) (trail well garden)
    (chute station market)
    (chute chapel market)
    (bridge quarry inn) (bridge inn quarry)
    (chute station bakery)
  )
  (:goal (and (at red-crate market))))
