; cliffs instance 66 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 9 steps;
; 746 reachable states, 528 of them dead ends; traps: 2 at the start,
; 2 along an optimal plan
(define (problem cliffs-medium-1-66)
  (:domain cliffs)
  (:objects bakery chapel farm garden harbor inn library market mill orchard tower red-crate blue-crate)
  (:init
    (robot-at market)
    (at red-crate tower)
    (at blue-crate tower)
    (trail inn tower) (trail tower inn)
    (trail garden tower) (trail tower garden)
    (trail market inn) (trail inn market)
    (trail harbor chapel) (trail chapel harbor)
    (trail orchard farm) (trail farm orchard)
    (trail library orchard) (trail orchard library)
    (trail bakery farm) (trail farm bakery)
    (chute market orchard)
    (chute market harbor)
    (chute chapel orchard)
    (chute harbor mill)
  )
  (:goal (and (at red-crate orchard)
              (at blue-crate orchard))))
