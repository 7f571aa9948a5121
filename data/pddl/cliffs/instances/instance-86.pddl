; cliffs instance 86 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 11 steps;
; 922 reachable states, 527 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-medium-1-86)
  (:domain cliffs)
  (:objects bakery farm forge garden harbor inn orchard school station tower well red-crate blue-crate)
  (:init
    (robot-at bakery)
    (at red-crate farm)
    (at blue-crate school)
    (trail forge school) (trail school forge)
    (trail garden school) (trail school garden)
    (trail station school) (trail school station)
    (trail bakery forge) (trail forge bakery)
    (trail farm forge) (trail forge farm)
    (trail farm station) (trail station farm)
    (trail inn tower) (trail tower inn)
    (trail orchard tower) (trail tower orchard)
    (trail well tower) (trail tower well)
    (chute bakery tower)
    (chute station tower)
    (chute well harbor)
  )
  (:goal (and (at red-crate tower)
              (at blue-crate well))))
