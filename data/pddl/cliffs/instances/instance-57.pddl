; cliffs instance 57 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 5 steps;
; 41 reachable states, 16 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-57)
  (:domain cliffs)
  (:objects farm garden library market mill orchard well red-crate)
  (:init
    (robot-at market)
    (at red-crate library)
    (trail farm market) (trail market farm)
    (trail library farm) (trail farm library)
    (trail mill well) (trail well mill)
    (trail orchard mill) (trail mill orchard)
    (chute market well)
    (chute library well)
    (chute well garden)
  )
  (:goal (and (at red-crate well))))
