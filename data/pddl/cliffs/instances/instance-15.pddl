; cliffs instance 15 of: plan gen-deadend --size mixed --seed 1
; a small map: 10 places, 1 crate; optimal plan: 7 steps;
; 74 reachable states, 31 of them dead ends; traps: 1 at the start,
; 5 along an optimal plan
(define (problem cliffs-small-1-15)
  (:domain cliffs)
  (:objects farm garden harbor inn market mill school station tower well red-crate)
  (:init
    (robot-at tower)
    (at red-crate garden)
    (trail school station) (trail station school)
    (trail garden school) (trail school garden)
    (trail harbor school) (trail school harbor)
    (trail tower harbor) (trail harbor tower)
    (trail farm mill) (trail mill farm)
    (trail well farm) (trail farm well)
    (chute tower well)
    (chute school well)
    (chute harbor mill)
    (chute farm inn)
    (chute school market)
  )
  (:goal (and (at red-crate well))))
