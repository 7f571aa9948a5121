; cliffs instance 80 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 10 steps;
; 409 reachable states, 260 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-80)
  (:domain cliffs)
  (:objects garden harbor inn library market orchard quarry school well red-crate blue-crate)
  (:init
    (robot-at school)
    (at red-crate orchard)
    (at blue-crate library)
    (trail library inn) (trail inn library)
    (trail orchard inn) (trail inn orchard)
    (trail school inn) (trail inn school)
    (trail market well) (trail well market)
    (trail harbor well) (trail well harbor)
    (chute school harbor)
    (chute orchard well)
    (chute orchard garden)
    (chute harbor quarry)
  )
  (:goal (and (at red-crate market)
              (at blue-crate market))))
