; cliffs instance 16 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 8 steps;
; 364 reachable states, 216 of them dead ends; traps: 1 at the start,
; 8 along an optimal plan
(define (problem cliffs-medium-1-16)
  (:domain cliffs)
  (:objects bakery chapel garden inn library market school station well red-crate blue-crate)
  (:init
    (robot-at inn)
    (at red-crate library)
    (at blue-crate library)
    (trail inn market) (trail market inn)
    (trail library market) (trail market library)
    (trail bakery library) (trail library bakery)
    (trail school chapel) (trail chapel school)
    (trail garden school) (trail school garden)
    (chute inn garden)
    (chute market chapel)
    (chute library chapel)
    (bridge library well) (bridge well library)
    (bridge market station) (bridge station market)
  )
  (:goal (and (at red-crate school)
              (at blue-crate chapel))))
