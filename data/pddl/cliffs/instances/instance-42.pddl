; cliffs instance 42 of: plan gen-deadend --size mixed --seed 1
; a medium map: 9 places, 2 crates; optimal plan: 9 steps;
; 309 reachable states, 230 of them dead ends; traps: 1 at the start,
; 5 along an optimal plan
(define (problem cliffs-medium-1-42)
  (:domain cliffs)
  (:objects bakery chapel harbor inn library market quarry tower well red-crate blue-crate)
  (:init
    (robot-at harbor)
    (at red-crate well)
    (at blue-crate quarry)
    (trail harbor inn) (trail inn harbor)
    (trail well harbor) (trail harbor well)
    (trail quarry chapel) (trail chapel quarry)
    (trail library bakery) (trail bakery library)
    (trail tower bakery) (trail bakery tower)
    (trail tower library) (trail library tower)
    (chute harbor library)
    (bridge well quarry) (bridge quarry well)
    (chute chapel tower)
    (chute quarry tower)
    (chute bakery market)
  )
  (:goal (and (at red-crate library)
              (at blue-crate bakery))))
