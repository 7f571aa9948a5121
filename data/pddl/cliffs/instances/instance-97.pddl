; cliffs instance 97 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 7 steps;
; 53 reachable states, 17 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-97)
  (:domain cliffs)
  (:objects chapel forge garden inn market mill orchard quarry red-crate)
  (:init
    (robot-at orchard)
    (at red-crate inn)
    (trail inn chapel) (trail chapel inn)
    (trail quarry chapel) (trail chapel quarry)
    (trail forge inn) (trail inn forge)
    (trail orchard chapel) (trail chapel orchard)
    (trail mill market) (trail market mill)
    (chute orchard market)
    (chute quarry market)
    (chute forge mill)
    (chute orchard garden)
  )
  (:goal (and (at red-crate market))))
