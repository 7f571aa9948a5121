; cliffs instance 77 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 5 steps;
; 64 reachable states, 22 of them dead ends; traps: 2 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-77)
  (:domain cliffs)
  (:objects bakery chapel garden harbor inn library mill quarry tower red-crate)
  (:init
    (robot-at harbor)
    (at red-crate chapel)
    (trail garden chapel) (trail chapel garden)
    (trail harbor chapel) (trail chapel harbor)
    (trail library garden) (trail garden library)
    (trail inn chapel) (trail chapel inn)
    (trail bakery tower) (trail tower bakery)
    (trail quarry bakery) (trail bakery quarry)
    (chute harbor bakery)
    (chute harbor tower)
    (chute inn mill)
  )
  (:goal (and (at red-crate bakery))))
