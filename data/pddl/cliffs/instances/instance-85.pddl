; cliffs instance 85 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 5 steps;
; 48 reachable states, 21 of them dead ends; traps: 2 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-85)
  (:domain cliffs)
  (:objects bakery farm forge garden harbor library station tower red-crate)
  (:init
    (robot-at bakery)
    (at red-crate station)
    (trail bakery station) (trail station bakery)
    (trail farm bakery) (trail bakery farm)
    (trail library farm) (trail farm library)
    (trail forge garden) (trail garden forge)
    (chute bakery forge)
    (chute bakery garden)
    (bridge farm tower) (bridge tower farm)
    (chute forge harbor)
  )
  (:goal (and (at red-crate garden))))
