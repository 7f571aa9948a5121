; cliffs instance 44 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 10 steps;
; 364 reachable states, 216 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-44)
  (:domain cliffs)
  (:objects bakery chapel forge garden harbor inn market quarry station red-crate blue-crate)
  (:init
    (robot-at chapel)
    (at red-crate inn)
    (at blue-crate inn)
    (trail garden inn) (trail inn garden)
    (trail chapel garden) (trail garden chapel)
    (trail forge garden) (trail garden forge)
    (trail market harbor) (trail harbor market)
    (trail station market) (trail market station)
    (chute chapel harbor)
    (chute forge harbor)
    (chute chapel bakery)
    (chute forge quarry)
  )
  (:goal (and (at red-crate harbor)
              (at blue-crate market))))
