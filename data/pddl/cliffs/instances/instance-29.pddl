; cliffs instance 29 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 5 steps;
; 66 reachable states, 25 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-29)
  (:domain cliffs)
  (:objects bakery forge inn library market quarry school station tower red-crate)
  (:init
    (robot-at school)
    (at red-crate market)
    (trail bakery forge) (trail forge bakery)
    (trail school forge) (trail forge school)
    (trail market school) (trail school market)
    (trail quarry library) (trail library quarry)
    (trail station library) (trail library station)
    (trail inn quarry) (trail quarry inn)
    (trail station quarry) (trail quarry station)
    (chute school station)
    (chute bakery inn)
    (bridge station tower) (bridge tower station)
  )
  (:goal (and (at red-crate station))))
