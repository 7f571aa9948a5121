; cliffs instance 7 of: plan gen-deadend --size mixed --seed 1
; a small map: 9 places, 1 crate; optimal plan: 7 steps;
; 148 reachable states, 34 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-7)
  (:domain cliffs)
  (:objects bakery chapel forge harbor library market orchard school station red-crate)
  (:init
    (robot-at station)
    (at red-crate library)
    (trail station harbor) (trail harbor station)
    (trail library harbor) (trail harbor library)
    (trail bakery harbor) (trail harbor bakery)
    (trail market orchard) (trail orchard market)
    (trail chapel market) (trail market chapel)
    (trail school market) (trail market school)
    (bridge station chapel) (bridge chapel station)
    (chute station school)
    (chute market forge)
  )
  (:goal (and (at red-crate chapel))))
