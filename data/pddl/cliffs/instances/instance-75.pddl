; cliffs instance 75 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 4 steps;
; 60 reachable states, 24 of them dead ends; traps: 1 at the start,
; 5 along an optimal plan
(define (problem cliffs-small-1-75)
  (:domain cliffs)
  (:objects bakery farm harbor inn library market mill tower well red-crate)
  (:init
    (robot-at mill)
    (at red-crate inn)
    (trail inn mill) (trail mill inn)
    (trail library mill) (trail mill library)
    (trail tower mill) (trail mill tower)
    (trail well mill) (trail mill well)
    (trail bakery harbor) (trail harbor bakery)
    (chute mill bakery)
    (chute inn harbor)
    (chute inn bakery)
    (chute well farm)
    (bridge inn market) (bridge market inn)
  )
  (:goal (and (at red-crate bakery))))
