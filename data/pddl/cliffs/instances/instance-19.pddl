; cliffs instance 19 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 7 steps;
; 64 reachable states, 22 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-19)
  (:domain cliffs)
  (:objects chapel garden inn library market mill school station tower red-crate)
  (:init
    (robot-at library)
    (at red-crate market)
    (trail chapel inn) (trail inn chapel)
    (trail library inn) (trail inn library)
    (trail tower library) (trail library tower)
    (trail market inn) (trail inn market)
    (trail station mill) (trail mill station)
    (trail garden mill) (trail mill garden)
    (chute library garden)
    (chute market station)
    (bridge library school) (bridge school library)
  )
  (:goal (and (at red-crate garden))))
