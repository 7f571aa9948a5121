; cliffs instance 62 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 10 steps;
; 2102 reachable states, 1728 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-medium-1-62)
  (:domain cliffs)
  (:objects farm garden harbor inn market mill orchard quarry school station tower red-crate blue-crate)
  (:init
    (robot-at farm)
    (at red-crate garden)
    (at blue-crate tower)
    (trail garden market) (trail market garden)
    (trail farm market) (trail market farm)
    (trail quarry garden) (trail garden quarry)
    (trail tower harbor) (trail harbor tower)
    (trail mill station) (trail station mill)
    (trail school station) (trail station school)
    (trail mill school) (trail school mill)
    (bridge farm mill) (bridge mill farm)
    (bridge market tower) (bridge tower market)
    (bridge harbor station) (bridge station harbor)
    (chute harbor school)
    (chute quarry orchard)
    (chute quarry inn)
  )
  (:goal (and (at red-crate school)
              (at blue-crate school))))
