; cliffs instance 63 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 5 steps;
; 48 reachable states, 21 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-small-1-63)
  (:domain cliffs)
  (:objects bakery harbor mill orchard school station tower well red-crate)
  (:init
    (robot-at bakery)
    (at red-crate school)
    (trail school mill) (trail mill school)
    (trail orchard mill) (trail mill orchard)
    (trail bakery school) (trail school bakery)
    (trail harbor well) (trail well harbor)
    (chute bakery harbor)
    (chute mill harbor)
    (chute harbor station)
    (chute school tower)
  )
  (:goal (and (at red-crate harbor))))
