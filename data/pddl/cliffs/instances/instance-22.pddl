; cliffs instance 22 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 8 steps;
; 524 reachable states, 323 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-22)
  (:domain cliffs)
  (:objects chapel garden harbor inn library market mill orchard well red-crate blue-crate)
  (:init
    (robot-at market)
    (at red-crate orchard)
    (at blue-crate orchard)
    (trail harbor market) (trail market harbor)
    (trail orchard harbor) (trail harbor orchard)
    (trail inn harbor) (trail harbor inn)
    (trail well chapel) (trail chapel well)
    (trail garden well) (trail well garden)
    (trail library garden) (trail garden library)
    (chute market well)
    (chute orchard chapel)
    (chute library mill)
  )
  (:goal (and (at red-crate well)
              (at blue-crate chapel))))
