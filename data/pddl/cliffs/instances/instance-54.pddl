; cliffs instance 54 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 10 steps;
; 594 reachable states, 428 of them dead ends; traps: 2 at the start,
; 6 along an optimal plan
(define (problem cliffs-medium-1-54)
  (:domain cliffs)
  (:objects chapel farm forge garden harbor inn library market quarry school tower red-crate blue-crate)
  (:init
    (robot-at chapel)
    (at red-crate tower)
    (at blue-crate library)
    (trail chapel tower) (trail tower chapel)
    (trail library tower) (trail tower library)
    (trail harbor farm) (trail farm harbor)
    (trail quarry inn) (trail inn quarry)
    (trail school inn) (trail inn school)
    (trail market inn) (trail inn market)
    (chute chapel school)
    (chute library harbor)
    (chute tower farm)
    (chute farm quarry)
    (bridge farm garden) (bridge garden farm)
    (chute chapel forge)
  )
  (:goal (and (at red-crate inn)
              (at blue-crate school))))
