; cliffs instance 79 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 6 steps;
; 54 reachable states, 22 of them dead ends; traps: 1 at the start,
; 5 along an optimal plan
(define (problem cliffs-small-1-79)
  (:domain cliffs)
  (:objects bakery farm harbor market mill orchard quarry tower well red-crate)
  (:init
    (robot-at quarry)
    (at red-crate tower)
    (trail tower quarry) (trail quarry tower)
    (trail harbor tower) (trail tower harbor)
    (trail orchard market) (trail market orchard)
    (trail farm orchard) (trail orchard farm)
    (trail mill orchard) (trail orchard mill)
    (chute quarry orchard)
    (chute harbor farm)
    (chute tower bakery)
    (chute tower well)
  )
  (:goal (and (at red-crate market))))
