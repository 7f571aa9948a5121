; cliffs instance 18 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 10 steps;
; 2659 reachable states, 2173 of them dead ends; traps: 2 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-18)
  (:domain cliffs)
  (:objects bakery farm forge garden harbor library mill orchard school station red-crate blue-crate)
  (:init
    (robot-at farm)
    (at red-crate library)
    (at blue-crate mill)
    (trail library orchard) (trail orchard library)
    (trail farm orchard) (trail orchard farm)
    (trail mill garden) (trail garden mill)
    (trail school station) (trail station school)
    (trail bakery station) (trail station bakery)
    (trail harbor bakery) (trail bakery harbor)
    (trail bakery school) (trail school bakery)
    (bridge farm school) (bridge school farm)
    (chute library mill)
    (bridge farm garden) (bridge garden farm)
    (bridge mill harbor) (bridge harbor mill)
    (chute garden forge)
  )
  (:goal (and (at red-crate school)
              (at blue-crate harbor))))
