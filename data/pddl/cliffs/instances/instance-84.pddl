; cliffs instance 84 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 12 steps;
; 760 reachable states, 498 of them dead ends; traps: 2 at the start,
; 5 along an optimal plan
(define (problem cliffs-medium-1-84)
  (:domain cliffs)
  (:objects bakery chapel farm harbor inn mill orchard quarry school well red-crate blue-crate)
  (:init
    (robot-at school)
    (at red-crate inn)
    (at blue-crate mill)
    (trail school chapel) (trail chapel school)
    (trail inn chapel) (trail chapel inn)
    (trail bakery mill) (trail mill bakery)
    (trail orchard farm) (trail farm orchard)
    (trail well farm) (trail farm well)
    (chute school orchard)
    (chute school mill)
    (bridge bakery orchard) (bridge orchard bakery)
    (chute mill orchard)
    (chute well quarry)
    (chute orchard harbor)
  )
  (:goal (and (at red-crate orchard)
              (at blue-crate well))))
