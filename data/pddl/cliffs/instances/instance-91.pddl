; cliffs instance 91 of: plan gen-deadend --size mixed --seed 1
; a small map: 10 places, 1 crate; optimal plan: 7 steps;
; 164 reachable states, 97 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-91)
  (:domain cliffs)
  (:objects bakery chapel garden harbor inn library orchard school tower well red-crate)
  (:init
    (robot-at tower)
    (at red-crate library)
    (trail library garden) (trail garden library)
    (trail chapel library) (trail library chapel)
    (trail tower garden) (trail garden tower)
    (trail orchard well) (trail well orchard)
    (trail harbor orchard) (trail orchard harbor)
    (trail bakery well) (trail well bakery)
    (bridge tower harbor) (bridge harbor tower)
    (bridge garden orchard) (bridge orchard garden)
    (bridge tower school) (bridge school tower)
    (chute bakery inn)
  )
  (:goal (and (at red-crate well))))
