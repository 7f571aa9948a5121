; cliffs instance 25 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 7 steps;
; 56 reachable states, 24 of them dead ends; traps: 2 at the start,
; 5 along an optimal plan
(define (problem cliffs-small-1-25)
  (:domain cliffs)
  (:objects chapel forge harbor library mill orchard quarry school tower red-crate)
  (:init
    (robot-at tower)
    (at red-crate orchard)
    (trail harbor tower) (trail tower harbor)
    (trail quarry tower) (trail tower quarry)
    (trail orchard quarry) (trail quarry orchard)
    (trail forge library) (trail library forge)
    (trail mill forge) (trail forge mill)
    (trail mill library) (trail library mill)
    (chute tower mill)
    (chute harbor library)
    (chute orchard chapel)
    (bridge tower school) (bridge school tower)
  )
  (:goal (and (at red-crate mill))))
