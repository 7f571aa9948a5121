; cliffs instance 24 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 12 steps;
; 629 reachable states, 349 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-24)
  (:domain cliffs)
  (:objects bakery farm forge garden inn market mill orchard quarry tower red-crate blue-crate)
  (:init
    (robot-at forge)
    (at red-crate quarry)
    (at blue-crate bakery)
    (trail quarry bakery) (trail bakery quarry)
    (trail market bakery) (trail bakery market)
    (trail forge market) (trail market forge)
    (trail orchard forge) (trail forge orchard)
    (trail tower farm) (trail farm tower)
    (trail garden farm) (trail farm garden)
    (trail inn tower) (trail tower inn)
    (chute forge tower)
    (chute orchard farm)
    (chute market farm)
    (bridge quarry mill) (bridge mill quarry)
  )
  (:goal (and (at red-crate tower)
              (at blue-crate inn))))
