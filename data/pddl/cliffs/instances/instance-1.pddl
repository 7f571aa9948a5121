; cliffs instance 1 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 8 steps;
; 62 reachable states, 22 of them dead ends; traps: 2 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-1)
  (:domain cliffs)
  (:objects farm forge inn library market orchard quarry tower well red-crate)
  (:init
    (robot-at quarry)
    (at red-crate well)
    (trail quarry inn) (trail inn quarry)
    (trail well inn) (trail inn well)
    (trail market quarry) (trail quarry market)
    (trail tower orchard) (trail orchard tower)
    (trail farm orchard) (trail orchard farm)
    (trail forge farm) (trail farm forge)
    (chute quarry forge)
    (chute market forge)
    (chute quarry orchard)
    (chute market library)
  )
  (:goal (and (at red-crate tower))))
