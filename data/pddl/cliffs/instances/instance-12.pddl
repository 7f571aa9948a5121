; cliffs instance 12 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 10 steps;
; 1921 reachable states, 676 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-medium-1-12)
  (:domain cliffs)
  (:objects bakery chapel forge harbor library mill orchard quarry station tower well red-crate blue-crate)
  (:init
    (robot-at tower)
    (at red-crate chapel)
    (at blue-crate orchard)
    (trail orchard harbor) (trail harbor orchard)
    (trail mill orchard) (trail orchard mill)
    (trail tower orchard) (trail orchard tower)
    (trail chapel harbor) (trail harbor chapel)
    (trail bakery chapel) (trail chapel bakery)
    (trail quarry library) (trail library quarry)
    (trail forge library) (trail library forge)
    (bridge tower forge) (bridge forge tower)
    (chute chapel forge)
    (chute bakery well)
    (chute library station)
  )
  (:goal (and (at red-crate forge)
              (at blue-crate quarry))))
