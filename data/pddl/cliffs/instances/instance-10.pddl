; cliffs instance 10 of: plan gen-deadend --size mixed --seed 1
; a medium map: 11 places, 2 crates; optimal plan: 9 steps;
; 1864 reachable states, 1466 of them dead ends; traps: 1 at the start,
; 4 along an optimal plan
(define (problem cliffs-medium-1-10)
  (:domain cliffs)
  (:objects bakery farm harbor inn library market mill orchard school tower well red-crate blue-crate)
  (:init
    (robot-at school)
    (at red-crate farm)
    (at blue-crate bakery)
    (trail bakery school) (trail school bakery)
    (trail mill school) (trail school mill)
    (trail harbor mill) (trail mill harbor)
    (trail market bakery) (trail bakery market)
    (trail farm school) (trail school farm)
    (trail well library) (trail library well)
    (trail inn well) (trail well inn)
    (trail inn library) (trail library inn)
    (bridge school inn) (bridge inn school)
    (bridge bakery well) (bridge well bakery)
    (chute mill tower)
    (chute harbor orchard)
  )
  (:goal (and (at red-crate well)
              (at blue-crate inn))))
