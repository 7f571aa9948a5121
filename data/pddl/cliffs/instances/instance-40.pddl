; cliffs instance 40 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 10 steps;
; 1002 reachable states, 630 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-40)
  (:domain cliffs)
  (:objects bakery forge garden inn library market mill orchard school tower well red-crate blue-crate)
  (:init
    (robot-at mill)
    (at red-crate market)
    (at blue-crate orchard)
    (trail market mill) (trail mill market)
    (trail tower market) (trail market tower)
    (trail school tower) (trail tower school)
    (trail bakery orchard) (trail orchard bakery)
    (trail forge well) (trail well forge)
    (trail library forge) (trail forge library)
    (chute mill forge)
    (bridge school orchard) (bridge orchard school)
    (chute mill bakery)
    (chute orchard library)
    (bridge bakery garden) (bridge garden bakery)
    (chute school inn)
  )
  (:goal (and (at red-crate forge)
              (at blue-crate forge))))
