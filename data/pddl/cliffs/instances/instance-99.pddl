; cliffs instance 99 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 6 steps;
; 40 reachable states, 14 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-small-1-99)
  (:domain cliffs)
  (:objects bakery garden harbor inn school tower well red-crate)
  (:init
    (robot-at inn)
    (at red-crate bakery)
    (trail inn well) (trail well inn)
    (trail harbor well) (trail well harbor)
    (trail bakery well) (trail well bakery)
    (trail school garden) (trail garden school)
    (chute inn garden)
    (chute bakery garden)
    (bridge bakery tower) (bridge tower bakery)
  )
  (:goal (and (at red-crate school))))
