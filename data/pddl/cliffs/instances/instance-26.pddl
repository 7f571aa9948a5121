; cliffs instance 26 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 9 steps;
; 1864 reachable states, 620 of them dead ends; traps: 3 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-26)
  (:domain cliffs)
  (:objects bakery chapel forge garden library market mill orchard station tower well red-crate blue-crate)
  (:init
    (robot-at station)
    (at red-crate tower)
    (at blue-crate garden)
    (trail mill tower) (trail tower mill)
    (trail orchard tower) (trail tower orchard)
    (trail station orchard) (trail orchard station)
    (trail forge orchard) (trail orchard forge)
    (trail garden tower) (trail tower garden)
    (trail bakery library) (trail library bakery)
    (trail chapel library) (trail library chapel)
    (bridge station library) (bridge library station)
    (chute station bakery)
    (chute garden library)
    (chute station market)
    (chute station well)
  )
  (:goal (and (at red-crate library)
              (at blue-crate chapel))))
