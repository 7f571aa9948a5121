; cliffs instance 64 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 9 steps;
; 825 reachable states, 559 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-medium-1-64)
  (:domain cliffs)
  (:objects bakery forge inn library mill orchard quarry school station well red-crate blue-crate)
  (:init
    (robot-at library)
    (at red-crate station)
    (at blue-crate station)
    (trail station library) (trail library station)
    (trail well library) (trail library well)
    (trail inn mill) (trail mill inn)
    (trail quarry orchard) (trail orchard quarry)
    (trail bakery quarry) (trail quarry bakery)
    (trail school orchard) (trail orchard school)
    (chute library school)
    (bridge well mill) (bridge mill well)
    (chute inn orchard)
    (chute inn quarry)
    (chute inn forge)
  )
  (:goal (and (at red-crate school)
              (at blue-crate quarry))))
