; cliffs instance 36 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 12 steps;
; 1650 reachable states, 469 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-36)
  (:domain cliffs)
  (:objects bakery farm forge inn market mill orchard quarry tower well red-crate blue-crate)
  (:init
    (robot-at inn)
    (at red-crate tower)
    (at blue-crate quarry)
    (trail farm inn) (trail inn farm)
    (trail quarry inn) (trail inn quarry)
    (trail market inn) (trail inn market)
    (trail tower market) (trail market tower)
    (trail forge well) (trail well forge)
    (trail orchard well) (trail well orchard)
    (trail bakery well) (trail well bakery)
    (bridge inn well) (bridge well inn)
    (chute farm well)
    (chute market mill)
  )
  (:goal (and (at red-crate well)
              (at blue-crate orchard))))
