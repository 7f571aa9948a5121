; cliffs instance 2 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 9 steps;
; 278 reachable states, 192 of them dead ends; traps: 2 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-2)
  (:domain cliffs)
  (:objects chapel farm garden inn library mill orchard quarry station tower well red-crate blue-crate)
  (:init
    (robot-at mill)
    (at red-crate well)
    (at blue-crate garden)
    (trail mill well) (trail well mill)
    (trail orchard well) (trail well orchard)
    (trail tower well) (trail well tower)
    (trail mill orchard) (trail orchard mill)
    (trail garden quarry) (trail quarry garden)
    (trail farm station) (trail station farm)
    (trail library station) (trail station library)
    (chute mill farm)
    (bridge orchard garden) (bridge garden orchard)
    (chute quarry farm)
    (chute mill chapel)
    (chute well inn)
  )
  (:goal (and (at red-crate farm)
              (at blue-crate farm))))
