; cliffs instance 47 of: plan gen-deadend --size mixed --seed 1
; a small map: 6 places, 1 crate; optimal plan: 5 steps;
; 31 reachable states, 12 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-47)
  (:domain cliffs)
  (:objects forge garden orchard school tower well red-crate)
  (:init
    (robot-at orchard)
    (at red-crate school)
    (trail school forge) (trail forge school)
    (trail orchard school) (trail school orchard)
    (trail well tower) (trail tower well)
    (chute orchard well)
    (chute forge tower)
    (bridge tower garden) (bridge garden tower)
  )
  (:goal (and (at red-crate well))))
