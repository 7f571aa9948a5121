; cliffs instance 17 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 6 steps;
; 53 reachable states, 20 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-17)
  (:domain cliffs)
  (:objects bakery forge harbor market orchard school tower well red-crate)
  (:init
    (robot-at market)
    (at red-crate bakery)
    (trail market bakery) (trail bakery market)
    (trail school market) (trail market school)
    (trail well forge) (trail forge well)
    (trail tower well) (trail well tower)
    (trail harbor forge) (trail forge harbor)
    (chute market forge)
    (chute market well)
    (chute forge orchard)
  )
  (:goal (and (at red-crate harbor))))
