;; The keyword automaton's pass over a file's bytes (src/detect/keyword-scan.ts): the same tables
;; as the JavaScript pass in prefilter.ts, run twice as fast. Assembled into keyword-scan-module.ts
;; by scripts/build-wasm.mjs.
;;
;; Memory: the byte-to-class table at 0 (256 bytes), the transition table at $delta (one i32 per
;; cell: the next state's row offset, bitwise-negated when that state emits keywords), then an
;; output area and the text, placed by the caller. Each emitting step writes two i32s to the
;; output area: the text offset just past the character, and the emitting state's row offset.
;; When the output area is full the pass stops early. Either way $resume (and for UTF-8,
;; $resumeUnits) says where it stopped and $lastRow in which state, so the caller can go on from
;; there, in this text or in the next chunk of it.
(module
  (memory (export "memory") 1)
  (global $resume (export "resume") (mut i32) (i32.const 0))
  (global $resumeUnits (export "resumeUnits") (mut i32) (i32.const 0))
  (global $lastRow (export "lastRow") (mut i32) (i32.const 0))

  ;; Offsets are byte offsets, relative to $start: for ASCII text these are string offsets too.
  (func (export "scanBytes")
    (param $start i32) (param $at i32) (param $end i32) (param $delta i32)
    (param $out i32) (param $outEnd i32) (param $row i32)
    (result i32)
    (local $cell i32) (local $o i32)
    (local.set $o (local.get $out))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $cell
          (i32.load
            (i32.add
              (local.get $delta)
              (i32.shl
                (i32.add (local.get $row) (i32.load8_u (i32.load8_u (local.get $at))))
                (i32.const 2)))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (local.set $row (local.get $cell))
        (if (i32.lt_s (local.get $cell) (i32.const 0))
          (then
            (local.set $row (i32.xor (local.get $cell) (i32.const -1)))
            (i32.store (local.get $o) (i32.sub (local.get $at) (local.get $start)))
            (i32.store offset=4 (local.get $o) (local.get $row))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (br_if $done (i32.ge_u (local.get $o) (local.get $outEnd)))))
        (br $next)))
    (global.set $resume (local.get $at))
    (global.set $lastRow (local.get $row))
    (i32.shr_u (i32.sub (local.get $o) (local.get $out)) (i32.const 3)))

  ;; For valid UTF-8: offsets are counted in UTF-16 units, as the decoded string counts them. A
  ;; byte that starts a character adds one unit, a four-byte character's first byte one more (a
  ;; surrogate pair); continuation bytes add none. $units is the count at $at.
  (func (export "scanUtf8")
    (param $units i32) (param $at i32) (param $end i32) (param $delta i32)
    (param $out i32) (param $outEnd i32) (param $row i32)
    (result i32)
    (local $cell i32) (local $o i32) (local $byte i32)
    (local.set $o (local.get $out))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $byte (i32.load8_u (local.get $at)))
        (local.set $cell
          (i32.load
            (i32.add
              (local.get $delta)
              (i32.shl
                (i32.add (local.get $row) (i32.load8_u (local.get $byte)))
                (i32.const 2)))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (local.set $units
          (i32.add
            (local.get $units)
            (i32.add
              (i32.ne (i32.and (local.get $byte) (i32.const 0xc0)) (i32.const 0x80))
              (i32.ge_u (local.get $byte) (i32.const 0xf0)))))
        (local.set $row (local.get $cell))
        (if (i32.lt_s (local.get $cell) (i32.const 0))
          (then
            (local.set $row (i32.xor (local.get $cell) (i32.const -1)))
            (i32.store (local.get $o) (local.get $units))
            (i32.store offset=4 (local.get $o) (local.get $row))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (br_if $done (i32.ge_u (local.get $o) (local.get $outEnd)))))
        (br $next)))
    (global.set $resume (local.get $at))
    (global.set $lastRow (local.get $row))
    (global.set $resumeUnits (local.get $units))
    (i32.shr_u (i32.sub (local.get $o) (local.get $out)) (i32.const 3))))
