; cliffs instance 92 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 9 steps;
; 629 reachable states, 349 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-medium-1-92)
  (:domain cliffs)
  (:objects bakery farm harbor inn library market mill quarry school station red-crate blue-crate)
  (:init
    (robot-at farm)
    (at red-crate library)
    (at blue-crate library)
    (trail bakery library) (trail library bakery)
    (trail harbor bakery) (trail bakery harbor)
    (trail farm bakery) (trail bakery farm)
    (trail school library) (trail library school)
    (trail quarry market) (trail market quarry)
    (trail mill quarry) (trail quarry mill)
    (trail inn mill) (trail mill inn)
    (chute farm inn)
    (chute school quarry)
    (chute bakery market)
    (chute harbor station)
  )
  (:goal (and (at red-crate inn)
              (at blue-crate inn))))
