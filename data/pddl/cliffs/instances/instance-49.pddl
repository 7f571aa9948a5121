; cliffs instance 49 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 4 steps;
; 80 reachable states, 50 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-49)
  (:domain cliffs)
  (:objects chapel forge garden library market orchard tower red-crate)
  (:init
    (robot-at garden)
    (at red-crate tower)
    (trail tower garden) (trail garden tower)
    (trail orchard tower) (trail tower orchard)
    (trail library market) (trail market library)
    (bridge garden library) (bridge library garden)
    (bridge tower library) (bridge library tower)
    (chute market chapel)
    (chute orchard forge)
  )
  (:goal (and (at red-crate library))))
