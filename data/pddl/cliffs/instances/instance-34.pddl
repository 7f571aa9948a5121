; cliffs instance 34 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 9 steps;
; 838 reachable states, 406 of them dead ends; traps: 2 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-34)
  (:domain cliffs)
  (:objects chapel forge garden inn library market orchard school station tower well red-crate blue-crate)
  (:init
    (robot-at school)
    (at red-crate inn)
    (at blue-crate tower)
    (trail school chapel) (trail chapel school)
    (trail forge school) (trail school forge)
    (trail inn school) (trail school inn)
    (trail orchard tower) (trail tower orchard)
    (trail market well) (trail well market)
    (trail garden well) (trail well garden)
    (trail library garden) (trail garden library)
    (chute school market)
    (chute forge tower)
    (chute inn tower)
    (bridge tower well) (bridge well tower)
    (chute orchard well)
    (chute school station)
  )
  (:goal (and (at red-crate garden)
              (at blue-crate library))))
