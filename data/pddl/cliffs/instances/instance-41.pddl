; cliffs instance 41 of: plan gen-deadend --size mixed --seed 1
; a small map: 11 places, 1 crate; optimal plan: 5 steps;
; 84 reachable states, 34 of them dead ends; traps: 3 at the start,
; 4 along an optimal plan
(define (problem cliffs-small-1-41)
  (:domain cliffs)
  (:objects bakery farm forge harbor inn market mill orchard school station tower red-crate)
  (:init
    (robot-at school)
    (at red-crate station)
    (trail station school) (trail school station)
    (trail forge school) (trail school forge)
    (trail market forge) (trail forge market)
    (trail harbor school) (trail school harbor)
    (trail inn tower) (trail tower inn)
    (trail mill inn) (trail inn mill)
    (trail bakery mill) (trail mill bakery)
    (chute school tower)
    (chute school mill)
    (chute market mill)
    (chute forge farm)
    (chute school orchard)
  )
  (:goal (and (at red-crate mill))))
