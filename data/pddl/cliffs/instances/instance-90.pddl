; cliffs instance 90 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 10 steps;
; 1272 reachable states, 826 of them dead ends; traps: 2 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-90)
  (:domain cliffs)
  (:objects farm forge harbor inn library market orchard quarry station tower well red-crate blue-crate)
  (:init
    (robot-at tower)
    (at red-crate orchard)
    (at blue-crate inn)
    (trail orchard tower) (trail tower orchard)
    (trail inn orchard) (trail orchard inn)
    (trail well harbor) (trail harbor well)
    (trail forge library) (trail library forge)
    (trail quarry forge) (trail forge quarry)
    (trail station forge) (trail forge station)
    (chute tower forge)
    (chute orchard well)
    (bridge tower harbor) (bridge harbor tower)
    (chute harbor station)
    (chute harbor forge)
    (chute inn farm)
    (bridge well market) (bridge market well)
  )
  (:goal (and (at red-crate forge)
              (at blue-crate station))))
