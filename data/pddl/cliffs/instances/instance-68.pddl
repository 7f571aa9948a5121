; cliffs instance 68 of: plan gen-deadend --size mixed --seed 1
; a medium map: 12 places, 2 crates; optimal plan: 9 steps;
; 906 reachable states, 512 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-68)
  (:domain cliffs)
  (:objects bakery chapel farm forge garden inn library market orchard quarry school tower red-crate blue-crate)
  (:init
    (robot-at bakery)
    (at red-crate farm)
    (at blue-crate inn)
    (trail forge bakery) (trail bakery forge)
    (trail inn forge) (trail forge inn)
    (trail chapel bakery) (trail bakery chapel)
    (trail tower inn) (trail inn tower)
    (trail farm chapel) (trail chapel farm)
    (trail farm inn) (trail inn farm)
    (trail school orchard) (trail orchard school)
    (trail garden school) (trail school garden)
    (trail library orchard) (trail orchard library)
    (chute bakery garden)
    (chute inn orchard)
    (chute forge garden)
    (chute bakery quarry)
    (chute tower market)
  )
  (:goal (and (at red-crate library)
              (at blue-crate library))))
