; cliffs instance 46 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 9 steps;
; 860 reachable states, 518 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-46)
  (:domain cliffs)
  (:objects chapel forge garden harbor library mill school station tower red-crate blue-crate)
  (:init
    (robot-at school)
    (at red-crate library)
    (at blue-crate garden)
    (trail school garden) (trail garden school)
    (trail library garden) (trail garden library)
    (trail harbor forge) (trail forge harbor)
    (trail tower mill) (trail mill tower)
    (trail chapel mill) (trail mill chapel)
    (chute school chapel)
    (chute library forge)
    (bridge library harbor) (bridge harbor library)
    (chute harbor tower)
    (chute library station)
  )
  (:goal (and (at red-crate chapel)
              (at blue-crate chapel))))
