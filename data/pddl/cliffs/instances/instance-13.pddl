; cliffs instance 13 of: plan gen-deadend --size mixed --seed 1
; a small map: 10 places, 1 crate; optimal plan: 9 steps;
; 77 reachable states, 27 of them dead ends; traps: 2 at the start,
; 4 along an optimal plan
(define (problem cliffs-small-1-13)
  (:domain cliffs)
  (:objects bakery farm garden market mill orchard quarry station tower well red-crate)
  (:init
    (robot-at market)
    (at red-crate bakery)
    (trail station market) (trail market station)
    (trail well market) (trail market well)
    (trail bakery well) (trail well bakery)
    (trail garden well) (trail well garden)
    (trail garden station) (trail station garden)
    (trail quarry tower) (trail tower quarry)
    (trail mill tower) (trail tower mill)
    (trail orchard tower) (trail tower orchard)
    (chute market orchard)
    (chute market mill)
    (bridge bakery farm) (bridge farm bakery)
  )
  (:goal (and (at red-crate quarry))))
