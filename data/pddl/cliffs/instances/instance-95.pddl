; cliffs instance 95 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 4 steps;
; 80 reachable states, 29 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-95)
  (:domain cliffs)
  (:objects bakery chapel garden harbor orchard tower well red-crate)
  (:init
    (robot-at chapel)
    (at red-crate orchard)
    (trail garden chapel) (trail chapel garden)
    (trail orchard chapel) (trail chapel orchard)
    (trail harbor well) (trail well harbor)
    (bridge chapel harbor) (bridge harbor chapel)
    (chute orchard harbor)
    (chute garden harbor)
    (chute garden bakery)
    (bridge well tower) (bridge tower well)
  )
  (:goal (and (at red-crate harbor))))
