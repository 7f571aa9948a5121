; cliffs instance 65 of: plan gen-deadend --size mixed --seed 1
; a small map: 10 places, 1 crate; optimal plan: 7 steps;
; 68 reachable states, 28 of them dead ends; traps: 2 at the start,
; 3 along an optimal plan
(define (problem cliffs-small-1-65)
  (:domain cliffs)
  (:objects bakery chapel farm forge garden harbor mill orchard quarry school red-crate)
  (:init
    (robot-at harbor)
    (at red-crate bakery)
    (trail bakery school) (trail school bakery)
    (trail orchard bakery) (trail bakery orchard)
    (trail harbor school) (trail school harbor)
    (trail forge farm) (trail farm forge)
    (trail chapel farm) (trail farm chapel)
    (trail mill forge) (trail forge mill)
    (trail chapel forge) (trail forge chapel)
    (chute harbor chapel)
    (chute school farm)
    (bridge harbor garden) (bridge garden harbor)
    (chute orchard quarry)
  )
  (:goal (and (at red-crate chapel))))
