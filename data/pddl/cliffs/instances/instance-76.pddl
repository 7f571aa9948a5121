; cliffs instance 76 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 9 steps;
; 523 reachable states, 294 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-76)
  (:domain cliffs)
  (:objects chapel forge garden library mill quarry school station tower red-crate blue-crate)
  (:init
    (robot-at school)
    (at red-crate mill)
    (at blue-crate library)
    (trail school library) (trail library school)
    (trail forge library) (trail library forge)
    (trail mill school) (trail school mill)
    (trail tower library) (trail library tower)
    (trail station chapel) (trail chapel station)
    (trail quarry station) (trail station quarry)
    (chute school quarry)
    (chute library chapel)
    (bridge station garden) (bridge garden station)
  )
  (:goal (and (at red-crate quarry)
              (at blue-crate quarry))))
