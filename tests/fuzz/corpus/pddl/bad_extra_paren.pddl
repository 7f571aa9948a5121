(define (domain d)))
)