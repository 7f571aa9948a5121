; cliffs instance 28 of: plan gen-deadend --size mixed --seed 1
; a medium map: 8 places, 2 crates; optimal plan: 9 steps;
; 857 reachable states, 260 of them dead ends; traps: 1 at the start,
; 2 along an optimal plan
(define (problem cliffs-medium-1-28)
  (:domain cliffs)
  (:objects chapel farm library market mill orchard school station red-crate blue-crate)
  (:init
    (robot-at market)
    (at red-crate orchard)
    (at blue-crate orchard)
    (trail station chapel) (trail chapel station)
    (trail orchard chapel) (trail chapel orchard)
    (trail market station) (trail station market)
    (trail library school) (trail school library)
    (trail farm school) (trail school farm)
    (bridge market school) (bridge school market)
    (chute orchard school)
    (chute station mill)
  )
  (:goal (and (at red-crate school)
              (at blue-crate farm))))
