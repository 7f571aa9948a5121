; cliffs instance 88 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 11 steps;
; 421 reachable states, 290 of them dead ends; traps: 1 at the start,
; 6 along an optimal plan
(define (problem cliffs-medium-1-88)
  (:domain cliffs)
  (:objects bakery forge harbor inn library market mill orchard quarry school well red-crate blue-crate)
  (:init
    (robot-at school)
    (at red-crate orchard)
    (at blue-crate quarry)
    (trail school bakery) (trail bakery school)
    (trail orchard bakery) (trail bakery orchard)
    (trail quarry inn) (trail inn quarry)
    (trail library market) (trail market library)
    (trail forge library) (trail library forge)
    (trail well forge) (trail forge well)
    (trail library well) (trail well library)
    (chute school well)
    (chute bakery quarry)
    (chute quarry market)
    (chute bakery harbor)
    (chute well mill)
  )
  (:goal (and (at red-crate well)
              (at blue-crate market))))
