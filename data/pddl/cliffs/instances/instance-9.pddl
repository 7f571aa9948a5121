; cliffs instance 9 of: plan gen-deadend --size mixed --seed 1
; a small map: 7 places, 1 crate; optimal plan: 5 steps;
; 41 reachable states, 16 of them dead ends; traps: 2 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-9)
  (:domain cliffs)
  (:objects bakery garden harbor market mill school station red-crate)
  (:init
    (robot-at station)
    (at red-crate bakery)
    (trail school bakery) (trail bakery school)
    (trail station bakery) (trail bakery station)
    (trail garden mill) (trail mill garden)
    (trail harbor mill) (trail mill harbor)
    (trail harbor garden) (trail garden harbor)
    (chute station mill)
    (chute station garden)
    (chute school harbor)
    (bridge garden market) (bridge market garden)
  )
  (:goal (and (at red-crate mill))))
