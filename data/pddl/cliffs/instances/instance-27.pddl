; cliffs instance 27 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 8 steps;
; 106 reachable states, 67 of them dead ends; traps: 1 at the start,
; 5 along an optimal plan
(define (problem cliffs-small-1-27)
  (:domain cliffs)
  (:objects bakery farm forge garden harbor market mill station red-crate)
  (:init
    (robot-at forge)
    (at red-crate station)
    (trail forge market) (trail market forge)
    (trail farm forge) (trail forge farm)
    (trail station market) (trail market station)
    (trail garden harbor) (trail harbor garden)
    (bridge forge garden) (bridge garden forge)
    (bridge farm garden) (bridge garden farm)
    (chute market mill)
    (chute garden bakery)
  )
  (:goal (and (at red-crate harbor))))
