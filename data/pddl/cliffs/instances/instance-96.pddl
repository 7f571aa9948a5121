; cliffs instance 96 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 8 steps;
; 1387 reachable states, 925 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-96)
  (:domain cliffs)
  (:objects bakery chapel farm forge inn library market mill orchard tower well red-crate blue-crate)
  (:init
    (robot-at forge)
    (at red-crate chapel)
    (at blue-crate chapel)
    (trail mill chapel) (trail chapel mill)
    (trail forge chapel) (trail chapel forge)
    (trail market bakery) (trail bakery market)
    (trail farm tower) (trail tower farm)
    (trail orchard farm) (trail farm orchard)
    (trail inn orchard) (trail orchard inn)
    (trail farm inn) (trail inn farm)
    (chute forge farm)
    (chute mill market)
    (chute bakery farm)
    (bridge market farm) (bridge farm market)
    (chute tower library)
    (chute chapel well)
  )
  (:goal (and (at red-crate farm)
              (at blue-crate orchard))))
