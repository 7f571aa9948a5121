; cliffs instance 45 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 7 steps;
; 38 reachable states, 14 of them dead ends; traps: 2 at the start,
; 4 along an optimal plan
(define (problem cliffs-small-1-45)
  (:domain cliffs)
  (:objects bakery chapel farm garden inn quarry school red-crate)
  (:init
    (robot-at chapel)
    (at red-crate farm)
    (trail inn chapel) (trail chapel inn)
    (trail farm inn) (trail inn farm)
    (trail quarry bakery) (trail bakery quarry)
    (trail garden quarry) (trail quarry garden)
    (chute chapel garden)
    (chute chapel bakery)
    (chute farm school)
  )
  (:goal (and (at red-crate garden))))
