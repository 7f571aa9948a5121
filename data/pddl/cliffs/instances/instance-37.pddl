; cliffs instance 37 of: plan gen-deadend --size mixed --seed 1
; a small map: 10 places, 1 crate; optimal plan: 6 steps;
; 72 reachable states, 31 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-37)
  (:domain cliffs)
  (:objects bakery farm garden harbor inn library market mill orchard station red-crate)
  (:init
    (robot-at library)
    (at red-crate garden)
    (trail harbor library) (trail library harbor)
    (trail farm harbor) (trail harbor farm)
    (trail garden library) (trail library garden)
    (trail mill bakery) (trail bakery mill)
    (trail station mill) (trail mill station)
    (trail market bakery) (trail bakery market)
    (chute library market)
    (chute harbor station)
    (bridge mill inn) (bridge inn mill)
    (chute library orchard)
  )
  (:goal (and (at red-crate bakery))))
