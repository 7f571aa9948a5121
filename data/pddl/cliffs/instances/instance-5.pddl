; cliffs instance 5 of: plan gen-deadend --size mixed --seed 1
; a small map: 10 places, 1 crate; optimal plan: 5 steps;
; 74 reachable states, 31 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-5)
  (:domain cliffs)
  (:objects farm forge garden harbor inn library market mill tower well red-crate)
  (:init
    (robot-at forge)
    (at red-crate garden)
    (trail inn garden) (trail garden inn)
    (trail market garden) (trail garden market)
    (trail forge garden) (trail garden forge)
    (trail tower market) (trail market tower)
    (trail library mill) (trail mill library)
    (trail harbor mill) (trail mill harbor)
    (chute forge library)
    (chute mill farm)
    (chute garden well)
  )
  (:goal (and (at red-crate library))))
