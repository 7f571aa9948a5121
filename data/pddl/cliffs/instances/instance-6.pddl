; cliffs instance 6 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 8 steps;
; 974 reachable states, 376 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-6)
  (:domain cliffs)
  (:objects bakery chapel farm garden harbor market mill tower well red-crate blue-crate)
  (:init
    (robot-at bakery)
    (at red-crate garden)
    (at blue-crate harbor)
    (trail bakery harbor) (trail harbor bakery)
    (trail garden harbor) (trail harbor garden)
    (trail chapel garden) (trail garden chapel)
    (trail harbor chapel) (trail chapel harbor)
    (trail farm well) (trail well farm)
    (trail tower farm) (trail farm tower)
    (chute bakery tower)
    (chute garden farm)
    (bridge bakery farm) (bridge farm bakery)
    (chute chapel market)
    (bridge harbor mill) (bridge mill harbor)
  )
  (:goal (and (at red-crate farm)
              (at blue-crate tower))))
