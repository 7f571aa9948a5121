; cliffs instance 8 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 12 steps;
; 836 reachable states, 492 of them dead ends; traps: 1 at the start,
; 7 along an optimal plan
(define (problem cliffs-medium-1-8)
  (:domain cliffs)
  (:objects bakery farm forge garden inn market mill orchard quarry station tower red-crate blue-crate)
  (:init
    (robot-at garden)
    (at red-crate station)
    (at blue-crate orchard)
    (trail market inn) (trail inn market)
    (trail forge inn) (trail inn forge)
    (trail garden forge) (trail forge garden)
    (trail station forge) (trail forge station)
    (trail orchard market) (trail market orchard)
    (trail bakery mill) (trail mill bakery)
    (trail quarry bakery) (trail bakery quarry)
    (chute garden mill)
    (chute inn bakery)
    (chute orchard quarry)
    (chute quarry tower)
    (bridge quarry farm) (bridge farm quarry)
  )
  (:goal (and (at red-crate quarry)
              (at blue-crate bakery))))
