; cliffs instance 30 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 10 steps;
; 658 reachable states, 316 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-30)
  (:domain cliffs)
  (:objects chapel farm forge garden harbor library quarry school station tower red-crate blue-crate)
  (:init
    (robot-at garden)
    (at red-crate farm)
    (at blue-crate harbor)
    (trail quarry harbor) (trail harbor quarry)
    (trail library harbor) (trail harbor library)
    (trail garden library) (trail library garden)
    (trail station library) (trail library station)
    (trail farm library) (trail library farm)
    (trail station harbor) (trail harbor station)
    (trail tower forge) (trail forge tower)
    (trail chapel forge) (trail forge chapel)
    (chute garden chapel)
    (chute quarry forge)
    (bridge harbor school) (bridge school harbor)
  )
  (:goal (and (at red-crate forge)
              (at blue-crate forge))))
