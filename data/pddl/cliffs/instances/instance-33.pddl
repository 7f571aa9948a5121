; cliffs instance 33 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 4 steps;
; 38 reachable states, 14 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-33)
  (:domain cliffs)
  (:objects farm forge harbor market mill orchard well red-crate)
  (:init
    (robot-at harbor)
    (at red-crate forge)
    (trail forge market) (trail market forge)
    (trail harbor forge) (trail forge harbor)
    (trail mill farm) (trail farm mill)
    (trail orchard mill) (trail mill orchard)
    (chute harbor orchard)
    (chute forge orchard)
    (chute market orchard)
    (chute market well)
  )
  (:goal (and (at red-crate orchard))))
