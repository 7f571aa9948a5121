; cliffs instance 59 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 6 steps;
; 53 reachable states, 17 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-59)
  (:domain cliffs)
  (:objects bakery chapel farm harbor inn quarry station tower red-crate)
  (:init
    (robot-at station)
    (at red-crate bakery)
    (trail quarry inn) (trail inn quarry)
    (trail station quarry) (trail quarry station)
    (trail bakery inn) (trail inn bakery)
    (trail farm inn) (trail inn farm)
    (trail harbor tower) (trail tower harbor)
    (chute station tower)
    (chute bakery harbor)
    (chute quarry chapel)
  )
  (:goal (and (at red-crate harbor))))
