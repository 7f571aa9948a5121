; cliffs instance 82 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 12 steps;
; 460 reachable states, 260 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-medium-1-82)
  (:domain cliffs)
  (:objects farm forge harbor library orchard quarry school tower well red-crate blue-crate)
  (:init
    (robot-at forge)
    (at red-crate well)
    (at blue-crate farm)
    (trail tower forge) (trail forge tower)
    (trail well forge) (trail forge well)
    (trail farm well) (trail well farm)
    (trail school orchard) (trail orchard school)
    (trail harbor school) (trail school harbor)
    (trail library orchard) (trail orchard library)
    (chute forge library)
    (chute tower library)
    (chute tower quarry)
  )
  (:goal (and (at red-crate harbor)
              (at blue-crate school))))
