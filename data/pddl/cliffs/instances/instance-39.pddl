; cliffs instance 39 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 4 steps;
; 92 reachable states, 22 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-39)
  (:domain cliffs)
  (:objects bakery farm garden inn library station tower red-crate)
  (:init
    (robot-at garden)
    (at red-crate tower)
    (trail library garden) (trail garden library)
    (trail tower garden) (trail garden tower)
    (trail farm tower) (trail tower farm)
    (trail bakery station) (trail station bakery)
    (bridge garden bakery) (bridge bakery garden)
    (chute farm station)
    (chute tower bakery)
    (chute station inn)
  )
  (:goal (and (at red-crate bakery))))
