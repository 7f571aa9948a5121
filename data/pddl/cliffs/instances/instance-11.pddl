; cliffs instance 11 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 7 steps;
; 67 reachable states, 24 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-11)
  (:domain cliffs)
  (:objects chapel forge inn market mill quarry school station well red-crate)
  (:init
    (robot-at inn)
    (at red-crate school)
    (trail chapel mill) (trail mill chapel)
    (trail school mill) (trail mill school)
    (trail inn mill) (trail mill inn)
    (trail well inn) (trail inn well)
    (trail chapel school) (trail school chapel)
    (trail forge station) (trail station forge)
    (trail market forge) (trail forge market)
    (chute inn forge)
    (chute chapel market)
    (chute station quarry)
  )
  (:goal (and (at red-crate forge))))
