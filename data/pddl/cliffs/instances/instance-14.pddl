; cliffs instance 14 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 11 steps;
; 641 reachable states, 474 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-14)
  (:domain cliffs)
  (:objects chapel farm forge harbor inn market mill school tower well red-crate blue-crate)
  (:init
    (robot-at forge)
    (at red-crate well)
    (at blue-crate well)
    (trail market well) (trail well market)
    (trail forge market) (trail market forge)
    (trail tower harbor) (trail harbor tower)
    (trail chapel school) (trail school chapel)
    (trail farm chapel) (trail chapel farm)
    (trail inn farm) (trail farm inn)
    (chute forge farm)
    (chute market tower)
    (chute tower inn)
    (chute tower school)
    (chute inn mill)
  )
  (:goal (and (at red-crate chapel)
              (at blue-crate inn))))
