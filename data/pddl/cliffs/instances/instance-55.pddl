; cliffs instance 55 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 5 steps;
; 101 reachable states, 60 of them dead ends; traps: 3 at the start,
; 6 along an optimal plan
(define (problem cliffs-small-1-55)
  (:domain cliffs)
  (:objects bakery forge garden harbor inn market station well red-crate)
  (:init
    (robot-at inn)
    (at red-crate forge)
    (trail bakery inn) (trail inn bakery)
    (trail forge inn) (trail inn forge)
    (trail station garden) (trail garden station)
    (trail well station) (trail station well)
    (bridge inn well) (bridge well inn)
    (bridge inn garden) (bridge garden inn)
    (chute forge market)
    (chute inn harbor)
  )
  (:goal (and (at red-crate well))))
