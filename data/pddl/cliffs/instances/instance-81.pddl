; cliffs instance 81 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 5 steps;
; 43 reachable states, 19 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-81)
  (:domain cliffs)
  (:objects bakery garden harbor inn market quarry school tower red-crate)
  (:init
    (robot-at garden)
    (at red-crate inn)
    (trail inn market) (trail market inn)
    (trail garden inn) (trail inn garden)
    (trail tower quarry) (trail quarry tower)
    (trail harbor quarry) (trail quarry harbor)
    (chute garden harbor)
    (chute market tower)
    (bridge market bakery) (bridge bakery market)
    (bridge market school) (bridge school market)
  )
  (:goal (and (at red-crate harbor))))
