; cliffs instance 89 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 5 steps;
; 53 reachable states, 17 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-89)
  (:domain cliffs)
  (:objects bakery chapel forge inn market mill orchard well red-crate)
  (:init
    (robot-at bakery)
    (at red-crate market)
    (trail market mill) (trail mill market)
    (trail well market) (trail market well)
    (trail inn market) (trail market inn)
    (trail bakery market) (trail market bakery)
    (trail well bakery) (trail bakery well)
    (trail orchard forge) (trail forge orchard)
    (chute bakery orchard)
    (chute well orchard)
    (chute bakery chapel)
  )
  (:goal (and (at red-crate orchard))))
