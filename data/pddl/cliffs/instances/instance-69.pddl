; cliffs instance 69 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 5 steps;
; 64 reachable states, 26 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-small-1-69)
  (:domain cliffs)
  (:objects bakery farm forge harbor inn mill quarry school station red-crate)
  (:init
    (robot-at mill)
    (at red-crate school)
    (trail forge mill) (trail mill forge)
    (trail inn forge) (trail forge inn)
    (trail school forge) (trail forge school)
    (trail harbor mill) (trail mill harbor)
    (trail harbor forge) (trail forge harbor)
    (trail quarry station) (trail station quarry)
    (chute mill station)
    (chute school station)
    (chute inn quarry)
    (chute quarry farm)
    (chute quarry bakery)
  )
  (:goal (and (at red-crate station))))
