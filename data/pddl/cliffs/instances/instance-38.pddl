; cliffs instance 38 of: plan gen-deadend --size mixed --seed 1
; a medium map: 12 places, 2 crates; optimal plan: 11 steps;
; 2404 reachable states, 798 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-38)
  (:domain cliffs)
  (:objects bakery chapel farm forge garden harbor inn library market mill quarry tower red-crate blue-crate)
  (:init
    (robot-at library)
    (at red-crate tower)
    (at blue-crate quarry)
    (trail forge library) (trail library forge)
    (trail chapel library) (trail library chapel)
    (trail mill chapel) (trail chapel mill)
    (trail quarry library) (trail library quarry)
    (trail tower quarry) (trail quarry tower)
    (trail forge chapel) (trail chapel forge)
    (trail bakery harbor) (trail harbor bakery)
    (trail inn harbor) (trail harbor inn)
    (trail farm inn) (trail inn farm)
    (bridge library farm) (bridge farm library)
    (chute forge bakery)
    (chute mill farm)
    (chute forge garden)
    (chute quarry market)
  )
  (:goal (and (at red-crate farm)
              (at blue-crate harbor))))
