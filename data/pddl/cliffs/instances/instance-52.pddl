; cliffs instance 52 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 12 steps;
; 332 reachable states, 246 of them dead ends; traps: 2 at the start,
; 6 along an optimal plan
(define (problem cliffs-medium-1-52)
  (:domain cliffs)
  (:objects chapel farm garden harbor inn library mill quarry station well red-crate blue-crate)
  (:init
    (robot-at chapel)
    (at red-crate garden)
    (at blue-crate inn)
    (trail chapel mill) (trail mill chapel)
    (trail quarry chapel) (trail chapel quarry)
    (trail garden mill) (trail mill garden)
    (trail inn well) (trail well inn)
    (trail harbor library) (trail library harbor)
    (trail station harbor) (trail harbor station)
    (chute chapel station)
    (chute chapel inn)
    (bridge inn library) (bridge library inn)
    (chute mill farm)
  )
  (:goal (and (at red-crate station)
              (at blue-crate library))))
