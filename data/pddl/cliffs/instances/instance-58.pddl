; cliffs instance 58 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 10 steps;
; 722 reachable states, 380 of them dead ends; traps: 1 at the start,
; 5 along an optimal plan
(define (problem cliffs-medium-1-58)
  (:domain cliffs)
  (:objects chapel farm garden harbor inn library market mill school station tower red-crate blue-crate)
  (:init
    (robot-at school)
    (at red-crate harbor)
    (at blue-crate harbor)
    (trail school mill) (trail mill school)
    (trail chapel mill) (trail mill chapel)
    (trail garden chapel) (trail chapel garden)
    (trail station chapel) (trail chapel station)
    (trail harbor chapel) (trail chapel harbor)
    (trail market tower) (trail tower market)
    (trail inn market) (trail market inn)
    (chute school tower)
    (chute harbor tower)
    (chute station market)
    (bridge chapel library) (bridge library chapel)
    (bridge mill farm) (bridge farm mill)
  )
  (:goal (and (at red-crate inn)
              (at blue-crate tower))))
