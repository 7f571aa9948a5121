; Cliffs: a robot delivers crates between places on a hillside.
; Trails go both ways, slides go down only, and a rope bridge
; breaks once it is crossed. Effect classes (README.md here):
;   walk, pick-up, drop: reversible (walk back, pick up again)
;   slide, cross: irreversible (no way back up a slide; a crossed
;   bridge is gone in both directions)
; A reversible action never makes the goal unreachable; a slide or
; a crossing can, when it leaves a crate behind or ends in a pit.
(define (domain cliffs)
  (:requirements :strips)
  (:predicates (robot-at ?place)
               (at ?crate ?place)
               (carrying ?crate)
               (trail ?from ?to)
               (chute ?from ?to)
               (bridge ?from ?to))

  (:action walk
    :parameters (?from ?to)
    :precondition (and (robot-at ?from) (trail ?from ?to))
    :effect (and (robot-at ?to) (not (robot-at ?from))))

  (:action slide
    :parameters (?from ?to)
    :precondition (and (robot-at ?from) (chute ?from ?to))
    :effect (and (robot-at ?to) (not (robot-at ?from))))

  (:action cross
    :parameters (?from ?to)
    :precondition (and (robot-at ?from) (bridge ?from ?to))
    :effect (and (robot-at ?to) (not (robot-at ?from))
                 (not (bridge ?from ?to)) (not (bridge ?to ?from))))

  (:action pick-up
    :parameters (?crate ?place)
    :precondition (and (robot-at ?place) (at ?crate ?place))
    :effect (and (carrying ?crate) (not (at ?crate ?place))))

  (:action drop
    :parameters (?crate ?place)
    :precondition (and (robot-at ?place) (carrying ?crate))
    :effect (and (at ?crate ?place) (not (carrying ?crate)))))
