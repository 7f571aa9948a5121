; cliffs instance 48 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 9 steps;
; 963 reachable states, 389 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-medium-1-48)
  (:domain cliffs)
  (:objects chapel farm forge garden library quarry station tower well red-crate blue-crate)
  (:init
    (robot-at station)
    (at red-crate forge)
    (at blue-crate farm)
    (trail library forge) (trail forge library)
    (trail station forge) (trail forge station)
    (trail farm chapel) (trail chapel farm)
    (trail tower quarry) (trail quarry tower)
    (trail well quarry) (trail quarry well)
    (trail well tower) (trail tower well)
    (bridge station tower) (bridge tower station)
    (chute forge farm)
    (chute library farm)
    (chute chapel tower)
    (chute farm quarry)
    (chute library garden)
  )
  (:goal (and (at red-crate tower)
              (at blue-crate well))))
