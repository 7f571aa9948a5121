; cliffs instance 32 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 10 steps;
; 1722 reachable states, 540 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-32)
  (:domain cliffs)
  (:objects bakery farm forge garden harbor inn market orchard station well red-crate blue-crate)
  (:init
    (robot-at bakery)
    (at red-crate well)
    (at blue-crate market)
    (trail bakery farm) (trail farm bakery)
    (trail market farm) (trail farm market)
    (trail inn market) (trail market inn)
    (trail well inn) (trail inn well)
    (trail station forge) (trail forge station)
    (trail harbor forge) (trail forge harbor)
    (trail orchard harbor) (trail harbor orchard)
    (bridge bakery harbor) (bridge harbor bakery)
    (chute well station)
    (chute station garden)
  )
  (:goal (and (at red-crate station)
              (at blue-crate forge))))
