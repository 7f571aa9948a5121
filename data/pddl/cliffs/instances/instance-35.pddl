; cliffs instance 35 of: plan gen-deadend --size mixed --seed 1
; a small map: 8 places, 1 crate; optimal plan: 4 steps;
; 118 reachable states, 28 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-35)
  (:domain cliffs)
  (:objects bakery chapel farm market mill station tower well red-crate)
  (:init
    (robot-at market)
    (at red-crate mill)
    (trail chapel market) (trail market chapel)
    (trail bakery chapel) (trail chapel bakery)
    (trail mill market) (trail market mill)
    (trail bakery market) (trail market bakery)
    (trail farm tower) (trail tower farm)
    (trail well tower) (trail tower well)
    (bridge market farm) (bridge farm market)
    (chute mill tower)
    (chute mill farm)
    (chute tower station)
  )
  (:goal (and (at red-crate farm))))
