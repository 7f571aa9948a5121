; cliffs instance 78 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 10 steps;
; 762 reachable states, 548 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-78)
  (:domain cliffs)
  (:objects bakery farm inn library market mill orchard quarry school station tower red-crate blue-crate)
  (:init
    (robot-at library)
    (at red-crate bakery)
    (at blue-crate mill)
    (trail school bakery) (trail bakery school)
    (trail library school) (trail school library)
    (trail mill bakery) (trail bakery mill)
    (trail library mill) (trail mill library)
    (trail quarry market) (trail market quarry)
    (trail station inn) (trail inn station)
    (trail tower station) (trail station tower)
    (chute library tower)
    (bridge bakery quarry) (bridge quarry bakery)
    (chute quarry inn)
    (bridge library orchard) (bridge orchard library)
    (chute school farm)
  )
  (:goal (and (at red-crate tower)
              (at blue-crate inn))))
