; cliffs instance 93 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 5 steps;
; 42 reachable states, 15 of them dead ends; traps: 2 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-93)
  (:domain cliffs)
  (:objects bakery garden mill orchard quarry station tower red-crate)
  (:init
    (robot-at bakery)
    (at red-crate orchard)
    (trail bakery orchard) (trail orchard bakery)
    (trail quarry orchard) (trail orchard quarry)
    (trail station quarry) (trail quarry station)
    (trail mill tower) (trail tower mill)
    (chute bakery tower)
    (chute bakery mill)
    (chute mill garden)
  )
  (:goal (and (at red-crate tower))))
