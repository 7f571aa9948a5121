; cliffs instance 56 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 11 steps;
; 409 reachable states, 260 of them dead ends; traps: 3 at the start,
; 6 along an optimal plan
(define (problem cliffs-medium-1-56)
  (:domain cliffs)
  (:objects bakery chapel farm garden harbor inn quarry school tower red-crate blue-crate)
  (:init
    (robot-at school)
    (at red-crate chapel)
    (at blue-crate farm)
    (trail garden farm) (trail farm garden)
    (trail chapel garden) (trail garden chapel)
    (trail school farm) (trail farm school)
    (trail bakery inn) (trail inn bakery)
    (trail tower inn) (trail inn tower)
    (chute school tower)
    (chute farm bakery)
    (chute school bakery)
    (bridge inn harbor) (bridge harbor inn)
    (chute school quarry)
  )
  (:goal (and (at red-crate tower)
              (at blue-crate tower))))
