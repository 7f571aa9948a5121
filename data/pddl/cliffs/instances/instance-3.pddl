; cliffs instance 3 of: plan gen-deadend --size mixed --seed 1
; a small map: 10 places, 1 crate; optimal plan: 4 steps;
; 77 reachable states, 27 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-3)
  (:domain cliffs)
  (:objects bakery chapel farm forge harbor market quarry school station tower red-crate)
  (:init
    (robot-at station)
    (at red-crate market)
    (trail market station) (trail station market)
    (trail bakery market) (trail market bakery)
    (trail forge market) (trail market forge)
    (trail chapel forge) (trail forge chapel)
    (trail forge bakery) (trail bakery forge)
    (trail harbor quarry) (trail quarry harbor)
    (trail school harbor) (trail harbor school)
    (trail tower school) (trail school tower)
    (chute station school)
    (chute market tower)
    (chute chapel quarry)
    (chute forge farm)
  )
  (:goal (and (at red-crate tower))))
