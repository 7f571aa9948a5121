; cliffs instance 50 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 9 steps;
; 974 reachable states, 376 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-medium-1-50)
  (:domain cliffs)
  (:objects bakery chapel farm forge harbor library orchard station tower red-crate blue-crate)
  (:init
    (robot-at farm)
    (at red-crate bakery)
    (at blue-crate bakery)
    (trail harbor farm) (trail farm harbor)
    (trail bakery harbor) (trail harbor bakery)
    (trail station farm) (trail farm station)
    (trail library tower) (trail tower library)
    (trail forge library) (trail library forge)
    (bridge farm library) (bridge library farm)
    (chute bakery forge)
    (chute harbor chapel)
    (chute station orchard)
  )
  (:goal (and (at red-crate forge)
              (at blue-crate tower))))
