; cliffs instance 98 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 11 steps;
; 1444 reachable states, 932 of them dead ends; traps: 2 at the start,
; 6 along an optimal plan
(define (problem cliffs-medium-1-98)
  (:domain cliffs)
  (:objects bakery chapel forge harbor inn library market orchard quarry school station red-crate blue-crate)
  (:init
    (robot-at market)
    (at red-crate school)
    (at blue-crate harbor)
    (trail harbor school) (trail school harbor)
    (trail quarry school) (trail school quarry)
    (trail market school) (trail school market)
    (trail inn library) (trail library inn)
    (trail orchard bakery) (trail bakery orchard)
    (trail chapel bakery) (trail bakery chapel)
    (trail forge bakery) (trail bakery forge)
    (chute market orchard)
    (chute market library)
    (chute school library)
    (chute library forge)
    (bridge inn orchard) (bridge orchard inn)
    (chute harbor station)
  )
  (:goal (and (at red-crate chapel)
              (at blue-crate bakery))))
