; cliffs instance 94 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 9 steps;
; 3388 reachable states, 2728 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-94)
  (:domain cliffs)
  (:objects bakery farm forge harbor inn library mill orchard school tower well red-crate blue-crate)
  (:init
    (robot-at tower)
    (at red-crate school)
    (at blue-crate school)
    (trail school inn) (trail inn school)
    (trail tower school) (trail school tower)
    (trail library harbor) (trail harbor library)
    (trail well bakery) (trail bakery well)
    (trail mill well) (trail well mill)
    (trail forge bakery) (trail bakery forge)
    (bridge tower mill) (bridge mill tower)
    (bridge inn harbor) (bridge harbor inn)
    (chute tower harbor)
    (bridge harbor forge) (bridge forge harbor)
    (chute inn farm)
    (chute school orchard)
  )
  (:goal (and (at red-crate mill)
              (at blue-crate bakery))))
