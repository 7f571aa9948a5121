; cliffs instance 61 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 7 steps;
; 41 reachable states, 16 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-small-1-61)
  (:domain cliffs)
  (:objects bakery forge garden inn quarry school station red-crate)
  (:init
    (robot-at quarry)
    (at red-crate bakery)
    (trail forge quarry) (trail quarry forge)
    (trail bakery forge) (trail forge bakery)
    (trail garden inn) (trail inn garden)
    (trail school garden) (trail garden school)
    (chute quarry garden)
    (chute forge inn)
    (chute forge school)
    (chute inn station)
  )
  (:goal (and (at red-crate garden))))
