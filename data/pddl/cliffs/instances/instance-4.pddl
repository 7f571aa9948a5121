; cliffs instance 4 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 8 steps;
; 1540 reachable states, 1104 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-medium-1-4)
  (:domain cliffs)
  (:objects bakery farm harbor library orchard quarry station tower well red-crate blue-crate)
  (:init
    (robot-at tower)
    (at red-crate harbor)
    (at blue-crate orchard)
    (trail orchard tower) (trail tower orchard)
    (trail harbor orchard) (trail orchard harbor)
    (trail tower harbor) (trail harbor tower)
    (trail farm quarry) (trail quarry farm)
    (trail library well) (trail well library)
    (trail bakery library) (trail library bakery)
    (chute tower bakery)
    (bridge tower quarry) (bridge quarry tower)
    (bridge harbor farm) (bridge farm harbor)
    (chute farm bakery)
    (chute well station)
  )
  (:goal (and (at red-crate bakery)
              (at blue-crate bakery))))
