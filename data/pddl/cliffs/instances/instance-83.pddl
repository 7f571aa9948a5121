; cliffs instance 83 of: plan gen-deadend --size mixed --seed 1
; a small map: 11 places, 1 crate; optimal plan: 7 steps;
; 200 reachable states, 57 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-83)
  (:domain cliffs)
  (:objects bakery farm garden harbor market mill orchard quarry school station tower red-crate)
  (:init
    (robot-at orchard)
    (at red-crate bakery)
    (trail school orchard) (trail orchard school)
    (trail bakery school) (trail school bakery)
    (trail mill school) (trail school mill)
    (trail farm orchard) (trail orchard farm)
    (trail garden quarry) (trail quarry garden)
    (trail market quarry) (trail quarry market)
    (trail tower market) (trail market tower)
    (trail tower quarry) (trail quarry tower)
    (bridge orchard tower) (bridge tower orchard)
    (chute orchard garden)
    (chute farm tower)
    (chute garden harbor)
    (chute farm station)
  )
  (:goal (and (at red-crate tower))))
