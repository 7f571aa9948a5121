; cliffs instance 67 of: plan gen-deadend --size mixed --seed 1
; a small map: 10 places, 1 crate; optimal plan: 6 steps;
; 163 reachable states, 102 of them dead ends; traps: 1 at the start,
; 1 along an optimal plan
(define (problem cliffs-small-1-67)
  (:domain cliffs)
  (:objects chapel farm forge garden harbor inn library mill quarry tower red-crate)
  (:init
    (robot-at harbor)
    (at red-crate tower)
    (trail garden farm) (trail farm garden)
    (trail tower garden) (trail garden tower)
    (trail forge garden) (trail garden forge)
    (trail harbor tower) (trail tower harbor)
    (trail farm tower) (trail tower farm)
    (trail mill library) (trail library mill)
    (trail quarry mill) (trail mill quarry)
    (trail quarry library) (trail library quarry)
    (bridge harbor library) (bridge library harbor)
    (bridge forge mill) (bridge mill forge)
    (chute forge inn)
    (bridge garden chapel) (bridge chapel garden)
  )
  (:goal (and (at red-crate quarry))))
