; cliffs instance 20 of: plan gen-deadend --size mixed --seed 1
; a medium map: 10 places, 2 crates; optimal plan: 11 steps;
; 726 reachable states, 512 of them dead ends; traps: 1 at the start,
; 3 along an optimal plan
(define (problem cliffs-medium-1-20)
  (:domain cliffs)
  (:objects bakery farm forge garden library market mill quarry station tower red-crate blue-crate)
  (:init
    (robot-at bakery)
    (at red-crate market)
    (at blue-crate farm)
    (trail tower market) (trail market tower)
    (trail bakery market) (trail market bakery)
    (trail farm market) (trail market farm)
    (trail forge garden) (trail garden forge)
    (trail library station) (trail station library)
    (trail mill station) (trail station mill)
    (chute bakery mill)
    (bridge market forge) (bridge forge market)
    (chute garden station)
    (chute tower quarry)
  )
  (:goal (and (at red-crate station)
              (at blue-crate library))))
