; cliffs instance 43 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 7 steps;
; 43 reachable states, 19 of them dead ends; traps: 3 at the start,
; 5 along an optimal plan
(define (problem cliffs-small-1-43)
  (:domain cliffs)
  (:objects farm harbor inn library market orchard quarry tower red-crate)
  (:init
    (robot-at harbor)
    (at red-crate market)
    (trail market farm) (trail farm market)
    (trail harbor farm) (trail farm harbor)
    (trail inn tower) (trail tower inn)
    (trail quarry inn) (trail inn quarry)
    (chute harbor inn)
    (chute harbor quarry)
    (chute market tower)
    (chute farm orchard)
    (chute harbor library)
  )
  (:goal (and (at red-crate quarry))))
