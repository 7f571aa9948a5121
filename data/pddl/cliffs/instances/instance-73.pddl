; cliffs instance 73 of: plan gen-deadend --size mixed --seed 1
; a small map: 10 places, 1 crate; optimal plan: 5 steps;
; 77 reachable states, 27 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-73)
  (:domain cliffs)
  (:objects bakery chapel forge garden harbor inn library orchard station well red-crate)
  (:init
    (robot-at bakery)
    (at red-crate chapel)
    (trail bakery chapel) (trail chapel bakery)
    (trail inn bakery) (trail bakery inn)
    (trail forge chapel) (trail chapel forge)
    (trail harbor inn) (trail inn harbor)
    (trail well orchard) (trail orchard well)
    (trail library orchard) (trail orchard library)
    (trail garden library) (trail library garden)
    (trail garden orchard) (trail orchard garden)
    (chute bakery orchard)
    (chute forge garden)
    (bridge harbor station) (bridge station harbor)
  )
  (:goal (and (at red-crate garden))))
