; cliffs instance 87 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 5 steps;
; 46 reachable states, 21 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-87)
  (:domain cliffs)
  (:objects forge market mill orchard quarry school station well red-crate)
  (:init
    (robot-at forge)
    (at red-crate market)
    (trail quarry market) (trail market quarry)
    (trail forge market) (trail market forge)
    (trail school orchard) (trail orchard school)
    (trail mill school) (trail school mill)
    (chute forge orchard)
    (chute quarry mill)
    (chute school station)
    (chute forge well)
  )
  (:goal (and (at red-crate orchard))))
