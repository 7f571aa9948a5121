; cliffs instance 74 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 7 steps;
; 1211 reachable states, 483 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-74)
  (:domain cliffs)
  (:objects bakery farm forge harbor inn market mill quarry well red-crate blue-crate)
  (:init
    (robot-at farm)
    (at red-crate harbor)
    (at blue-crate harbor)
    (trail harbor farm) (trail farm harbor)
    (trail bakery harbor) (trail harbor bakery)
    (trail well market) (trail market well)
    (trail mill forge) (trail forge mill)
    (trail quarry forge) (trail forge quarry)
    (bridge farm quarry) (bridge quarry farm)
    (chute farm well)
    (chute harbor market)
    (chute well quarry)
    (chute quarry inn)
  )
  (:goal (and (at red-crate quarry)
              (at blue-crate quarry))))
