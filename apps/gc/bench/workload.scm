; The program lisp runs for the benchmark: recursion on boxed integers,
; list building and sorting, an association list updated in place, and
; the n-queens search. Every displayed number goes into the check.

(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))

(define (tak x y z)
  (if (not (< y x)) z
      (tak (tak (- x 1) y z) (tak (- y 1) z x) (tak (- z 1) x y))))

(define (next-rand seed) (remainder (+ (* seed 1103515245) 12345) 2147483648))

(define (rand-list n seed acc)
  (if (= n 0) acc
      (rand-list (- n 1) (next-rand seed) (cons (remainder seed 100000) acc))))

(define (rev l acc) (if (null? l) acc (rev (cdr l) (cons (car l) acc))))

; merge with an accumulator: no deep recursion
(define (merge a b acc)
  (cond ((null? a) (rev acc b))
        ((null? b) (rev acc a))
        ((< (car a) (car b)) (merge (cdr a) b (cons (car a) acc)))
        (else (merge a (cdr b) (cons (car b) acc)))))

(define (take-drop l n acc)
  (if (= n 0) (cons (rev acc '()) l)
      (take-drop (cdr l) (- n 1) (cons (car l) acc))))

(define (msort l)
  (let ((n (length l)))
    (if (< n 2) l
        (let ((halves (take-drop l (quotient n 2) '())))
          (merge (msort (car halves)) (msort (cdr halves)) '())))))

(define (sorted? l)
  (cond ((null? l) #t)
        ((null? (cdr l)) #t)
        ((< (car (cdr l)) (car l)) #f)
        (else (sorted? (cdr l)))))

(define (sum l acc) (if (null? l) acc (sum (cdr l) (+ acc (car l)))))

; an association list of counters, bumped in place with set-cdr!
(define (make-counters n acc) (if (= n 0) acc (make-counters (- n 1) (cons (cons n 0) acc))))
(define (find-counter k l) (if (= (car (car l)) k) (car l) (find-counter k (cdr l))))
(define (bump counters n seed)
  (if (= n 0) counters
      (let ((c (find-counter (+ 1 (remainder seed 200)) counters)))
        (set-cdr! c (+ (cdr c) 1))
        (bump counters (- n 1) (next-rand seed)))))
(define (total counters acc) (if (null? counters) acc (total (cdr counters) (+ acc (cdr (car counters))))))

; n-queens
(define (ok? row dist placed)
  (or (null? placed)
      (and (not (= (car placed) (+ row dist)))
           (not (= (car placed) (- row dist)))
           (not (= (car placed) row))
           (ok? row (+ dist 1) (cdr placed)))))
(define (try-rows row n placed)
  (if (> row n) 0
      (+ (if (ok? row 1 placed) (queens n (cons row placed)) 0)
         (try-rows (+ row 1) n placed))))
(define (queens n placed) (if (= (length placed) n) 1 (try-rows 1 n placed)))

(define (repeat n thunk acc) (if (= n 0) acc (repeat (- n 1) thunk (+ acc (thunk)))))

(display (fib 20))
(display (tak 18 12 6))
(display (repeat 3 (lambda ()
                     (let ((l (msort (rand-list 20000 (next-rand 7) '()))))
                       (if (sorted? l) (sum l 0) -1)))
                 0))
(display (total (bump (make-counters 200 '()) 30000 42) 0))
(display (queens 8 '()))
