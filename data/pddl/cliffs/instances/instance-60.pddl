; cliffs instance 60 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 10 steps;
; 572 reachable states, 343 of them dead ends; traps: 1 at the start,
; 6 along an optimal plan
(define (problem cliffs-medium-1-60)
  (:domain cliffs)
  (:objects farm forge garden library market mill quarry school tower well red-crate blue-crate)
  (:init
    (robot-at tower)
    (at red-crate library)
    (at blue-crate well)
    (trail garden library) (trail library garden)
    (trail well garden) (trail garden well)
    (trail farm well) (trail well farm)
    (trail tower library) (trail library tower)
    (trail market quarry) (trail quarry market)
    (trail school market) (trail market school)
    (chute tower market)
    (chute well quarry)
    (chute well mill)
    (chute market forge)
  )
  (:goal (and (at red-crate market)
              (at blue-crate school))))
