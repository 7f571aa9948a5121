; cliffs instance 51 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 7 steps;
; 58 reachable states, 25 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-small-1-51)
  (:domain cliffs)
  (:objects bakery forge garden harbor inn mill quarry station well red-crate)
  (:init
    (robot-at inn)
    (at red-crate harbor)
    (trail inn harbor) (trail harbor inn)
    (trail bakery inn) (trail inn bakery)
    (trail garden quarry) (trail quarry garden)
    (trail well garden) (trail garden well)
    (trail mill garden) (trail garden mill)
    (chute inn quarry)
    (chute bakery garden)
    (bridge garden forge) (bridge forge garden)
    (chute harbor station)
  )
  (:goal (and (at red-crate mill))))
