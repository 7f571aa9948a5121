; cliffs instance 70 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 8 steps;
; 1272 reachable states, 422 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-medium-1-70)
  (:domain cliffs)
  (:objects chapel forge garden library market orchard station tower well red-crate blue-crate)
  (:init
    (robot-at garden)
    (at red-crate station)
    (at blue-crate station)
    (trail station garden) (trail garden station)
    (trail well station) (trail station well)
    (trail library well) (trail well library)
    (trail orchard tower) (trail tower orchard)
    (trail forge orchard) (trail orchard forge)
    (trail chapel forge) (trail forge chapel)
    (trail tower chapel) (trail chapel tower)
    (bridge garden orchard) (bridge orchard garden)
    (chute well orchard)
    (chute library orchard)
    (chute forge market)
  )
  (:goal (and (at red-crate tower)
              (at blue-crate tower))))
