; cliffs instance 21 of: plan gen-deadend --size mixed --seed 1
; a small map: 6 places, 1 crate; optimal plan: 4 steps;
; 29 reachable states, 11 of them dead ends; traps: 2 at the start,
; 4 along an optimal plan
(define (problem cliffs-small-1-21)
  (:domain cliffs)
  (:objects bakery chapel inn mill tower well red-crate)
  (:init
    (robot-at bakery)
    (at red-crate chapel)
    (trail bakery chapel) (trail chapel bakery)
    (trail tower bakery) (trail bakery tower)
    (trail mill well) (trail well mill)
    (chute bakery well)
    (chute chapel well)
    (chute chapel mill)
    (chute bakery inn)
  )
  (:goal (and (at red-crate well))))
