; cliffs instance 71 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 6 steps;
; 115 reachable states, 26 of them dead ends; traps: 2 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-71)
  (:domain cliffs)
  (:objects bakery chapel harbor inn market mill orchard well red-crate)
  (:init
    (robot-at harbor)
    (at red-crate well)
    (trail chapel inn) (trail inn chapel)
    (trail harbor inn) (trail inn harbor)
    (trail well chapel) (trail chapel well)
    (trail inn well) (trail well inn)
    (trail bakery market) (trail market bakery)
    (trail orchard market) (trail market orchard)
    (trail orchard bakery) (trail bakery orchard)
    (bridge harbor market) (bridge market harbor)
    (chute chapel bakery)
    (chute chapel market)
    (chute harbor mill)
  )
  (:goal (and (at red-crate market))))
