; cliffs instance 72 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 12 steps;
; 1912 reachable states, 1587 of them dead ends; traps: 1 at the start,
; 6 along an optimal plan
(define (problem cliffs-medium-1-72)
  (:domain cliffs)
  (:objects bakery chapel farm garden library orchard quarry school station tower well red-crate blue-crate)
  (:init
    (robot-at orchard)
    (at red-crate bakery)
    (at blue-crate bakery)
    (trail quarry bakery) (trail bakery quarry)
    (trail farm bakery) (trail bakery farm)
    (trail orchard quarry) (trail quarry orchard)
    (trail garden tower) (trail tower garden)
    (trail chapel station) (trail station chapel)
    (trail library chapel) (trail chapel library)
    (trail school station) (trail station school)
    (bridge orchard school) (bridge school orchard)
    (bridge quarry garden) (bridge garden quarry)
    (bridge garden school) (bridge school garden)
    (chute quarry well)
  )
  (:goal (and (at red-crate school)
              (at blue-crate library))))
