; cliffs instance 100 of: plan gen-deadend --size mixed --seed 1
; a medium map: 12 places, 2 crates; optimal plan: 9 steps;
; 2484 reachable states, 877 of them dead ends; traps: 2 at the start,
; 5 along an optimal plan
(define (problem cliffs-medium-1-100)
  (:domain cliffs)
  (:objects bakery chapel forge garden harbor inn library orchard quarry school station well red-crate blue-crate)
  (:init
    (robot-at quarry)
    (at red-crate school)
    (at blue-crate well)
    (trail forge quarry) (trail quarry forge)
    (trail well quarry) (trail quarry well)
    (trail bakery well) (trail well bakery)
    (trail chapel well) (trail well chapel)
    (trail school quarry) (trail quarry school)
    (trail inn garden) (trail garden inn)
    (trail harbor inn) (trail inn harbor)
    (trail library harbor) (trail harbor library)
    (bridge quarry inn) (bridge inn quarry)
    (chute forge garden)
    (chute garden orchard)
    (chute quarry station)
  )
  (:goal (and (at red-crate inn)
              (at blue-crate inn))))
